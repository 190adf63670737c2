package joule.ebm.sample;

import joule.ebm.energy.Energy;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Langevin dynamics with decoupled noise (ebm-reference, "Langevin with decoupled noise"; the IGEBM/JEM
 * practice, called SGLD there): {@code x_{t+1} = x_t − α ∇E(x_t) + σ ξ_t}, {@code ξ_t ~ N(0, I)}, with the
 * step {@code α} on the gradient and the noise scale {@code σ} set independently, every move taken
 * (acceptance 1). With {@code σ = sqrt(2α)} it is {@link UnadjustedLangevin} with {@code η = α}; with less
 * noise it samples a colder, sharpened density and is a tool for training by contrastive divergence, not
 * a sampler of {@code p}. With a box, the state is clamped after every step (the data range of images).
 * One energy-and-score evaluation per step; random numbers per step: {@code ξ} only.
 *
 * <pre>{@code
 * Sampler sgld = new DecoupledLangevin(1.0, 0.01);           // JEM's α = 1, σ = 0.01
 * Tensor x = sgld.sample(energy, init, 20, rng, SamplerOptions.DEFAULT.withBox(-1, 1)).state();
 * }</pre>
 */
public final class DecoupledLangevin implements Sampler {
    private static final String WHO = "DecoupledLangevin";

    private final double stepSize;
    private final double noise;

    /** Steps {@code x − α∇E(x) + σξ} with {@code α = stepSize > 0} and {@code σ = noise ≥ 0} (0: gradient descent). */
    public DecoupledLangevin(double stepSize, double noise) {
        this.stepSize = Samplers.positive(WHO, "step size alpha", stepSize);
        if (!(noise >= 0) || !Double.isFinite(noise)) {
            throw new IllegalArgumentException(WHO + ": noise sigma must be finite and ≥ 0, got " + noise);
        }
        this.noise = noise;
    }

    /** The step {@code α} on the gradient. */
    public double stepSize() {
        return stepSize;
    }

    /** The noise scale {@code σ}. */
    public double noise() {
        return noise;
    }

    /** Runs the chains with {@code x ← x + α s(x) + σ ξ} (clamped into the box if one is set). */
    @Override
    public SampleResult sample(Energy energy, Tensor init, int steps, RandomStream rng, SamplerOptions options) {
        return ChainRunner.langevin(WHO, energy, init, steps, rng, options, stepSize, noise);
    }

    @Override
    public String toString() {
        return WHO + "(alpha=" + stepSize + ", sigma=" + noise + ")";
    }
}
