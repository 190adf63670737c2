package joule.autograd;

import java.util.Arrays;
import java.util.Random;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import joule.tensor.Tensor;
import joule.testing.Domain;
import joule.testing.TensorSamples;

/**
 * Random shapes and float64 values for the op table ({@link OpTable}): shapes of rank 0..3 with
 * sizes 1..4, broadcast-compatible shape tuples, and values from an op's {@link Domain} (joule-testing's)
 * kept away from the points where it is not differentiable.
 *
 * <p>Magnitudes stay moderate (|x| ≤ 2 for smooth ops) so that central differences with
 * {@code eps = 1e-6} are accurate to far better than {@code atol = 1e-5}: the truncation error is
 * about {@code |f'''|·eps²/6} and the rounding error about {@code |f|·1e-16/eps}.
 */
final class OpInputs {
    /** The least distance kept from a kink, a tie or a clamp bound ({@link Domain#GAP}). */
    static final double GAP = Domain.GAP;

    private OpInputs() {
    }

    /** Anywhere in [-2, 2]. */
    static final Domain.Interval ANY = Domain.all();

    /** [0.2, 2]: log, sqrt, rsqrt, pow bases. */
    static final Domain.Interval POSITIVE = Domain.positive();

    /** ±[0.2, 2]: denominators, reciprocal, and |x| > 0.1 for abs, relu, norm. */
    static final Domain NONZERO = Domain.mix(1, Domain.uniform(0.2, 2), 1, Domain.uniform(-2, -0.2));

    /** [-0.8, 2]: log1p, away from its pole at -1. */
    static final Domain.Interval ABOVE_MINUS_ONE = Domain.bounded(-0.8, 2);

    static double uniform(RandomGenerator r, double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }

    /** An int in {@code [lo, hi]}. */
    static int between(RandomGenerator r, int lo, int hi) {
        return lo + r.nextInt(hi - lo + 1);
    }

    // ---------------------------------------------------------------- shapes

    /** Rank in {@code [minRank, maxRank]}, sizes 1..4. */
    static int[] shape(Random r, int minRank, int maxRank) {
        int[] s = new int[between(r, minRank, maxRank)];
        for (int i = 0; i < s.length; i++) {
            s[i] = between(r, 1, 4);
        }
        return s;
    }

    /**
     * {@code n} shapes that broadcast together to a random shape of rank 0..3: each drops a random
     * number of leading axes and has each remaining axis set to 1 with probability 1/3 (so pairs
     * like {@code [3, 1]} and {@code [4]} come up, as well as equal shapes and 0-d operands).
     */
    static int[][] broadcasting(Random r, int n) {
        int[] out = shape(r, 0, 3);
        int[][] shapes = new int[n][];
        for (int k = 0; k < n; k++) {
            shapes[k] = broadcastSource(r, out);
        }
        return shapes;
    }

    /** A random shape that broadcasts to {@code out} ({@link TensorSamples#broadcastSource}). */
    static int[] broadcastSource(Random r, int[] out) {
        int drop = r.nextInt(4) == 0 ? between(r, 0, out.length) : 0;
        int ones = 0;
        for (int i = 0; i < out.length; i++) {
            ones |= r.nextInt(3) == 0 ? 1 << i : 0;
        }
        return TensorSamples.broadcastSource(out, drop, ones);
    }

    /** A non-negative axis of a rank-{@code rank} tensor written as itself or counted from the end. */
    static int axis(Random r, int rank) {
        int a = r.nextInt(rank);
        return r.nextBoolean() ? a : a - rank;
    }

    /** A random subset of the axes (empty means all to the reductions), in random order and form. */
    static int[] axes(Random r, int rank) {
        int[] order = TensorSamples.permutation(rank, r);
        int[] chosen = Arrays.copyOf(order, between(r, 0, rank));
        for (int i = 0; i < chosen.length; i++) {
            chosen[i] = r.nextBoolean() ? chosen[i] : chosen[i] - rank;
        }
        return chosen;
    }

    /** A random shape of rank 0..3 with {@code numel} elements, one size sometimes given as -1. */
    static int[] reshapeTarget(Random r, int numel) {
        int rank = numel == 1 ? between(r, 0, 3) : between(r, 1, 3);
        int[] s = new int[rank];
        int left = numel;
        for (int i = 0; i < rank - 1; i++) {
            int rest = left;
            int[] divisors = IntStream.rangeClosed(1, rest).filter(d -> rest % d == 0).toArray();
            s[i] = divisors[r.nextInt(divisors.length)];
            left /= s[i];
        }
        if (rank > 0) {
            s[rank - 1] = left;
            if (r.nextInt(3) == 0) {
                s[r.nextInt(rank)] = -1;
            }
        }
        return s;
    }

    // ---------------------------------------------------------------- values

    /** Float64 values from {@code domain}. */
    static Tensor values(Random r, Domain domain, int[] shape) {
        double[] v = new double[TensorSamples.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = domain.next(r);
        }
        return Tensor.of(v).reshape(shape);
    }

    /**
     * Pairwise distinct values (for max and min, away from ties): a shuffled grid of spacing 0.15
     * with ±0.02 jitter, so any two differ by more than {@link #GAP}. With up to 64 elements they
     * reach ±4.8, harmless for these piecewise-linear ops.
     */
    static Tensor distinct(Random r, int[] shape) {
        int n = TensorSamples.numel(shape);
        int[] p = TensorSamples.permutation(n, r);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (p[i] - (n - 1) / 2.0) * 0.15 + uniform(r, -0.02, 0.02);
        }
        return Tensor.of(v).reshape(shape);
    }

    /**
     * Values {@code 0.4·k + offset ± 0.04} for k in -5..4: a lattice with offset 0 and one with
     * offset 0.2 never come within 0.12 of each other, whatever broadcasting pairs them up
     * (maximum and minimum away from ties), and stay within ±2.1.
     */
    static Tensor lattice(Random r, int[] shape, double offset) {
        return values(r, rr -> 0.4 * between(rr, -5, 4) + offset + uniform(rr, -0.04, 0.04), shape);
    }

    /** A random 0/1 mask. */
    static Tensor mask(Random r, int[] shape) {
        return values(r, rr -> rr.nextBoolean() ? 1 : 0, shape);
    }
}
