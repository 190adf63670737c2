package joule.tensor.random;

import java.util.Objects;

/**
 * Counter-based random streams: uniform, normal and Rademacher numbers from {@link Philox4x32}.
 * Each element is a pure function of its index, so any split of a range among threads gives the
 * same numbers, and the CUDA kernel reimplements exactly the rule below.
 *
 * <h2>The stream (seed, offset)</h2>
 * Element {@code i ≥ 0} of the stream of a distribution and dtype depends on
 * {@code (seed, offset, i)} alone:
 * <ul>
 *   <li>key {@code (k0, k1)} = (low 32 bits of {@code seed}, high 32 bits of {@code seed});
 *   <li>with {@code E} elements per block (table), element {@code i} takes lane
 *       {@code l = i mod E} of block {@code i / E}, whose counter is the 64-bit sum
 *       {@code c = offset + i / E} (modulo 2⁶⁴) as a 128-bit little-endian integer:
 *       {@code c0} = low 32 bits of {@code c}, {@code c1} = high 32 bits, {@code c2 = c3 = 0};
 *   <li>{@code w[0..3] = Philox4x32-10((c0, c1, c2, c3), (k0, k1))}, read as unsigned
 *       32-bit integers, give the values of the block's lanes:
 * </ul>
 * <table class="striped">
 *   <caption>Lanes of one block; {@code x(lo, hi) = ((hi << 32) | lo) >>> 11}, the top 53 bits
 *       of the 64-bit word {@code hi:lo}</caption>
 *   <tr><th>distribution, dtype</th><th>E</th><th>lane {@code l}</th></tr>
 *   <tr><td>UNIFORM float32</td><td>4</td><td>{@code (w[l] >>> 8) · 2⁻²⁴}, in [0, 1)</td></tr>
 *   <tr><td>UNIFORM float64</td><td>2</td><td>{@code x(w[2l], w[2l+1]) · 2⁻⁵³}, in [0, 1)</td></tr>
 *   <tr><td>RADEMACHER both</td><td>4</td><td>−1 if bit 31 of {@code w[l]} is set, else +1</td></tr>
 *   <tr><td>NORMAL float32</td><td>4</td><td>lanes 2p, 2p+1 (p = 0, 1): Box–Muller of
 *       {@code u = (w[2p] + 1) · 2⁻³²}, {@code v = (w[2p+1] + 1) · 2⁻³²}, each rounded to float</td></tr>
 *   <tr><td>NORMAL float64</td><td>2</td><td>lanes 0, 1: Box–Muller of
 *       {@code u = (x(w[0], w[1]) + 1) · 2⁻⁵³}, {@code v = (x(w[2], w[3]) + 1) · 2⁻⁵³}</td></tr>
 * </table>
 * Box–Muller, in double: {@code r = sqrt(-2.0 * log(u))}, {@code θ = 6.283185307179586 * v}
 * (the double nearest 2π), lane 2p = {@code r * cos(θ)}, lane 2p+1 = {@code r * sin(θ)}; as
 * {@code u} is in (0, 1], {@code r} is finite. Here log, cos and sin are {@link StrictMath}'s
 * (fdlibm), so the CPU results are the same on every platform. The GPU kernel computes the same
 * expressions in double: uniform and Rademacher elements are bit-identical; normal ones agree to
 * the last bit or so of a double, since neither fdlibm nor CUDA's log, sin and cos are correctly
 * rounded, which seldom changes a float32.
 *
 * <p>A generator that has handed out {@code n} elements advances its offset by
 * {@link #blocks blocks(d, float64, n)} = ⌈n / E⌉; the unused lanes of a last partial block are
 * skipped, so streams drawn one after the other never share a block.
 */
public final class PhiloxSampler {
    private static final double TWO_PI = 2 * Math.PI;
    private static final long UNSIGNED = 0xFFFF_FFFFL;
    private static final int SIGN_F = 0x8000_0000;
    private static final int ONE_F = Float.floatToIntBits(1f);
    private static final long ONE_D = Double.doubleToLongBits(1.0);

    private PhiloxSampler() {
    }

    /**
     * Fills {@code out[outOffset + j]} for {@code j} in {@code [0, count)} with elements
     * {@code first + j} of the stream {@code (seed, offset)} of the given distribution, float32 rule.
     */
    public static void fill(Distribution d, long seed, long offset, long first, float[] out, int outOffset,
                            int count) {
        check(d, first, out.length, outOffset, count);
        int e = elementsPerBlock(d, false);
        int lane = (int) (first % e);
        int[][] w = words(seed, offset + first / e, lane + count, e);
        switch (d) {
            case UNIFORM -> {
                for (int i = 0; i < count; i++) {
                    out[outOffset + i] = (word(w, lane + i) >>> 8) * 0x1p-24f;
                }
            }
            case RADEMACHER -> {
                for (int i = 0; i < count; i++) {
                    out[outOffset + i] = Float.intBitsToFloat(ONE_F | (word(w, lane + i) & SIGN_F));
                }
            }
            case NORMAL -> {
                for (int g = lane & ~1, end = lane + count; g < end; g += 2) {
                    double r = radius(((word(w, g) & UNSIGNED) + 1) * 0x1p-32);
                    double theta = TWO_PI * (((word(w, g + 1) & UNSIGNED) + 1) * 0x1p-32);
                    if (g >= lane) {
                        out[outOffset + g - lane] = (float) (r * StrictMath.cos(theta));
                    }
                    if (g + 1 < end) {
                        out[outOffset + g + 1 - lane] = (float) (r * StrictMath.sin(theta));
                    }
                }
            }
        }
    }

    /**
     * Fills {@code out[outOffset + j]} for {@code j} in {@code [0, count)} with elements
     * {@code first + j} of the stream {@code (seed, offset)} of the given distribution, float64 rule.
     */
    public static void fill(Distribution d, long seed, long offset, long first, double[] out, int outOffset,
                            int count) {
        check(d, first, out.length, outOffset, count);
        int e = elementsPerBlock(d, true);
        int lane = (int) (first % e);
        int[][] w = words(seed, offset + first / e, lane + count, e);
        switch (d) {
            case UNIFORM -> {
                for (int i = 0; i < count; i++) {
                    int g = lane + i;
                    out[outOffset + i] = bits53(word(w, 2 * g), word(w, 2 * g + 1)) * 0x1p-53;
                }
            }
            case RADEMACHER -> {
                for (int i = 0; i < count; i++) {
                    out[outOffset + i] = Double.longBitsToDouble(ONE_D | (long) (word(w, lane + i) & SIGN_F) << 32);
                }
            }
            case NORMAL -> {
                for (int g = lane & ~1, end = lane + count; g < end; g += 2) {
                    int b = 2 * g;
                    double r = radius((bits53(word(w, b), word(w, b + 1)) + 1) * 0x1p-53);
                    double theta = TWO_PI * ((bits53(word(w, b + 2), word(w, b + 3)) + 1) * 0x1p-53);
                    if (g >= lane) {
                        out[outOffset + g - lane] = r * StrictMath.cos(theta);
                    }
                    if (g + 1 < end) {
                        out[outOffset + g + 1 - lane] = r * StrictMath.sin(theta);
                    }
                }
            }
        }
    }

    /**
     * The words of the blocks holding elements {@code [0, elements)} of the block starting at counter
     * {@code counter} ({@code perBlock} elements a block): word {@code i} of block {@code j} at
     * {@code w[i][j]}, so that, counting the words in order, word {@code g} is {@code w[g & 3][g >> 2]}: with
     * 4 elements a block element {@code g} reads word {@code g}, with 2, words {@code 2g} and {@code 2g + 1}.
     */
    private static int[][] words(long seed, long counter, int elements, int perBlock) {
        int n = (elements + perBlock - 1) / perBlock;
        int[][] w = new int[4][n];
        Philox4x32.blocks(counter, n, (int) seed, (int) (seed >>> 32), w[0], w[1], w[2], w[3]);
        return w;
    }

    /** Word {@code g} of {@link #words}, counting the words of the blocks in order. */
    private static int word(int[][] w, int g) {
        return w[g & 3][g >> 2];
    }

    /**
     * Number of 128-bit counters (Philox blocks) that {@code n} elements of this distribution and
     * dtype consume, ⌈n / E⌉; a generator advances its offset by this.
     */
    public static long blocks(Distribution d, boolean float64, long n) {
        if (n < 0) {
            throw new IllegalArgumentException("blocks: expected a count ≥ 0, got " + n);
        }
        int e = elementsPerBlock(d, float64);
        return n / e + (n % e == 0 ? 0 : 1);
    }

    private static int elementsPerBlock(Distribution d, boolean float64) {
        return switch (Objects.requireNonNull(d, "distribution")) {
            case UNIFORM, NORMAL -> float64 ? 2 : 4;
            case RADEMACHER -> 4;
        };
    }

    /** The top 53 bits of the unsigned 64-bit word {@code hi:lo}. */
    private static long bits53(int lo, int hi) {
        return ((long) hi << 32 | (lo & UNSIGNED)) >>> 11;
    }

    private static double radius(double u) {
        return StrictMath.sqrt(-2.0 * StrictMath.log(u));
    }

    private static void check(Distribution d, long first, int length, int outOffset, int count) {
        Objects.requireNonNull(d, "distribution");
        if (first < 0 || count < 0 || first > Long.MAX_VALUE - count) {
            throw new IllegalArgumentException(
                    "fill: expected first ≥ 0 and count ≥ 0 with first + count ≤ 2⁶³ − 1, got first " + first
                            + ", count " + count);
        }
        if (outOffset < 0 || outOffset > length - count) {
            throw new IndexOutOfBoundsException("fill: elements [" + outOffset + ", " + ((long) outOffset + count)
                    + ") don't fit an array of length " + length);
        }
    }
}
