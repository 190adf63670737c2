package joule.ebm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import joule.ebm.apply.Denoising;
import joule.ebm.apply.Psnr;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code joule denoise}: Tweedie denoising, and optionally annealed-Langevin refinement, with a checkpoint's score. */
@Command(name = "denoise", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        header = "Denoises inputs with the model's score: one Tweedie step x + σ² s(x, σ), optionally Langevin refinement.",
        description = {"By default adds Gaussian noise of scale σ to clean inputs (seeded), denoises them, prints the PSNR "
                + "of the noisy and the denoised inputs against the clean ones (range 2 for images in [−1, 1], else the "
                + "data's range), and writes noisy.csv, denoised.csv (Tweedie) and with --langevin refined.csv; for images "
                + "denoising.png (rows: noisy, Tweedie, [Langevin,] clean). With --noisy the inputs are taken as already "
                + "noisy at level σ: only the denoised rows are written.",
                "Langevin refinement runs annealed Langevin from the noisy input over σ and the model's noise levels below "
                        + "it, ending with a Tweedie step; a model without noise levels uses σ alone (its score ignores σ)."})
final class DenoiseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A model.safetensors written by "
            + "joule train.")
    Path checkpoint;

    @Mixin
    DataArgs data;

    @Option(names = "--n", paramLabel = "N", defaultValue = "64", description = "Denoise the first N inputs.")
    int n;

    @Option(names = "--sigma", paramLabel = "σ", defaultValue = "0.2", description = "Noise level.")
    double sigma;

    @Option(names = "--noisy", description = "The inputs are already noisy (at level σ): don't add noise.")
    boolean noisy;

    @Option(names = "--langevin", description = "Also refine by annealed Langevin.")
    boolean langevin;

    @Mixin
    AnnealingArgs annealing;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of toy data, noise and chains.")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder. Default: the checkpoint's folder.")
    Path out;

    @Mixin
    DeviceArgs device;

    @Override
    public Integer call() {
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new CliException("--sigma must be > 0, got " + sigma);
        }
        Device on = device.checked();
        Model model = Model.load(checkpoint, on);
        int steps = annealing.steps(model);
        double eta = annealing.stepSize(model);
        Applications.Input input = Applications.input(data, model, n, seed, on);
        Tensor clean = input.rows();
        RandomStream rng = new RandomStream(seed + 3);
        Tensor corrupted = noisy ? clean : clean.add(rng.normal(on, clean.dtype(), clean.shape()).mul(sigma));
        OutputFolder folder = OutputFolder.prepare(out != null ? out : checkpoint.toAbsolutePath().getParent());
        long start = System.nanoTime();
        Tensor tweedie = model.withAverages(() -> Denoising.tweedie(Applications.scores(model), corrupted, sigma));
        double tweedieSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        Tensor refined = !langevin ? null : model.withAverages(() -> Denoising.refine(Applications.scores(model),
                corrupted, sigma, Applications.levels(model, sigma), eta, steps, model.chainOptions(), rng));
        double langevinSeconds = (System.nanoTime() - start) / 1e9;
        if (!noisy) {
            folder.writeText("noisy.csv", SampleCommand.csv(corrupted));
        }
        folder.writeText("denoised.csv", SampleCommand.csv(tweedie));
        String written = (noisy ? "" : "noisy.csv, ") + "denoised.csv";
        if (refined != null) {
            folder.writeText("refined.csv", SampleCommand.csv(refined));
            written += ", refined.csv";
        }
        int[] image = Applications.imageShape(model);
        if (image != null) {
            Tensor[] rows = refined == null ? new Tensor[] {corrupted, tweedie, clean}
                    : new Tensor[] {corrupted, tweedie, refined, clean};
            folder.writePng("denoising.png", ApplicationPlots.imageRows(image[1], 8, rows));
            written += ", denoising.png";
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "denoised %d inputs of %s at σ = %.4g; wrote %s%n", clean.size(0), input.name(), sigma,
                written);
        if (!noisy) {
            double range = image != null ? 2 : range(clean);
            double before = Psnr.of(corrupted, clean, range);
            w.printf(Locale.ROOT, "psnr noisy      %7.2f dB   (range %.4g)%n", before, range);
            double after = Psnr.of(tweedie, clean, range);
            w.printf(Locale.ROOT, "psnr tweedie    %7.2f dB   gain %+.2f dB   (%.1f s)%n", after, after - before,
                    tweedieSeconds);
            if (refined != null) {
                double r = Psnr.of(refined, clean, range);
                w.printf(Locale.ROOT, "psnr langevin   %7.2f dB   gain %+.2f dB   (%d levels × %d steps, η = %.3g, %.1f s)%n",
                        r, r - before, Denoising.levelsFrom(sigma, Applications.levels(model, sigma)).length, steps, eta,
                        langevinSeconds);
            }
        }
        w.flush();
        return 0;
    }

    /** The largest range of a coordinate of {@code x [n, d]} (max − min), at least 1e-12. */
    static double range(Tensor x) {
        double[] lo = x.min(new int[] {0}, false).toDoubleArray();
        double[] hi = x.max(new int[] {0}, false).toDoubleArray();
        double r = 1e-12;
        for (int j = 0; j < lo.length; j++) {
            r = Math.max(r, hi[j] - lo[j]);
        }
        return r;
    }
}
