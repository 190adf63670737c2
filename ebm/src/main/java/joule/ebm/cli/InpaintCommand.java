package joule.ebm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import joule.ebm.apply.Inpainting;
import joule.ebm.apply.Psnr;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code joule inpaint}: fills the masked coordinates of inputs by annealed Langevin with the known ones clamped. */
@Command(name = "inpaint", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        header = "Fills the missing coordinates of inputs by annealed Langevin with the known ones clamped.",
        description = {"Hides the coordinates the mask marks missing, fills them by annealed Langevin over the model's "
                + "noise levels (before each step the known coordinates are reset to the data plus noise of the current "
                + "level, as in NCSN's code), ends with a Tweedie step, and writes inpainted.csv; for images inpainting.png "
                + "(rows: masked input with the missing pixels grey, result, original). Prints the PSNR on the missing "
                + "coordinates against the originals, beside filling them with the training mean.",
                "A model without noise levels uses one level σ (its score ignores σ)."})
final class InpaintCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A model.safetensors written by "
            + "joule train.")
    Path checkpoint;

    @Mixin
    DataArgs data;

    @Option(names = "--mask", required = true, paramLabel = "MASK", description = "Which coordinates are missing: for "
            + "images lower-half, upper-half, left-half or right-half (the missing half); a list of 0/1 per coordinate "
            + "(1 known, 0 missing), e.g. 1,0; or a CSV file of such rows (one for all inputs, or one per input).")
    String mask;

    @Option(names = "--n", paramLabel = "N", defaultValue = "16", description = "Inpaint the first N inputs.")
    int n;

    @Option(names = "--draws", paramLabel = "K", defaultValue = "1", description = "Average K inpaintings of each "
            + "input (an estimate of the posterior mean, which PSNR rewards; the picture shows the average too).")
    int draws;

    @Mixin
    AnnealingArgs annealing;

    @Option(names = "--sigma", paramLabel = "σ", defaultValue = "0.01", description = "The one noise level of a model "
            + "without levels.")
    double sigma;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of toy data and chains.")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder. Default: the checkpoint's folder.")
    Path out;

    @Mixin
    DeviceArgs device;

    @Override
    public Integer call() {
        Device on = device.checked();
        Model model = Model.load(checkpoint, on);
        Applications.Input input = Applications.input(data, model, n, seed, on);
        Tensor original = input.rows();
        Tensor known = Applications.mask(mask, model, original.size(0));
        Inpainting inpainting = Applications.checked(() -> new Inpainting(Applications.levels(model, sigma),
                annealing.stepSize(model), annealing.steps(model), model.chainOptions()));
        OutputFolder folder = OutputFolder.prepare(out != null ? out : checkpoint.toAbsolutePath().getParent());
        long start = System.nanoTime();
        Tensor filled = model.withAverages(() -> Applications.checked(() -> inpainting.posteriorMean(
                Applications.scores(model), original, known, draws, new RandomStream(seed + 3))));
        double seconds = (System.nanoTime() - start) / 1e9;
        Tensor keep = known.to(on).rank() == 1 ? known.to(on).reshape(1, -1).expand(original.shape()) : known.to(on);
        folder.writeText("inpainted.csv", SampleCommand.csv(filled));
        String written = "inpainted.csv";
        int[] image = Applications.imageShape(model);
        Tensor mean = Tensor.of(Model.DTYPE, model.config().start().mean(), original.size(1)).to(on).reshape(1, -1)
                .expand(original.shape());
        Tensor meanFill = original.mul(keep).add(mean.mul(keep.neg().add(1)));
        if (image != null) {
            Tensor masked = original.mul(keep);   // missing pixels at 0: mid grey
            folder.writePng("inpainting.png", ApplicationPlots.imageRows(image[1], 8, masked, filled, original));
            written += ", inpainting.png";
        }
        double range = image != null ? 2 : DenoiseCommand.range(original);
        double psnr = Psnr.ofMissing(filled, original, keep, range);
        double psnrMean = Psnr.ofMissing(meanFill, original, keep, range);
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "inpainted %d inputs of %s (mask %s, %s) by %s in %.1f s; wrote %s%n", original.size(0),
                input.name(), mask, draws == 1 ? "one draw" : "mean of " + draws + " draws", inpainting, seconds, written);
        w.printf(Locale.ROOT, "psnr on the missing coordinates   %7.2f dB   (range %.4g)%n", psnr, range);
        w.printf(Locale.ROOT, "psnr of the training mean there   %7.2f dB   gain %+.2f dB%n", psnrMean, psnr - psnrMean);
        w.flush();
        return 0;
    }
}
