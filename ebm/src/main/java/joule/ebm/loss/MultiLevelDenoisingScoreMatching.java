package joule.ebm.loss;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.NoiseConditionalEnergy;
import joule.ebm.nn.Parameter;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Multi-level DSM (NCSN, ebm-reference): {@code J = (1/L) Σ_i λ(σ_i) J_DSM(σ_i)} with
 * {@code λ(σ) = σ²}, estimated by drawing one level uniformly per data point rather than looping
 * over all levels: per sample, {@code ½ σ² ‖ s_θ(x̃, σ) + ε/σ ‖²}. Geometric levels:
 * {@link joule.ebm.sample.AnnealedLangevin#geometricSigmas}.
 */
public final class MultiLevelDenoisingScoreMatching implements Loss {
    private final NoiseConditionalEnergy energy;
    private final double[] sigmas;

    /** NCSN loss over the noise levels {@code sigmas} (all positive). */
    public MultiLevelDenoisingScoreMatching(NoiseConditionalEnergy energy, double[] sigmas) {
        if (sigmas.length == 0) {
            throw new IllegalArgumentException("MultiLevelDenoisingScoreMatching: no noise levels given");
        }
        for (double s : sigmas) {
            if (!(s > 0) || !Double.isFinite(s)) {
                throw new IllegalArgumentException("MultiLevelDenoisingScoreMatching: noise levels must be positive and "
                        + "finite, got " + s);
            }
        }
        this.energy = energy;
        this.sigmas = sigmas.clone();
    }

    @Override
    public Var compute(Tensor batch, RandomStream rng) {
        Losses.checkBatch("MultiLevelDenoisingScoreMatching", batch);
        int b = batch.size(0);
        // the levels are picked on the host and go to the device in one transfer
        double[] u = rng.uniform(Device.CPU, batch.dtype(), b).toDoubleArray();
        double[] level = new double[b];
        for (int i = 0; i < b; i++) {
            level[i] = sigmas[Math.min(sigmas.length - 1, (int) (u[i] * sigmas.length))];
        }
        Tensor sigma = Tensor.of(batch.dtype(), level).to(batch.device());
        Tensor sigmaColumn = sigma.unsqueeze(1);
        Tensor eps = rng.normal(batch.device(), batch.dtype(), batch.shape());
        Var noisy = Var.leaf(batch.add(eps.mul(sigmaColumn)));
        Var s = energy.score(noisy, Var.constant(sigma));
        Var residual = s.add(Var.constant(eps.div(sigmaColumn)));
        // λ(σ) ½ ‖s + ε/σ‖² with λ = σ²: ½ ‖σ s + ε‖²
        return residual.mul(Var.constant(sigmaColumn)).square().sum(1).mean().mul(0.5);
    }

    @Override
    public List<Parameter> parameters() {
        return energy.parameters();
    }
}
