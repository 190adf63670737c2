package joule.ebm.loss;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.nn.Parameter;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Denoising score matching at noise {@code σ} (ebm-reference): {@code x̃ = x + σ ε},
 * {@code ε ~ N(0, I)}, target score {@code −ε/σ}, {@code J_DSM(σ) = ½ E ‖ s_θ(x̃) + ε/σ ‖²}.
 */
public final class DenoisingScoreMatching implements Loss {
    private final Energy energy;
    private final double sigma;

    /** DSM of {@code energy} with noise level {@code sigma > 0}. */
    public DenoisingScoreMatching(Energy energy, double sigma) {
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("DenoisingScoreMatching: σ must be positive and finite, got " + sigma);
        }
        this.energy = energy;
        this.sigma = sigma;
    }

    @Override
    public Var compute(Tensor batch, RandomStream rng) {
        Losses.checkBatch("DenoisingScoreMatching", batch);
        Tensor eps = rng.normal(batch.device(), batch.dtype(), batch.shape());
        Var noisy = Var.leaf(batch.add(eps.mul(sigma)));
        Var s = energy.score(noisy);
        return s.add(Var.constant(eps.div(sigma))).square().sum(1).mean().mul(0.5);
    }

    @Override
    public List<Parameter> parameters() {
        return energy.parameters();
    }
}
