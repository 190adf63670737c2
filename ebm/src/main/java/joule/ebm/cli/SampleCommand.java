package joule.ebm.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code joule sample}: draws samples from a checkpoint's model and writes them as CSV with a picture. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        header = "Draws samples from a checkpoint into samples.csv and samples.png.",
        description = {"Loads a checkpoint (its config rebuilds the model), runs the sampler from the Gaussian fitted "
                + "to the training data, and writes samples.csv (header x1,…,xD) and samples.png (2-D: the energy "
                + "with the samples over it; Fashion-MNIST: a grid of 64 samples)."})
final class SampleCommand implements Callable<Integer> {
    /** About how many bytes each coordinate of a chain takes while sampling (state, proposal, gradients). */
    static final int CHAIN_BYTES = 64;

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A model.safetensors "
            + "written by joule train.")
    Path checkpoint;

    @Mixin
    SamplerArgs sampler;

    @Option(names = "--n", paramLabel = "N", defaultValue = "1000", description = "Samples (independent chains).")
    int n;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of the chains.")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder. Default: the checkpoint's folder.")
    Path out;

    @Mixin
    DeviceArgs device;

    @Override
    public Integer call() {
        if (n < 1) {
            throw new CliException("--n must be ≥ 1, got " + n);
        }
        Model model = Model.load(checkpoint, device.checked());
        RunConfig config = model.config().withSampler(sampler.resolve(model.config().sampler()));
        HeapBudget.check("--n " + n, (long) n * config.model().dim(), CHAIN_BYTES);
        Path dir = out != null ? out : checkpoint.toAbsolutePath().getParent();
        Tensor samples = model.sample(config.sampler(), n, new RandomStream(seed));
        long diverged = Arrays.stream(samples.toDoubleArray()).filter(v -> !Double.isFinite(v)).count();
        if (diverged > 0) {
            throw new CliException("the chains diverged: " + diverged + " of " + samples.numel() + " sample values are "
                    + "NaN or infinite (try a smaller --step-size); nothing was written");
        }
        if (model.hasEnergy()) {
            long overflowing = Arrays.stream(model.energy().energy(samples).toDoubleArray())
                    .filter(v -> !Double.isFinite(v)).count();
            if (overflowing > 0) {
                throw new CliException("the model's energy is NaN or infinite at " + overflowing + " of the " + n
                        + " samples (do the weights of " + checkpoint + " overflow?); nothing was written");
            }
        }
        String csv = csv(samples);
        BufferedImage picture = null;
        if (!Plots.canDraw()) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": " + Plots.whyNot() + "; wrote no picture");
        } else if (config.model().dim() == 2) {
            try {
                picture = Plots.energyMap(model.energy(), Plots.frame(config.start()), samples,
                        model.energyName() + " and " + n + " samples");
            } catch (IllegalArgumentException e) {
                throw new CliException("can't draw the energy of " + checkpoint + ": " + e.getMessage()
                        + "; nothing was written");
            }
        } else if (config.data().dataset().equals(DataSets.FASHION_MNIST)) {
            picture = Plots.imageGrid(samples, 28, 8);
        }
        OutputFolder folder = OutputFolder.prepare(dir);
        folder.writeText("samples.csv", csv);
        String written = "samples.csv";
        if (picture != null) {
            folder.writePng("samples.png", picture);
            written += ", samples.png";
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "drew %d samples by %s from %s (step %d); wrote %s to %s%n", n,
                config.sampler().describe(), checkpoint, model.step(), written, dir);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** {@code points [n, d]} as CSV with the header {@code x1,…,xd}, values as the shortest decimal that reads back the same. */
    static String csv(Tensor points) {
        int d = points.size(1);
        double[] v = points.toDoubleArray();
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < d; j++) {
            b.append(j > 0 ? "," : "").append('x').append(j + 1);
        }
        b.append('\n');
        for (int i = 0; i < points.size(0); i++) {
            for (int j = 0; j < d; j++) {
                b.append(j > 0 ? "," : "").append((float) v[i * d + j]);
            }
            b.append('\n');
        }
        return b.toString();
    }
}
