package joule.ebm.sample;

import joule.ebm.energy.Energy;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * The unadjusted Langevin algorithm (ULA, ebm-reference, "Samplers"), step {@code η > 0}:
 * {@code x_{t+1} = x_t − η ∇E(x_t) + sqrt(2η) ξ_t = x_t + η s(x_t) + sqrt(2η) ξ_t}, every move
 * taken (acceptance 1). Its stationary law is biased by {@code O(η)} and equals {@code p} only as
 * {@code η → 0}: for {@code p = N(μ, C)} it is {@code N(μ, C (I − ηΛ/2)⁻¹)}, in 1-D a variance
 * {@code σ²/(1 − η/(2σ²))}.
 *
 * <p>NCSN writes the step {@code x + (α/2) s + sqrt(α) z}: that is {@code η = α/2}
 * ({@link #fromNcsnStep}). With a box, the state is clamped after every step. One energy-and-score
 * evaluation per step; random numbers per step: {@code ξ} only.
 */
public final class UnadjustedLangevin implements Sampler {
    private static final String WHO = "UnadjustedLangevin";

    private final double eta;

    /** ULA with step {@code η > 0}. */
    public UnadjustedLangevin(double eta) {
        this.eta = Samplers.positive(WHO, "step size eta", eta);
    }

    /** ULA from an NCSN step size {@code α} ({@code x + (α/2) s + sqrt(α) z}): {@code η = α/2}. */
    public static UnadjustedLangevin fromNcsnStep(double alpha) {
        Samplers.positive(WHO, "NCSN step size alpha", alpha);
        return new UnadjustedLangevin(alpha / 2);
    }

    /** The step {@code η}. */
    public double eta() {
        return eta;
    }

    /** Runs the chains with {@code x ← x + η s(x) + sqrt(2η) ξ} (clamped into the box if one is set). */
    @Override
    public SampleResult sample(Energy energy, Tensor init, int steps, RandomStream rng, SamplerOptions options) {
        return ChainRunner.langevin(WHO, energy, init, steps, rng, options, eta, Math.sqrt(2 * eta));
    }

    @Override
    public String toString() {
        return WHO + "(eta=" + eta + ")";
    }
}
