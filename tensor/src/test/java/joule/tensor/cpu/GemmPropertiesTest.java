package joule.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link GemmF32} and {@link GemmF64} against their scalar twin {@link GemmScalar}, over sizes (0, 1, odd, past the
 * block sizes), offsets and strides (row-major, transposed, strided, padded), within the error bound of the
 * summation order; and the same bits whatever the product is cut into.
 *
 * <p>Bound per element: both results are sums of the k products a_ip·b_pj in which each product goes through at
 * most k roundings (the kernels' chain of fused multiply-adds; the oracle's products and additions), so each is
 * within γ_k·S of the exact sum, S = Σ_p |a_ip||b_pj| and γ_k = k·u/(1 − k·u) (Higham, Accuracy and Stability,
 * §3.1). The float oracle sums in double (u = 2⁻⁵³) and then rounds once to float (u = 2⁻²⁴).
 */
class GemmPropertiesTest {
    private static final double U32 = 0x1p-24;
    private static final double U64 = 0x1p-53;
    /** Written into C beforehand: a NaN payload no product can produce. */
    private static final int POISON32 = 0x7fc0dead;
    private static final long POISON64 = 0x7ff8_0000_dead_beefL;

    /** How one operand is laid out: row- or column-major, element step, padded leading dimension, offset. */
    record Strides(boolean transposed, int step, int pad, int offset) {
        int rowStride(int rows, int cols) {
            return transposed ? step : cols * step + pad;
        }

        int colStride(int rows, int cols) {
            return transposed ? rows * step + pad : step;
        }

        int length(int rows, int cols) {
            return rows == 0 || cols == 0 ? offset
                    : offset + (rows - 1) * rowStride(rows, cols) + (cols - 1) * colStride(rows, cols) + 1;
        }
    }

    /** One product: A is m×k, B is k×n, C is m×n with leading dimension n + cPad. */
    record Case(int m, int n, int k, Strides a, Strides b, int cPad, int cOffset, long seed) {
        int ars() {
            return a.rowStride(m, k);
        }

        int acs() {
            return a.colStride(m, k);
        }

        int brs() {
            return b.rowStride(k, n);
        }

        int bcs() {
            return b.colStride(k, n);
        }

        int ldc() {
            return n + cPad;
        }

        int cLength() {
            return cOffset + m * ldc();
        }

        /** A matrix-vector product with contiguous rows of A: dot products in vector lanes, another order of the sum. */
        boolean dotProducts() {
            return n == 1 && m > 0 && k > 0 && acs() == 1;
        }

        boolean inC(int index) {
            int e = index - cOffset;
            return e >= 0 && e / ldc() < m && e % ldc() < n;
        }
    }

    // ---- properties ----

    @Property(tries = 250)
    void f32MatchesScalar(@ForAll("cases") Case c, @ForAll @IntRange(min = 1, max = 9) int tasks) {
        checkF32(c, tasks);
    }

    @Property(tries = 250)
    void f64MatchesScalar(@ForAll("cases") Case c, @ForAll @IntRange(min = 1, max = 9) int tasks) {
        checkF64(c, tasks);
    }

    /** More than one block of the sum (k > KC) and more than one row block per task (m > MC). */
    @Property(tries = 8)
    void f32MatchesScalarPastBlockSizes(@ForAll("largeF32") Case c, @ForAll @IntRange(min = 1, max = 9) int tasks) {
        checkF32(c, tasks);
    }

    @Property(tries = 8)
    void f64MatchesScalarPastBlockSizes(@ForAll("largeF64") Case c, @ForAll @IntRange(min = 1, max = 9) int tasks) {
        checkF64(c, tasks);
    }

    /** More columns than one packed panel of B holds. */
    @Example
    void f32SeveralPanels() {
        int k = GemmF32.KC + 1;
        int n = GemmF32.PACKED_B_MAX / (k * GemmF32.NW) * GemmF32.NW + 37;
        checkF32(new Case(5, n, k, new Strides(false, 1, 0, 0), new Strides(true, 1, 3, 1), 0, 0, 1), 4);
    }

    @Example
    void f64SeveralPanels() {
        int k = GemmF64.KC + 1;
        int n = GemmF64.PACKED_B_MAX / (k * GemmF64.NW) * GemmF64.NW + 37;
        checkF64(new Case(5, n, k, new Strides(false, 1, 0, 0), new Strides(true, 1, 3, 1), 0, 0, 2), 4);
    }

    /** The pool, one task on the calling thread, and any other cut give the same bits. */
    @Property(tries = 40)
    void f32SameBitsForAnySplit(@ForAll("splitCases") Case c, @ForAll @IntRange(min = 2, max = 16) int tasks) {
        float[] a = randomFloats(c.a().length(c.m(), c.k()), c.seed());
        float[] b = randomFloats(c.b().length(c.k(), c.n()), c.seed() + 1);
        float[] pool = new float[c.cLength()];
        float[] single = new float[c.cLength()];
        float[] cut = new float[c.cLength()];
        GemmF32.multiply(c.m(), c.n(), c.k(), a, c.a().offset(), c.ars(), c.acs(), b, c.b().offset(), c.brs(), c.bcs(),
                pool, c.cOffset(), c.ldc());
        GemmF32.packed(c.m(), c.n(), c.k(), a, c.a().offset(), c.ars(), c.acs(), b, c.b().offset(), c.brs(), c.bcs(),
                single, c.cOffset(), c.ldc(), 1);
        GemmF32.packed(c.m(), c.n(), c.k(), a, c.a().offset(), c.ars(), c.acs(), b, c.b().offset(), c.brs(), c.bcs(),
                cut, c.cOffset(), c.ldc(), tasks);
        if (!c.dotProducts()) {
            assertArrayEquals(single, pool, "pool vs one task, " + c);
        }
        assertArrayEquals(single, cut, tasks + " tasks vs one task, " + c);
    }

    @Property(tries = 40)
    void f64SameBitsForAnySplit(@ForAll("splitCases") Case c, @ForAll @IntRange(min = 2, max = 16) int tasks) {
        double[] a = randomDoubles(c.a().length(c.m(), c.k()), c.seed());
        double[] b = randomDoubles(c.b().length(c.k(), c.n()), c.seed() + 1);
        double[] pool = new double[c.cLength()];
        double[] single = new double[c.cLength()];
        double[] cut = new double[c.cLength()];
        GemmF64.multiply(c.m(), c.n(), c.k(), a, c.a().offset(), c.ars(), c.acs(), b, c.b().offset(), c.brs(), c.bcs(),
                pool, c.cOffset(), c.ldc());
        GemmF64.packed(c.m(), c.n(), c.k(), a, c.a().offset(), c.ars(), c.acs(), b, c.b().offset(), c.brs(), c.bcs(),
                single, c.cOffset(), c.ldc(), 1);
        GemmF64.packed(c.m(), c.n(), c.k(), a, c.a().offset(), c.ars(), c.acs(), b, c.b().offset(), c.brs(), c.bcs(),
                cut, c.cOffset(), c.ldc(), tasks);
        if (!c.dotProducts()) {
            assertArrayEquals(single, pool, "pool vs one task, " + c);
        }
        assertArrayEquals(single, cut, tasks + " tasks vs one task, " + c);
    }

    // ---- generators ----

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> size = Arbitraries.integers().between(0, 150);
        return cases(size, size, size);
    }

    /** Matrix-vector products (n = 1) of every layout, tall enough to run on both threads. */
    @Provide
    Arbitrary<Case> matrixVector() {
        return cases(Arbitraries.integers().between(0, 3000), Arbitraries.just(1), Arbitraries.integers().between(0, 1500));
    }

    @Property(tries = 40)
    void f32MatrixVectorMatchesScalar(@ForAll("matrixVector") Case c) {
        checkF32(c, 1);
    }

    @Property(tries = 40)
    void f64MatrixVectorMatchesScalar(@ForAll("matrixVector") Case c) {
        checkF64(c, 1);
    }

    @Provide
    Arbitrary<Case> largeF32() {
        return cases(Arbitraries.integers().between(GemmF32.MC + 1, 2 * GemmF32.MC + 11),
                Arbitraries.integers().between(1, (GemmF32.DIRECT_A_SLIVERS + 3) * GemmF32.NW + 5),
                Arbitraries.integers().between(GemmF32.KC + 1, 2 * GemmF32.KC + 9));
    }

    @Provide
    Arbitrary<Case> largeF64() {
        return cases(Arbitraries.integers().between(GemmF64.MC + 1, 2 * GemmF64.MC + 11),
                Arbitraries.integers().between(1, (GemmF64.DIRECT_A_SLIVERS + 3) * GemmF64.NW + 5),
                Arbitraries.integers().between(GemmF64.KC + 1, 2 * GemmF64.KC + 9));
    }

    @Provide
    Arbitrary<Case> splitCases() {
        return cases(Arbitraries.integers().between(1, 300), Arbitraries.integers().between(1, 300),
                Arbitraries.integers().between(1, 1200));
    }

    private static Arbitrary<Case> cases(Arbitrary<Integer> m, Arbitrary<Integer> n, Arbitrary<Integer> k) {
        Arbitrary<Strides> strides = Combinators.combine(Arbitraries.of(false, true), Arbitraries.of(1, 1, 1, 2),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 5)).as(Strides::new);
        return Combinators.combine(m, n, k, strides, strides, Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 5), Arbitraries.longs()).as(Case::new);
    }

    // ---- checks ----

    /** Public entry and the packed path with {@code tasks}, each against the oracle, on C poisoned with NaN. */
    private static void checkF32(Case c, int tasks) {
        float[] a = randomFloats(c.a().length(c.m(), c.k()), c.seed());
        float[] b = randomFloats(c.b().length(c.k(), c.n()), c.seed() + 1);
        float[] ref = new float[c.cLength()];
        GemmScalar.multiply(c.m(), c.n(), c.k(), a, c.a().offset(), c.ars(), c.acs(), b, c.b().offset(), c.brs(),
                c.bcs(), ref, c.cOffset(), c.ldc());
        double[] bound = new double[c.cLength()];
        double gamma = gamma(c.k(), U32) + U32 + gamma(c.k(), U64);
        for (int i = 0; i < c.m(); i++) {
            for (int j = 0; j < c.n(); j++) {
                double s = 0;
                for (int p = 0; p < c.k(); p++) {
                    s += Math.abs((double) a[c.a().offset() + i * c.ars() + p * c.acs()]
                            * b[c.b().offset() + p * c.brs() + j * c.bcs()]);
                }
                bound[c.cOffset() + i * c.ldc() + j] = gamma * s;
            }
        }
        for (int variant = 0; variant < 2; variant++) {
            float[] out = new float[c.cLength()];
            Arrays.fill(out, Float.intBitsToFloat(POISON32));
            if (variant == 0) {
                GemmF32.multiply(c.m(), c.n(), c.k(), a, c.a().offset(), c.ars(), c.acs(), b, c.b().offset(), c.brs(),
                        c.bcs(), out, c.cOffset(), c.ldc());
            } else {
                GemmF32.packed(c.m(), c.n(), c.k(), a, c.a().offset(), c.ars(), c.acs(), b, c.b().offset(), c.brs(),
                        c.bcs(), out, c.cOffset(), c.ldc(), tasks);
            }
            String where = (variant == 0 ? "multiply" : "packed, " + tasks + " tasks") + ", " + c;
            for (int e = 0; e < out.length; e++) {
                if (!c.inC(e)) {
                    assertEquals(POISON32, Float.floatToRawIntBits(out[e]), "wrote outside C at " + e + ": " + where);
                } else if (!(Math.abs((double) out[e] - ref[e]) <= bound[e])) {
                    fail("C[" + e + "] = " + out[e] + ", oracle " + ref[e] + ", bound " + bound[e] + ": " + where);
                }
            }
        }
    }

    private static void checkF64(Case c, int tasks) {
        double[] a = randomDoubles(c.a().length(c.m(), c.k()), c.seed());
        double[] b = randomDoubles(c.b().length(c.k(), c.n()), c.seed() + 1);
        double[] ref = new double[c.cLength()];
        GemmScalar.multiply(c.m(), c.n(), c.k(), a, c.a().offset(), c.ars(), c.acs(), b, c.b().offset(), c.brs(),
                c.bcs(), ref, c.cOffset(), c.ldc());
        double[] bound = new double[c.cLength()];
        // both sides within γ_k·S; k + 1 also covers rounding S and the difference
        double gamma = 2 * gamma(c.k() + 1, U64);
        for (int i = 0; i < c.m(); i++) {
            for (int j = 0; j < c.n(); j++) {
                double s = 0;
                for (int p = 0; p < c.k(); p++) {
                    s += Math.abs(a[c.a().offset() + i * c.ars() + p * c.acs()]
                            * b[c.b().offset() + p * c.brs() + j * c.bcs()]);
                }
                bound[c.cOffset() + i * c.ldc() + j] = gamma * s;
            }
        }
        for (int variant = 0; variant < 2; variant++) {
            double[] out = new double[c.cLength()];
            Arrays.fill(out, Double.longBitsToDouble(POISON64));
            if (variant == 0) {
                GemmF64.multiply(c.m(), c.n(), c.k(), a, c.a().offset(), c.ars(), c.acs(), b, c.b().offset(), c.brs(),
                        c.bcs(), out, c.cOffset(), c.ldc());
            } else {
                GemmF64.packed(c.m(), c.n(), c.k(), a, c.a().offset(), c.ars(), c.acs(), b, c.b().offset(), c.brs(),
                        c.bcs(), out, c.cOffset(), c.ldc(), tasks);
            }
            String where = (variant == 0 ? "multiply" : "packed, " + tasks + " tasks") + ", " + c;
            for (int e = 0; e < out.length; e++) {
                if (!c.inC(e)) {
                    assertEquals(POISON64, Double.doubleToRawLongBits(out[e]),
                            "wrote outside C at " + e + ": " + where);
                } else if (!(Math.abs(out[e] - ref[e]) <= bound[e])) {
                    fail("C[" + e + "] = " + out[e] + ", oracle " + ref[e] + ", bound " + bound[e] + ": " + where);
                }
            }
        }
    }

    /** γ_k = k·u / (1 − k·u). */
    private static double gamma(int k, double u) {
        return k * u / (1 - k * u);
    }

    private static float[] randomFloats(int length, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) (2 * r.nextDouble() - 1);
        }
        return x;
    }

    private static double[] randomDoubles(int length, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[length];
        for (int i = 0; i < length; i++) {
            x[i] = 2 * r.nextDouble() - 1;
        }
        return x;
    }
}
