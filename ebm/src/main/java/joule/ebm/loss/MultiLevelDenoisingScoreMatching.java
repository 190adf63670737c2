package joule.ebm.loss;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.ScoreNetwork;
import joule.ebm.nn.Parameter;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * Multi-level DSM (NCSN, ebm-reference): {@code J = (1/L) Σ_i λ(σ_i) J_DSM(σ_i)} with
 * {@code λ(σ) = σ²}, estimated by drawing one level uniformly per data point rather than looping
 * over all levels: per sample, {@code ½ σ² ‖ s_θ(x̃, σ) + ε/σ ‖²}, the norm over all of its
 * coordinates (a batch {@code [B, D]} or {@code [B, …]}). The model is a {@link ScoreNetwork}: a
 * network such as a U-Net, or a {@link joule.ebm.energy.NoiseConditionalEnergy}. Geometric levels:
 * {@link joule.ebm.sample.AnnealedLangevin#geometricSigmas}.
 */
public final class MultiLevelDenoisingScoreMatching implements Loss {
    private static final String WHO = "MultiLevelDenoisingScoreMatching";

    private final ScoreNetwork network;
    private final double[] sigmas;

    /** NCSN loss of {@code network} over the noise levels {@code sigmas} (all positive). */
    public MultiLevelDenoisingScoreMatching(ScoreNetwork network, double[] sigmas) {
        if (network == null || sigmas == null) {
            throw new IllegalArgumentException(WHO + ": " + (network == null ? "network" : "sigmas") + " must not be null");
        }
        if (sigmas.length == 0) {
            throw new IllegalArgumentException(WHO + ": no noise levels given");
        }
        for (double s : sigmas) {
            if (!(s > 0) || !Double.isFinite(s)) {
                throw new IllegalArgumentException(WHO + ": noise levels must be positive and finite, got " + s);
            }
        }
        this.network = network;
        this.sigmas = sigmas.clone();
    }

    @Override
    public Var compute(Tensor batch, RandomStream rng) {
        Losses.checkSamples(WHO, batch);
        int b = batch.size(0);
        // the levels are picked on the host and go to the device in one transfer
        double[] u = rng.uniform(Device.CPU, batch.dtype(), b).toDoubleArray();
        double[] level = new double[b];
        for (int i = 0; i < b; i++) {
            level[i] = sigmas[Math.min(sigmas.length - 1, (int) (u[i] * sigmas.length))];
        }
        Tensor sigma = Tensor.of(batch.dtype(), level).to(batch.device());
        return loss(batch, sigma, rng.normal(batch.device(), batch.dtype(), batch.shape()));
    }

    /**
     * The loss with given noise levels {@code sigma [B]} (positive; the levels drawn are this loss's own, but any
     * positive values are accepted) and noise {@code ε}, shaped like {@code batch}, instead of drawn ones, so a
     * computation can be repeated exactly.
     */
    public Var compute(Tensor batch, Tensor sigma, Tensor eps) {
        Losses.checkSamples(WHO, batch);
        Losses.checkNoise(WHO, "ε", eps, batch);
        int b = batch.size(0);
        if (sigma == null || sigma.rank() != 1 || sigma.size(0) != b || sigma.dtype() != batch.dtype()
                || sigma.device() != batch.device()) {
            throw new IllegalArgumentException(WHO + ": sigma should be [" + b + "] " + batch.dtype() + " on "
                    + batch.device() + ", got " + (sigma == null ? "null" : Shapes.format(sigma.shape()) + " "
                    + sigma.dtype() + " on " + sigma.device()));
        }
        double smallest = sigma.min(new int[] {0}, false).item();
        if (!(smallest > 0)) {
            throw new IllegalArgumentException(WHO + ": noise levels sigma must be positive, the smallest is " + smallest);
        }
        return loss(batch, sigma, eps);
    }

    /** {@code λ(σ) ½ ‖s(x + σε, σ) + ε/σ‖²} averaged over the batch, for checked {@code sigma [B]} and {@code eps}. */
    private Var loss(Tensor batch, Tensor sigma, Tensor eps) {
        int b = batch.size(0);
        Tensor sigmaColumn = sigma.unsqueeze(1);
        Tensor flatEps = eps.reshape(b, -1);                              // [B, D]: each sample's coordinates in a row
        Tensor noisy = batch.reshape(b, -1).add(flatEps.mul(sigmaColumn)).reshape(batch.shape());
        Var s = network.score(Var.constant(noisy), Var.constant(sigma));
        ScoreNetwork.checkShape(WHO, s.shape(), noisy.shape());
        Var residual = s.reshape(b, -1).add(Var.constant(flatEps.div(sigmaColumn)));
        // λ(σ) ½ ‖s + ε/σ‖² with λ = σ²: ½ ‖σ s + ε‖²
        return residual.mul(Var.constant(sigmaColumn)).square().sum(1).mean().mul(0.5);
    }

    @Override
    public List<Parameter> parameters() {
        return network.parameters();
    }
}
