package joule.ebm.sde;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.ScoreNetwork;
import joule.ebm.loss.Loss;
import joule.ebm.nn.Parameter;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Continuous-time denoising score matching (Song et al. 2021, eq. 7; ebm-reference, "SDEs"):
 * {@code E_t[ λ(t) E ‖s_θ(x_t, t) − ∇ log p_{0t}(x_t | x₀)‖² ]} with {@code t ~ U(ε, T)} one per data point,
 * {@code x_t = m(t) x₀ + σ(t) ε} ({@code m} = {@link Sde#meanScale}, {@code σ} = {@link Sde#std}), target
 * {@code −ε/σ(t)} and {@code λ(t) = σ(t)²} (the marginal variance). Per sample this is
 * {@code ½ ‖σ s_θ(x_t, σ) + ε‖²}, the norm over all coordinates, with the factor ½ of Joule's DSM; the network
 * is conditioned on {@code σ = σ(t)}. The times are drawn on the host and go to the device in one transfer.
 */
public final class ContinuousDenoisingScoreMatching implements Loss {
    private static final String WHO = "ContinuousDenoisingScoreMatching";

    private final ScoreNetwork network;
    private final Sde sde;

    /** The loss of {@code network} under {@code sde}. */
    public ContinuousDenoisingScoreMatching(ScoreNetwork network, Sde sde) {
        if (network == null || sde == null) {
            throw new IllegalArgumentException(WHO + ": network and SDE must be given");
        }
        this.network = network;
        this.sde = sde;
    }

    @Override
    public Var compute(Tensor batch, RandomStream rng) {
        if (batch.rank() < 2 || batch.size(0) < 1) {
            throw new IllegalArgumentException(WHO + ": batch must be [B, …] with B ≥ 1, got rank " + batch.rank());
        }
        int b = batch.size(0);
        double[] u = rng.uniform(Device.CPU, batch.dtype(), b).toDoubleArray();
        double[] scale = new double[2 * b];
        for (int i = 0; i < b; i++) {
            double t = sde.epsilon() + (Sde.T - sde.epsilon()) * u[i];
            scale[i] = sde.meanScale(t);
            scale[b + i] = sde.std(t);
        }
        Tensor both = Tensor.of(batch.dtype(), scale).to(batch.device());
        Tensor mean = both.narrow(0, 0, b).unsqueeze(1);
        Tensor sigma = both.narrow(0, b, b);
        Tensor sigmaColumn = sigma.unsqueeze(1);
        Tensor flatEps = rng.normal(batch.device(), batch.dtype(), batch.shape()).reshape(b, -1);
        Tensor noisy = batch.reshape(b, -1).mul(mean).add(flatEps.mul(sigmaColumn)).reshape(batch.shape());
        Var s = network.score(Var.constant(noisy), Var.constant(sigma.contiguous()));
        ScoreNetwork.checkShape(WHO, s.shape(), noisy.shape());
        return s.reshape(b, -1).mul(Var.constant(sigmaColumn)).add(Var.constant(flatEps)).square().sum(1).mean()
                .mul(0.5);
    }

    @Override
    public List<Parameter> parameters() {
        return network.parameters();
    }
}
