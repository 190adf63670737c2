package joule.ebm.cli;

import java.util.Locale;
import joule.ebm.data.FashionMnist;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Sample grids written while an image model trains: every {@code every} steps, {@code samples-<step>.png} (the
 * step zero-padded to the width of the run's last, so the files sort in order), 64 samples as an 8×8 grid drawn
 * by the run's sampler with a fifth of its steps (a cheap preview; the final {@code samples.png} uses them all),
 * with the weight averages when the model keeps them, from the evaluation seed {@code seed + 4}, so the grids
 * change only with the weights and leave the training's random numbers alone.
 */
final class SampleGrids {
    static final int SAMPLES = 64;
    static final int STEP_FRACTION = 5;

    private final Model model;
    private final RunConfig config;
    private final OutputFolder folder;
    private final int every;
    private final RunConfig.SamplerSpec preview;

    /** The grids of {@code config}'s run, every {@code config.training().sampleEvery()} steps, into {@code folder}. */
    SampleGrids(Model model, RunConfig config, OutputFolder folder) {
        this.model = model;
        this.config = config;
        this.folder = folder;
        this.every = config.training().sampleEvery();
        RunConfig.SamplerSpec s = config.sampler();
        this.preview = new RunConfig.SamplerSpec(s.kind(), s.stepSize(), Math.max(1, s.steps() / STEP_FRACTION),
                s.leapfrog(), s.noise());
    }

    /** The file name of the grid after {@code step}. */
    static String name(int step, int lastStep) {
        return String.format(Locale.ROOT, "samples-%0" + Integer.toString(lastStep).length() + "d.png", step);
    }

    /** Writes the grid of {@code step} if it is one of every {@code every}. */
    void afterStep(int step) {
        if (step % every != 0) {
            return;
        }
        Tensor samples = model.sample(preview, SAMPLES, new RandomStream(config.training().seed() + 4));
        folder.writePng(name(step, config.training().steps()), Plots.imageGrid(samples, FashionMnist.SIDE, 8));
    }
}
