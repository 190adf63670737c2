package joule.ebm.loss;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.nn.Parameter;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Exact (Hyvärinen) score matching,
 * {@code J_ESM = E_data[ tr(∇_x s_θ(x)) + ½‖s_θ(x)‖² ] = E_data[ −tr(∇²_x E(x)) + ½‖∇_x E(x)‖² ]}
 * (ebm-reference), equal to the Fisher divergence up to a constant.
 *
 * <p>Cost: that of {@link Energy#scoreAndLaplacian}: one forward pass carrying derivatives for an
 * MLP energy, {@code D} recorded Hessian-vector products for any other.
 */
public final class ExactScoreMatching implements Loss {
    private final Energy energy;

    /** Score matching of {@code energy}. */
    public ExactScoreMatching(Energy energy) {
        if (energy == null) {
            throw new IllegalArgumentException("ExactScoreMatching: energy must not be null");
        }
        this.energy = energy;
    }

    @Override
    public Var compute(Tensor batch, RandomStream rng) {
        Losses.checkBatch("ExactScoreMatching", batch);
        Energy.ScoreAndLaplacian sl = energy.scoreAndLaplacian(Var.leaf(batch));
        return sl.laplacian().neg().add(sl.score().square().sum(1).mul(0.5)).mean();
    }

    @Override
    public List<Parameter> parameters() {
        return energy.parameters();
    }
}
