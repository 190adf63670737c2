package joule.ebm.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import joule.ebm.data.FashionMnist;
import joule.ebm.metrics.Box;
import joule.ebm.metrics.GridKl;
import joule.ebm.metrics.ImageQuality;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code joule eval}: prints how close a checkpoint's samples, and for 2-D its density, come to a data set. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        header = "Prints MMD², energy distance and (2-D) grid KL of a checkpoint against data.",
        description = {"Loads a checkpoint, draws model samples and prints, against the data: MMD² (unbiased, RBF "
                + "kernel with the median-heuristic bandwidth), the energy distance (unbiased), and for 2-D models "
                + "KL(data ‖ model) on a " + EvalCommand.CELLS + "×" + EvalCommand.CELLS + " grid over the data's "
                + "bounding box (the density exp(−E) normalised on the grid).",
                "For a Fashion-MNIST model it also prints image metrics from a small Fashion-MNIST classifier shipped "
                        + "with Joule: the Fréchet distance of its penultimate features between the samples and 5000 test "
                        + "images, its mean confidence, and the classes the samples cover, beside the same numbers for "
                        + "held-out test images, a Gaussian fitted to the training images, and uniform noise.",
                "For a score SDE model (vesde, vpsde) it also prints the negative log-likelihood of the first "
                        + "--likelihood-points data points by the probability-flow ODE (exact divergence up to "
                        + OdeLikelihood.EXACT_MAX_DIM + " coordinates, Hutchinson above), and bits per dimension for "
                        + "Fashion-MNIST.",
                "The data: 2000 fresh points of a toy set (--seed), the first 2000 Fashion-MNIST test images, or every "
                        + "row of a CSV file; by default the checkpoint's training set."})
final class EvalCommand implements Callable<Integer> {
    static final int CELLS = 50;

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A model.safetensors "
            + "written by joule train.")
    Path checkpoint;

    @Mixin
    DataArgs data;

    @Mixin
    SamplerArgs sampler;

    @Option(names = "--n", paramLabel = "N", defaultValue = "1000", description = "Model samples.")
    int n;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of the chains and of toy data.")
    long seed;

    @Option(names = "--likelihood-points", paramLabel = "N", defaultValue = "200",
            description = "vesde, vpsde: data points whose ODE likelihood is computed.")
    int likelihoodPoints;

    @Mixin
    DeviceArgs device;

    @Override
    public Integer call() {
        data.check();
        if (n < 2) {
            throw new CliException("--n must be ≥ 2, got " + n);
        }
        if (likelihoodPoints < 1) {
            throw new CliException("--likelihood-points must be ≥ 1, got " + likelihoodPoints);
        }
        Device on = device.checked();
        Model model = Model.load(checkpoint, on);
        RunConfig config = model.config().withSampler(sampler.resolve(model.config().sampler()));
        HeapBudget.check("--n " + n, (long) n * config.model().dim(), SampleCommand.CHAIN_BYTES);
        boolean given = data.dataset != null || data.file != null;
        String dataset = given ? data.dataset : config.data().dataset();
        Path file = given ? data.file : config.data().file() == null ? null : Path.of(config.data().file());
        String dataName = file != null ? file.toString() : DataSets.canonical(dataset);
        Tensor reference = DataSets.reference(dataset, file, seed).to(on);
        if (reference.size(1) != config.model().dim()) {
            throw new CliException("the model is " + config.model().dim() + "-dimensional but " + dataName + " has "
                    + reference.size(1) + " coordinates");
        }
        Tensor samples = model.sample(config.sampler(), n, new RandomStream(seed + 4));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "checkpoint        %s (%s on %s, step %d)%n", checkpoint, Names.of(config.loss().kind()),
                config.data().dataset(), model.step());
        out.printf(Locale.ROOT, "data              %s: %d points%n", dataName, reference.size(0));
        out.printf(Locale.ROOT, "samples           %d by %s%n", n, config.sampler().describe());
        TrainCommand.metrics(samples, reference).forEach((k, v) -> out.printf(Locale.ROOT, "%-17s %.6g%n", k, v));
        if (config.model().dim() == 2) {
            Box box = around(reference);
            out.printf(Locale.ROOT, "%-17s %.6g   (%d×%d grid over [%.3g, %.3g] × [%.3g, %.3g])%n", "grid_kl",
                    GridKl.gridKl(model.energy(), reference, box, CELLS), CELLS, CELLS, box.xMin(), box.xMax(),
                    box.yMin(), box.yMax());
        }
        boolean fashion = config.data().dataset().equals(DataSets.FASHION_MNIST) && dataName.equals(DataSets.FASHION_MNIST);
        if (config.loss().kind().isSde()) {
            OdeLikelihood.report(model, reference, likelihoodPoints, seed, fashion, out);
        }
        if (fashion) {
            Tensor images = samples.to(Device.CPU).reshape(n, 1, FashionMnist.SIDE, FashionMnist.SIDE);
            try {
                out.println();
                out.println(ImageQuality.fashionMnist(ImageQuality.Config.DEFAULT).evaluate(images));
            } catch (IllegalStateException | UncheckedIOException e) {
                throw new CliException(e.getMessage());
            }
        }
        out.flush();
        return 0;
    }

    /** The bounding box of {@code points [n, 2]}, widened by 5% of its size on each side. */
    private static Box around(Tensor points) {
        Tensor lo = points.min(new int[] {0}, false);
        Tensor hi = points.max(new int[] {0}, false);
        double[] a = lo.toDoubleArray();
        double[] b = hi.toDoubleArray();
        double mx = 0.05 * Math.max(b[0] - a[0], 1e-3);
        double my = 0.05 * Math.max(b[1] - a[1], 1e-3);
        return new Box(a[0] - mx, b[0] + mx, a[1] - my, b[1] + my);
    }
}
