package joule.ebm.cli;

import java.util.List;
import joule.ebm.energy.Energy;
import joule.ebm.flow.RealNvp;
import joule.ebm.loss.ContrastiveDivergence;
import joule.ebm.loss.DenoisingScoreMatching;
import joule.ebm.loss.ExactScoreMatching;
import joule.ebm.loss.FlowContrastiveEstimation;
import joule.ebm.loss.GaussianNoise;
import joule.ebm.loss.Loss;
import joule.ebm.loss.MultiLevelDenoisingScoreMatching;
import joule.ebm.loss.NoiseContrastiveEstimation;
import joule.ebm.loss.Projection;
import joule.ebm.loss.SlicedScoreMatching;
import joule.ebm.nn.Parameter;
import joule.ebm.sde.ContinuousDenoisingScoreMatching;
import joule.ebm.sample.ReplayBuffer;
import joule.ebm.sample.SamplerOptions;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * The loss a run minimises, and for FCE the flow parameters that maximise it (the adversary).
 * Settings follow the recipes of the loss convergence tests: one Rademacher projection for SSM
 * and SSM-VR; CD-k and persistent CD with the energy-magnitude regulariser α = 0.1 (PCD: a replay
 * buffer of 8000 chains, 5% restarted uniformly over the data's range); NCE against the data's
 * Gaussian widened 1.5×, one noise sample per data point; FCE against a 4-layer RealNVP; vesde and vpsde:
 * continuous DSM under {@link Model#sde()}. PCD's replay buffer is given too (null for the other losses), as a
 * resumable checkpoint saves it.
 */
record Objective(Loss loss, List<Parameter> adversary, ReplayBuffer replayBuffer) {
    static final double CD_ALPHA = 0.1;
    static final int REPLAY_CAPACITY = 8000;
    static final double REPLAY_RESTART = 0.05;

    /** The objective of {@code config}'s loss for {@code model} on the training data (both on the run's device). */
    static Objective of(RunConfig config, Model model, Tensor data) {
        RunConfig.LossSpec spec = config.loss();
        Energy e = model.hasEnergy() ? model.energy() : null;
        return switch (spec.kind()) {
            case SSM -> plain(new SlicedScoreMatching(e, 1, Projection.RADEMACHER, false));
            case SSM_VR -> plain(new SlicedScoreMatching(e, 1, Projection.RADEMACHER, true));
            case ESM -> plain(new ExactScoreMatching(e));
            case DSM -> plain(new DenoisingScoreMatching(e, spec.sigma()));
            case NCSN -> plain(new MultiLevelDenoisingScoreMatching(model.scoreNetwork(), config.model().noiseLevels()));
            case VESDE, VPSDE -> plain(new ContinuousDenoisingScoreMatching(model.scoreNetwork(), model.sde()));
            case CD, PCD -> {
                RunConfig.SamplerSpec chains = new RunConfig.SamplerSpec(config.sampler().kind(), spec.chainStepSize(),
                        spec.chainSteps(), config.sampler().leapfrog(), config.sampler().noise());
                ReplayBuffer buffer = spec.kind() == RunConfig.LossKind.CD ? null : new ReplayBuffer(REPLAY_CAPACITY,
                        REPLAY_RESTART, ReplayBuffer.Prior.uniform(data.min().item(), data.max().item(), Model.DTYPE,
                        data.size(1)));
                yield new Objective(new ContrastiveDivergence(e, chains.sampler(), spec.chainSteps(), buffer, CD_ALPHA,
                        model.chainOptions()), List.of(), buffer);
            }
            case NCE -> plain(new NoiseContrastiveEstimation(e, GaussianNoise.fit(data, 1.5), 1, Model.DTYPE));
            case FCE -> {
                RealNvp flow = new RealNvp(data.size(1), 4, 32, Model.DTYPE,
                        new RandomStream(config.training().seed() + 5));
                flow.to(data.device());
                FlowContrastiveEstimation fce = new FlowContrastiveEstimation(e, flow, 1, Model.DTYPE);
                yield new Objective(fce, fce.flowParameters(), null);
            }
        };
    }

    private static Objective plain(Loss loss) {
        return new Objective(loss, List.of(), null);
    }
}
