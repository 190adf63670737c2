package joule.ebm.loss;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.energy.ScoreNetwork;
import joule.ebm.nn.Parameter;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Denoising score matching at noise {@code σ} (ebm-reference): {@code x̃ = x + σ ε},
 * {@code ε ~ N(0, I)}, target score {@code −ε/σ}, {@code J_DSM(σ) = ½ E ‖ s_θ(x̃) + ε/σ ‖²}, the norm
 * over all of a sample's coordinates (a batch {@code [B, D]} or {@code [B, …]}). The model is a
 * {@link ScoreNetwork} evaluated at {@code σ}, or an energy ({@code s_θ = −∇_x E_θ}).
 */
public final class DenoisingScoreMatching implements Loss {
    private static final String WHO = "DenoisingScoreMatching";

    private final ScoreNetwork network;
    private final double sigma;

    /** DSM of {@code energy} with noise level {@code sigma > 0}. */
    public DenoisingScoreMatching(Energy energy, double sigma) {
        this(ScoreNetwork.of(Losses.required(WHO, "energy", energy)), sigma);
    }

    /** DSM of the score network {@code s_θ(·, σ)} with noise level {@code sigma > 0}. */
    public DenoisingScoreMatching(ScoreNetwork network, double sigma) {
        Losses.required(WHO, "network", network);
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException(WHO + ": σ must be positive and finite, got " + sigma);
        }
        this.network = network;
        this.sigma = sigma;
    }

    @Override
    public Var compute(Tensor batch, RandomStream rng) {
        Losses.checkSamples(WHO, batch);
        return compute(batch, rng.normal(batch.device(), batch.dtype(), batch.shape()));
    }

    /** The loss with given noise {@code ε}, shaped like {@code batch}, instead of drawn noise, so a computation can be repeated exactly. */
    public Var compute(Tensor batch, Tensor eps) {
        Losses.checkSamples(WHO, batch);
        Losses.checkNoise(WHO, "ε", eps, batch);
        int b = batch.size(0);
        Tensor noisy = batch.add(eps.mul(sigma));
        Var s = network.score(Var.constant(noisy), Var.constant(batch.scalarLike(sigma).expand(b)));
        ScoreNetwork.checkShape(WHO, s.shape(), noisy.shape());
        return s.add(Var.constant(eps.div(sigma))).reshape(b, -1).square().sum(1).mean().mul(0.5);
    }

    @Override
    public List<Parameter> parameters() {
        return network.parameters();
    }
}
