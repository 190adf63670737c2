package joule.ebm.sample;

/**
 * Options of a sampler run ({@link Sampler#sample(joule.ebm.energy.Energy, joule.tensor.Tensor, int,
 * joule.tensor.RandomStream, SamplerOptions)}). Immutable; change one field with a {@code with…}
 * method: {@code SamplerOptions.DEFAULT.withBurnIn(200).withThin(5).withBox(-1, 1)}.
 *
 * <ul>
 *   <li>Collecting: with {@code collect}, the state after step {@code t} (1-based) is kept when
 *       {@code t > burnIn} and {@code (t − burnIn)} is a multiple of {@code thin}, giving
 *       {@code ⌊(steps − burnIn)/thin⌋} samples. {@link #withBurnIn} and {@link #withThin} turn
 *       collecting on.</li>
 *   <li>Acceptance rates count the proposals of the steps after burn-in (all steps when
 *       {@code burnIn = 0}), collecting or not.</li>
 *   <li>Box {@code [lo, hi]} (every coordinate): Metropolis-adjusted samplers (MH, MALA, HMC)
 *       reject a proposal with a coordinate outside the box, which samples exactly the target
 *       restricted to the box; unadjusted ones (ULA, annealed Langevin) clamp the state after
 *       every step. The initial state is clamped into the box first.</li>
 *   <li>Trace: one {@link StepStats} per step (costs a device sync per step).</li>
 * </ul>
 *
 * @param burnIn steps before the first collected sample (≥ 0)
 * @param thin   collect every {@code thin}-th state after burn-in (≥ 1)
 * @param collect whether to keep samples at all
 * @param lo     lower bound of the box ({@code -∞} for none)
 * @param hi     upper bound of the box ({@code +∞} for none)
 * @param trace  whether to record per-step statistics
 */
public record SamplerOptions(int burnIn, int thin, boolean collect, double lo, double hi, boolean trace) {
    /** No burn-in, no thinning, nothing collected, no box, no trace: only the final state and acceptance. */
    public static final SamplerOptions DEFAULT = new SamplerOptions(0, 1, false, Double.NEGATIVE_INFINITY,
            Double.POSITIVE_INFINITY, false);

    /** Validates the fields. */
    public SamplerOptions {
        if (burnIn < 0) {
            throw new IllegalArgumentException("SamplerOptions: burnIn must be ≥ 0, got " + burnIn);
        }
        if (thin < 1) {
            throw new IllegalArgumentException("SamplerOptions: thin must be ≥ 1, got " + thin);
        }
        if (Double.isNaN(lo) || Double.isNaN(hi) || !(lo < hi)) {
            throw new IllegalArgumentException("SamplerOptions: box needs lo < hi, got lo=" + lo + " hi=" + hi);
        }
    }

    /** These options with {@code burnIn} steps before collecting (turns collecting on). */
    public SamplerOptions withBurnIn(int burnIn) {
        return new SamplerOptions(burnIn, thin, true, lo, hi, trace);
    }

    /** These options collecting every {@code thin}-th state after burn-in (turns collecting on). */
    public SamplerOptions withThin(int thin) {
        return new SamplerOptions(burnIn, thin, true, lo, hi, trace);
    }

    /** These options with collecting on or off. */
    public SamplerOptions withCollect(boolean collect) {
        return new SamplerOptions(burnIn, thin, collect, lo, hi, trace);
    }

    /** These options keeping every coordinate in {@code [lo, hi]} (see the class comment for how). */
    public SamplerOptions withBox(double lo, double hi) {
        return new SamplerOptions(burnIn, thin, collect, lo, hi, trace);
    }

    /** These options with the per-step trace on or off. */
    public SamplerOptions withTrace(boolean trace) {
        return new SamplerOptions(burnIn, thin, collect, lo, hi, trace);
    }

    /** Whether a box is set (either bound finite). */
    public boolean hasBox() {
        return lo > Double.NEGATIVE_INFINITY || hi < Double.POSITIVE_INFINITY;
    }

    /** The number of samples a run of {@code steps} steps collects: {@code ⌊(steps − burnIn)/thin⌋}, or 0 when not collecting. */
    public int sampleCount(int steps) {
        return collect && steps > burnIn ? (steps - burnIn) / thin : 0;
    }
}
