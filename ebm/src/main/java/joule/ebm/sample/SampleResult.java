package joule.ebm.sample;

import java.util.List;
import joule.tensor.Tensor;

/**
 * What a sampler run returns.
 *
 * @param state      the final state of the chains, {@code [chains, D]} (the shape of the initial state)
 * @param samples    the collected states, {@code [n, chains, D]} in step order ({@code n = 0} when
 *                   nothing was collected); {@link #flatSamples()} gives {@code [n·chains, D]}
 * @param acceptance per-chain acceptance rate, {@code [chains]} float64 on the chains' device: the
 *                   fraction of proposals accepted after burn-in (all ones for unadjusted samplers)
 * @param trace      per-step statistics when asked for ({@link SamplerOptions#trace()}), else empty
 */
public record SampleResult(Tensor state, Tensor samples, Tensor acceptance, List<StepStats> trace) {
    /** Makes the trace list unmodifiable. */
    public SampleResult {
        trace = List.copyOf(trace);
    }

    /** The number of collected samples per chain, {@code n}. */
    public int sampleCount() {
        return samples.size(0);
    }

    /** The collected samples with steps and chains merged, {@code [n·chains, D]}. */
    public Tensor flatSamples() {
        int[] s = samples.shape();
        int[] flat = new int[s.length - 1];
        flat[0] = s[0] * s[1];
        System.arraycopy(s, 2, flat, 1, s.length - 2);
        return samples.reshape(flat);
    }

    /** The acceptance rate averaged over chains. */
    public double meanAcceptance() {
        return acceptance.mean().item();
    }
}
