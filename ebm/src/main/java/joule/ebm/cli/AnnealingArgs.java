package joule.ebm.cli;

import picocli.CommandLine.Option;

/** The Langevin settings of {@code denoise --langevin} and {@code inpaint}: steps per noise level and the base step. */
final class AnnealingArgs {
    @Option(names = "--sampler-steps", paramLabel = "N", description = "Langevin steps per noise level. Default: the "
            + "checkpoint's sampler steps.")
    Integer steps;

    @Option(names = "--step-size", paramLabel = "η", description = "Step η at the last noise level (η_i = η (σ_i/σ_L)²). "
            + "Default: the checkpoint's sampler step.")
    Double stepSize;

    /** Steps per level, checked. */
    int steps(Model model) {
        int t = steps != null ? steps : model.config().sampler().steps();
        if (t < 1) {
            throw new CliException("--sampler-steps must be ≥ 1, got " + t);
        }
        return t;
    }

    /** The base step, checked. */
    double stepSize(Model model) {
        double eta = stepSize != null ? stepSize : model.config().sampler().stepSize();
        if (!(eta > 0) || !Double.isFinite(eta)) {
            throw new CliException("--step-size must be > 0, got " + eta);
        }
        return eta;
    }
}
