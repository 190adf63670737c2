package joule.ebm.sample;

import joule.ebm.energy.Energy;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * An MCMC sampler for {@code p(x) ∝ exp(−E(x))} that runs many chains at once as one batch: the
 * rows of {@code init} ({@code [chains, D]}, or {@code [chains, …]}) are independent chains
 * (ebm-reference, "Samplers"). All randomness comes from the {@link RandomStream} passed in, in a
 * fixed order, so the same seed gives bit-identical results.
 *
 * <p>The chains run on the device of {@code init}, where the noise is drawn too (whatever the
 * stream's own device); the energy's parameters must be there. Steps read nothing back to the
 * host unless a trace is asked for.
 *
 * <pre>{@code
 * Sampler mala = new Mala(0.1);
 * SampleResult r = mala.sample(energy, rng.normal(DType.FLOAT64, 1000, 2), 500, rng,
 *         SamplerOptions.DEFAULT.withBurnIn(200).withThin(10));
 * Tensor draws = r.flatSamples();              // [30·1000, 2]
 * }</pre>
 */
public interface Sampler {
    /**
     * Runs {@code steps ≥ 1} steps of every chain from {@code init} and returns the final state,
     * collected samples, per-chain acceptance and (if asked) the trace; see {@link SamplerOptions}
     * for burn-in, thinning, the box and the trace.
     */
    SampleResult sample(Energy energy, Tensor init, int steps, RandomStream rng, SamplerOptions options);

    /** {@link #sample(Energy, Tensor, int, RandomStream, SamplerOptions)} with {@link SamplerOptions#DEFAULT}. */
    default SampleResult sample(Energy energy, Tensor init, int steps, RandomStream rng) {
        return sample(energy, init, steps, rng, SamplerOptions.DEFAULT);
    }
}
