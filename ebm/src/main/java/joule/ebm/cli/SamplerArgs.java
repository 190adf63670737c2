package joule.ebm.cli;

import picocli.CommandLine.Option;

/** The options that choose and tune the sampler, shared by {@code train}, {@code sample} and {@code eval}. */
final class SamplerArgs {
    @Option(names = "--sampler", paramLabel = "NAME", description = "ula, mala, hmc, mh, annealed (annealed "
            + "Langevin, for ncsn and vesde models), pc (predictor–corrector) or ode (probability-flow ODE) for vesde and "
            + "vpsde models, or decoupled (Langevin with its own noise scale, --noise). Default: ula, annealed for ncsn, "
            + "pc for vesde and vpsde, decoupled for resnet-energy trained by cd or pcd; sample and eval: the checkpoint's.")
    RunConfig.SamplerKind kind;

    @Option(names = "--sampler-steps", paramLabel = "N", description = "Sampler steps (per noise level for annealed; "
            + "predictor steps for pc, each after one corrector step; the step limit for ode). Default: 600 for ula and "
            + "mala, 100 for hmc, 1000 for mh, 100 for annealed, 500 for pc, 10000 for ode, 60 for decoupled.")
    Integer steps;

    @Option(names = "--step-size", paramLabel = "X", description = "Step: η for ula and mala (0.003), h for hmc "
            + "(0.03), τ for mh (0.1), the base η of annealed (5e-6), α on the gradient for decoupled (1).")
    Double stepSize;

    @Option(names = "--leapfrog", paramLabel = "L", description = "Leapfrog steps per hmc proposal (10).")
    Integer leapfrog;

    @Option(names = "--noise", paramLabel = "σ", description = "Noise scale σ of decoupled: x ← x − α∇E + σξ (0.01).")
    Double noise;

    /** {@code base} with the options given; another {@code --sampler} than base's starts from that sampler's defaults. */
    RunConfig.SamplerSpec resolve(RunConfig.SamplerSpec base) {
        RunConfig.SamplerSpec s = kind == null || kind == base.kind() ? base : RunConfig.SamplerSpec.defaults(kind);
        return new RunConfig.SamplerSpec(s.kind(), stepSize != null ? stepSize : s.stepSize(),
                steps != null ? steps : s.steps(), leapfrog != null ? leapfrog : s.leapfrog(),
                noise != null ? noise : s.noise());
    }
}
