package joule.ebm.loss;

import java.util.ArrayList;
import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.nn.Parameter;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Noise-contrastive estimation with a learned {@code c ≈ log Z} (ebm-reference): with
 * {@code G(u) = −E(u) − c − log(ν p_n(u))} and {@code ν} noise samples per data sample, minimise
 * {@code −E_data[log σ(G(x))] − ν E_noise[log(1 − σ(G(y)))]}, computed stably as
 * {@code E_data[softplus(−G(x))] + ν E_noise[softplus(G(y))]} (since {@code log σ(g) = −softplus(−g)}).
 * At the optimum {@code exp(−E − c)} is normalised.
 */
public final class NoiseContrastiveEstimation implements Loss {
    private final Energy energy;
    private final NoiseDistribution noise;
    private final int nu;
    private final Parameter logZ;

    /**
     * {@code c} starts at 0, on the device of the energy's parameters (the CPU for an energy
     * without any; move it with {@code logZ().to(device)}).
     *
     * @param noise the noise density {@code p_n}
     * @param nu    noise samples per data sample, {@code ν ≥ 1}
     */
    public NoiseContrastiveEstimation(Energy energy, NoiseDistribution noise, int nu, joule.tensor.DType dtype) {
        if (nu < 1) {
            throw new IllegalArgumentException("NoiseContrastiveEstimation: ν must be ≥ 1, got " + nu);
        }
        this.energy = energy;
        this.noise = noise;
        this.nu = nu;
        List<Parameter> own = energy.parameters();
        Device device = own.isEmpty() ? Device.CPU : own.getFirst().value().device();
        this.logZ = new Parameter("logZ", Tensor.zeros(device, dtype));
    }

    /** The learned {@code c ≈ log Z}. */
    public Parameter logZ() {
        return logZ;
    }

    /** The noise density. */
    public NoiseDistribution noise() {
        return noise;
    }

    @Override
    public Var compute(Tensor batch, RandomStream rng) {
        Losses.checkBatch("NoiseContrastiveEstimation", batch);
        Var y = noise.sampleWithGraph(nu * batch.size(0), rng);
        Var gData = logit(Var.constant(batch));
        Var gNoise = logit(y);
        return gData.neg().softplus().mean().add(gNoise.softplus().mean().mul(nu));
    }

    /** {@code G(u) = −E(u) − c − log ν − log p_n(u)}. */
    private Var logit(Var u) {
        return energy.energy(u).add(logZ.var()).add(Math.log(nu)).add(noise.logDensity(u)).neg();
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(energy.parameters());
        all.add(logZ);
        return all;
    }
}
