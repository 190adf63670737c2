package joule.ebm.loss;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.flow.RealNvp;
import joule.ebm.nn.Parameter;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Flow contrastive estimation (ebm-reference): noise-contrastive estimation whose noise
 * {@code p_n = p_φ} is a normalising flow. {@code (θ, c)} minimise the NCE loss while {@code φ}
 * maximises it, in alternating steps: train {@link #parameters()} with one optimizer and
 * {@link #flowParameters()} with another as the adversary ({@code Trainer.withAdversary}).
 */
public final class FlowContrastiveEstimation implements Loss {
    private final NoiseContrastiveEstimation nce;
    private final RealNvp flow;

    /** FCE of {@code energy} against {@code flow}, with {@code nu} flow samples per data sample. */
    public FlowContrastiveEstimation(Energy energy, RealNvp flow, int nu, DType dtype) {
        this.flow = flow;
        this.nce = new NoiseContrastiveEstimation(energy, flow, nu, dtype);
    }

    @Override
    public Var compute(Tensor batch, RandomStream rng) {
        return nce.compute(batch, rng);
    }

    /** The energy's parameters and {@code c ≈ log Z}: these minimise the loss. */
    @Override
    public List<Parameter> parameters() {
        return nce.parameters();
    }

    /** The flow's parameters {@code φ}: these maximise the loss. */
    public List<Parameter> flowParameters() {
        return flow.parameters();
    }

    /** The learned {@code c ≈ log Z}. */
    public Parameter logZ() {
        return nce.logZ();
    }
}
