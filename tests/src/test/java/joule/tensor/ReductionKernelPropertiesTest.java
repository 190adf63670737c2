package joule.tensor;

import static joule.testing.Domain.integers;
import static joule.testing.Domain.logUniform;
import static joule.testing.Domain.mix;
import static joule.testing.Domain.of;
import static joule.testing.Domain.signed;
import static joule.testing.Domain.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.function.Supplier;
import joule.tensor.cpu.CpuBackend;
import joule.testing.Domain;
import joule.testing.TensorSamples;
import joule.testing.TensorSamples.Layout;
import joule.testing.TensorSamples.Sample;
import joule.testing.TensorSamples.Spec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Reductions (sum, max, min, mean, logsumexp, argmax, norm) on the vector kernels and on the
 * scalar twins, against exact results computed here from the row-major values, over random axis
 * subsets (none = all, negative axes, keepdim both ways) and layouts. The kernels' three paths
 * each get a property of their own: rows of any length (the general "trailing" path, the
 * reduced axes permuted last), rows longer than {@code StridedLoop.BLOCK} = 16384 (cut into
 * pieces whose partial results are combined), and a run of leading or middle axes of a contiguous
 * tensor with at least 16 columns (accumulated row by row into the output); reduced axes of size 1
 * are dropped before any of them.
 *
 * <h2>Tolerances</h2>
 * n is the number of reduced elements, u the dtype's unit roundoff, u₆₄ = 2⁻⁵³.
 * <ul>
 * <li>max, min, argmax: no rounding: bit-equal to the exact answer (NaN if any element is NaN).
 * <li>sum: every element of a sum over n terms passes through at most n − 1 roundings whatever
 *     the order (vector lanes, four accumulators, pieces of 16384, rows accumulated in place),
 *     so {@code |computed − S| ≤ γ_{n−1}·Σ|x|}; float32 adds the final rounding to float (and
 *     {@code (1+γ_{n−1})(1+u) ≤ 1+γ_n}) and float64 partials combined in double; the reference is
 *     the exact sum (BigDecimal) rounded to double (u₆₄|S|). In all:
 *     {@code tol = (γ_n(u) + γ_{n+1}(u₆₄))·Σ|x|}, for the vector result and the scalar twin alike.
 * <li>mean = sum / n in the dtype: {@code (tol_sum + 3u(|S| + tol_sum)) / n} (the division's
 *     rounding and the reference's).
 * <li>logsumexp = m + log Σ exp(x − m), m the max, every intermediate rounded to the dtype:
 *     x − m rounds (relative u, magnified by exp into {@code u·|x − m|}, and
 *     {@code exp(−y)·y ≤ 1/e} bounds the weighted sum), exp adds 1 ulp (2u), the sum of n
 *     positive terms γ_n, relative to Σ ≥ 1: {@code δ = (2u + n·u/e)(1 + 2⁻¹⁰) + γ_n(1 + δ₀)};
 *     log turns that into an absolute {@code δ/(1−δ)} and adds an ulp of log Σ ≤ log n; the final
 *     add rounds by u|result|. The same bound in u₆₄ covers the double reference.
 * <li>norm: p = ∞ is max|x|: bit-equal. p = 1 is a sum of |x|: as sum. p = 2: squares and sum
 *     γ_{n+1} relative, halved by sqrt, plus its rounding u. Other p: |x|^p (an ulp, 2u) and the
 *     sum (γ_n) give relative γ_{n+2}, divided by p through the root; the exponent 1/p rounded to
 *     the dtype (u) changes the result by u·|ln Σ|/p; the last pow adds 2u. Values are kept in
 *     [-100, 100] (and ±0) so that |x|^p neither overflows nor underflows.
 * </ul>
 */
class ReductionKernelPropertiesTest {
    /** Finite values with ties, zeros of both signs, and a spread of magnitudes. */
    static Domain finite() {
        return mix(4, uniform(-100, 100), 2, integers(-3, 3), 1, of(0.0, -0.0), 1, signed(logUniform(1e-3, 1e3)));
    }

    /** As {@link #finite()}, now and then a NaN. */
    static Domain withNaN() {
        return mix(40, finite(), 1, of(Double.NaN));
    }

    @Provide
    Arbitrary<Spec> specs() {
        return TensorSamples.specs();
    }

    /** Rows longer than the 16384-element block: [r, n] with n around one, two and more blocks. */
    @Provide
    Arbitrary<Spec> longRows() {
        Arbitrary<Integer> n = Arbitraries.oneOf(Arbitraries.of(16383, 16384, 16385, 32767, 32768, 32769, 49153),
                Arbitraries.integers().between(16385, 40000));
        Arbitrary<int[]> shape = Combinators.combine(Arbitraries.integers().between(1, 3), n, Arbitraries.of(true, false))
                .as((r, len, rowsFirst) -> rowsFirst ? new int[] {r, len} : new int[] {len, r});
        return Combinators.combine(Arbitraries.of(DType.class), shape,
                Arbitraries.of(Layout.CONTIGUOUS, Layout.OFFSET, Layout.PERMUTED, Layout.STRIDED), Arbitraries.longs())
                .as(Spec::new);
    }

    /** Contiguous [R, M] or [R1, R2, M] with M ≥ 16 columns: the leading-axes path. */
    @Provide
    Arbitrary<Spec> columns() {
        Arbitrary<Integer> m = Arbitraries.oneOf(Arbitraries.of(16, 17, 31, 32, 33, 255, 256, 257),
                Arbitraries.integers().between(16, 700));
        Arbitrary<Integer> r = Arbitraries.oneOf(TensorSamples.sizes(40), Arbitraries.integers().between(60, 130));
        Arbitrary<int[]> shape = Combinators.combine(r, r, m, Arbitraries.of(true, false))
                .as((r1, r2, cols, three) -> three ? new int[] {Math.min(r1, 12), Math.min(r2, 12), cols}
                        : new int[] {r1, cols});
        return Combinators.combine(Arbitraries.of(DType.class), shape, Arbitraries.of(Layout.CONTIGUOUS, Layout.OFFSET),
                Arbitraries.longs()).as(Spec::new);
    }

    // ------------------------------------------------------------------ reference

    /** Axes picked by {@code mask} over the rank, written negative where {@code negative} has the bit. */
    static int[] axes(int rank, int mask, int negative) {
        return java.util.stream.IntStream.range(0, rank).filter(i -> (mask >> i & 1) != 0)
                .map(i -> (negative >> i & 1) != 0 ? i - rank : i).toArray();
    }

    /** Which axes are reduced ({@code axes} empty: all). */
    static boolean[] reduced(int rank, int[] axes) {
        boolean[] r = new boolean[rank];
        for (int a : axes) {
            r[a < 0 ? a + rank : a] = true;
        }
        if (axes.length == 0) {
            Arrays.fill(r, true);
        }
        return r;
    }

    static int[] outShape(int[] shape, boolean[] reduced, boolean keepdim) {
        return java.util.stream.IntStream.range(0, shape.length).filter(i -> keepdim || !reduced[i])
                .map(i -> reduced[i] ? 1 : shape[i]).toArray();
    }

    /** For each output element (row-major over the kept axes), the reduced values in row-major order. */
    static double[][] groups(double[] values, int[] shape, boolean[] reduced) {
        int[] kept = outShape(shape, reduced, false);
        int outs = TensorSamples.numel(kept);
        int n = 1;
        for (int i = 0; i < shape.length; i++) {
            n *= reduced[i] ? shape[i] : 1;
        }
        double[][] g = new double[outs][n];
        int[] fill = new int[outs];
        int[] keptIndex = new int[kept.length];
        for (int i = 0; i < values.length; i++) {
            int[] index = Shapes.unravel(i, shape);
            for (int a = 0, j = 0; a < shape.length; a++) {
                if (!reduced[a]) {
                    keptIndex[j++] = index[a];
                }
            }
            int o = TensorSamples.ravel(keptIndex, kept);
            g[o][fill[o]++] = values[i];
        }
        return g;
    }

    static int reducedCount(int[] shape, boolean[] reduced) {
        int n = 1;
        for (int i = 0; i < shape.length; i++) {
            n *= reduced[i] ? shape[i] : 1;
        }
        return n;
    }

    static double exactSum(double[] g) {
        BigDecimal s = BigDecimal.ZERO;
        for (double x : g) {
            s = s.add(new BigDecimal(x));
        }
        return s.doubleValue();
    }

    static double absSum(double[] g) {
        double s = 0;
        for (double x : g) {
            s += Math.abs(x);
        }
        return s * (1 + Rounding.gamma(g.length + 1, Rounding.U64));
    }

    /** The sum tolerance of the class comment. */
    static double sumTolerance(DType dtype, double[] g) {
        int n = g.length;
        return (Rounding.gamma(n, Rounding.u(dtype)) + Rounding.gamma(n + 1, Rounding.U64)) * absSum(g);
    }

    /** Math.max/min over the group: NaN if any is NaN. */
    static double fold(ReduceOp op, double[] g) {
        double acc = op.identity();
        for (double x : g) {
            acc = op == ReduceOp.MAX ? Math.max(acc, x) : Math.min(acc, x);
        }
        return acc;
    }

    /** {@code body} on the scalar kernels or the default (vector) ones. */
    static <T> T on(boolean scalarKernels, Supplier<T> body) {
        return scalarKernels ? CpuBackend.withScalarKernels(body) : body.get();
    }

    // ------------------------------------------------------------------ sum, max, min

    @Property(tries = 200)
    void sumMaxMinOverAnyAxes(@ForAll("specs") Spec spec, @ForAll @IntRange(max = 15) int mask,
                              @ForAll @IntRange(max = 15) int negative, @ForAll boolean keepdim) {
        checkSumMaxMin(spec, axes(spec.shape().length, mask, negative), keepdim);
    }

    @Property(tries = 12)
    void sumMaxMinOverRowsLongerThanABlock(@ForAll("longRows") Spec spec, @ForAll boolean all, @ForAll boolean keepdim) {
        int longAxis = spec.shape()[0] > spec.shape()[1] ? 0 : 1;
        checkSumMaxMin(spec, all ? new int[0] : new int[] {longAxis - 2}, keepdim);
    }

    @Property(tries = 40)
    void sumMaxMinOverLeadingAxesOfColumns(@ForAll("columns") Spec spec, @ForAll boolean two, @ForAll boolean negative,
                                           @ForAll boolean keepdim) {
        int rank = spec.shape().length;
        int[] axes = two && rank == 3 ? new int[] {0, 1} : new int[] {0};
        if (negative) {
            axes[0] -= rank;
        }
        checkSumMaxMin(spec, axes, keepdim);
    }

    /** Contiguous [O, R, M] or [O, R1, R2, M] with M ≥ 16 columns, some sizes 1: a run of middle axes. */
    @Provide
    Arbitrary<Spec> middleRuns() {
        Arbitrary<Integer> m = Arbitraries.oneOf(Arbitraries.of(16, 17, 33, 128, 257), Arbitraries.integers().between(16, 300));
        Arbitrary<Integer> r = Arbitraries.oneOf(Arbitraries.of(1, 2), Arbitraries.integers().between(1, 40));
        Arbitrary<int[]> shape = Combinators.combine(r, r, r, m, Arbitraries.of(true, false))
                .as((o, r1, r2, cols, four) -> four ? new int[] {o, Math.min(r1, 12), Math.min(r2, 12), cols}
                        : new int[] {o, r1, cols});
        return Combinators.combine(Arbitraries.of(DType.class), shape, Arbitraries.of(Layout.CONTIGUOUS, Layout.OFFSET),
                Arbitraries.longs()).as(Spec::new);
    }

    @Property(tries = 40)
    void sumMaxMinOverAMiddleRunOfColumns(@ForAll("middleRuns") Spec spec, @ForAll boolean two, @ForAll boolean keepdim) {
        int rank = spec.shape().length;
        checkSumMaxMin(spec, two && rank == 4 ? new int[] {1, 2} : new int[] {1}, keepdim);
    }

    private void checkSumMaxMin(Spec spec, int[] axes, boolean keepdim) {
        DType dt = spec.dtype();
        int[] shape = spec.shape();
        boolean[] red = reduced(shape.length, axes);
        int[] out = outShape(shape, red, keepdim);
        Sample x = TensorSamples.build(spec, finite());
        double[][] g = groups(x.values(), shape, red);
        boolean empty = reducedCount(shape, red) == 0;
        String where = " over " + Arrays.toString(axes) + (keepdim ? " keepdim" : "") + " of " + x;
        for (boolean scalar : new boolean[] {false, true}) {
            String what = (scalar ? "scalar " : "vector ") + "sum" + where;
            Tensor sum = on(scalar, () -> x.tensor().sum(axes, keepdim));
            assertArrayEquals(out, sum.shape(), what);
            double[] s = sum.toDoubleArray();
            for (int o = 0; o < g.length; o++) {
                double exact = exactSum(g[o]);
                double tol = sumTolerance(dt, g[o]);
                int at = o;
                assertTrue(Math.abs(s[o] - exact) <= tol, () -> what + ", element " + at + ": " + s[at] + " vs exact "
                        + exact + " (difference " + Math.abs(s[at] - exact) + ", allowed " + tol + ")");
            }
        }
        Sample y = TensorSamples.build(spec, withNaN());
        double[][] h = groups(y.values(), shape, red);
        for (ReduceOp op : new ReduceOp[] {ReduceOp.MAX, ReduceOp.MIN}) {
            for (boolean scalar : new boolean[] {false, true}) {
                Supplier<String> what = () -> (scalar ? "scalar " : "vector ") + op.opName() + where;
                Supplier<Tensor> run = () -> op == ReduceOp.MAX ? y.tensor().max(axes, keepdim) : y.tensor().min(axes, keepdim);
                if (empty) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> on(scalar, run), what);
                    assertTrue(e.getMessage().startsWith(op.opName() + ": axis "), e.getMessage());
                    assertTrue(e.getMessage().contains(Shapes.format(shape)), e.getMessage());
                    continue;
                }
                Tensor r = on(scalar, run);
                assertArrayEquals(out, r.shape(), what);
                double[] expected = new double[h.length];
                for (int o = 0; o < h.length; o++) {
                    expected[o] = fold(op, h[o]);
                }
                Rounding.assertBitEqual(expected, r.toDoubleArray(), what);
            }
        }
    }

    // ------------------------------------------------------------------ argmax

    @Property(tries = 150)
    void argmaxIsTheFirstLargestWithNaNLargest(@ForAll("specs") Spec spec, @ForAll @IntRange(max = 3) int axisPick,
                                               @ForAll boolean negative, @ForAll boolean keepdim) {
        int[] shape = spec.shape();
        Sample x = TensorSamples.build(spec, mix(20, integers(-3, 3), 10, finite(), 1, of(Double.NaN)));
        if (shape.length == 0 || TensorSamples.numel(shape) == 0) {
            if (TensorSamples.numel(shape) == 0) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.tensor().argmax());
                assertTrue(e.getMessage().startsWith("argmax: "), e.getMessage());
            } else {
                assertEquals(0.0, x.tensor().argmax().item());
            }
            return;
        }
        int axis = axisPick % shape.length;
        boolean[] red = new boolean[shape.length];
        red[axis] = true;
        double[][] g = groups(x.values(), shape, red);
        double[] expected = new double[g.length];
        for (int o = 0; o < g.length; o++) {
            expected[o] = firstLargest(g[o]);
        }
        Tensor r = x.tensor().argmax(negative ? axis - shape.length : axis, keepdim);
        assertEquals(DType.FLOAT64, r.dtype());
        assertArrayEquals(outShape(shape, red, keepdim), r.shape());
        Rounding.assertBitEqual(expected, r.toDoubleArray(), () -> "argmax over " + axis + " of " + x);
        assertEquals(firstLargest(x.values()), x.tensor().argmax().item(), () -> "argmax of " + x);
    }

    static double firstLargest(double[] g) {
        int best = 0;
        for (int i = 1; i < g.length && !Double.isNaN(g[best]); i++) {
            if (g[i] > g[best] || Double.isNaN(g[i])) {
                best = i;
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ mean, logsumexp, norm

    @Property(tries = 150)
    void meanLogsumexpAndNormOverAnyAxes(@ForAll("specs") Spec spec, @ForAll @IntRange(max = 15) int mask,
                                         @ForAll @IntRange(max = 15) int negative, @ForAll boolean keepdim,
                                         @ForAll("ps") double p) {
        DType dt = spec.dtype();
        double u = Rounding.u(dt);
        int[] shape = spec.shape();
        int[] axes = axes(shape.length, mask, negative);
        boolean[] red = reduced(shape.length, axes);
        int[] out = outShape(shape, red, keepdim);
        Sample x = TensorSamples.build(spec, mix(4, uniform(-100, 100), 2, integers(-3, 3), 1, of(0.0, -0.0)));
        double[][] g = groups(x.values(), shape, red);
        int n = reducedCount(shape, red);
        String where = " over " + Arrays.toString(axes) + (keepdim ? " keepdim" : "") + " of " + x;
        for (boolean scalar : new boolean[] {false, true}) {
            String path = scalar ? "scalar " : "vector ";
            if (n == 0) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> on(scalar, () -> x.tensor().mean(axes, keepdim)));
                assertTrue(e.getMessage().startsWith("mean: "), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> on(scalar, () -> x.tensor().logsumexp(axes, keepdim)));
                assertTrue(e.getMessage().startsWith("logsumexp: "), e.getMessage());
            } else {
                Tensor mean = on(scalar, () -> x.tensor().mean(axes, keepdim));
                Tensor lse = on(scalar, () -> x.tensor().logsumexp(axes, keepdim));
                assertArrayEquals(out, mean.shape(), path + "mean" + where);
                assertArrayEquals(out, lse.shape(), path + "logsumexp" + where);
                double[] mv = mean.toDoubleArray();
                double[] lv = lse.toDoubleArray();
                for (int o = 0; o < g.length; o++) {
                    double s = exactSum(g[o]);
                    double tolSum = sumTolerance(dt, g[o]);
                    double tolMean = (tolSum + 3 * u * (Math.abs(s) + tolSum)) / n;
                    check(s / n, mv[o], tolMean, path + "mean" + where, o);
                    double ref = logsumexp(g[o]);
                    check(ref, lv[o], lseBound(u, n, ref) + lseBound(Rounding.U64, n, ref), path + "logsumexp" + where, o);
                }
            }
            if (n == 0 && p == Double.POSITIVE_INFINITY) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> on(scalar, () -> x.tensor().norm(p, axes, keepdim)));
                assertTrue(e.getMessage().startsWith("norm: "), e.getMessage());
                continue;
            }
            Tensor norm = on(scalar, () -> x.tensor().norm(p, axes, keepdim));
            assertArrayEquals(out, norm.shape(), path + "norm" + where);
            double[] nv = norm.toDoubleArray();
            for (int o = 0; o < g.length; o++) {
                double ref = norm(g[o], p);
                check(ref, nv[o], normBound(u, n, p, ref) + normBound(Rounding.U64, n, p, ref),
                        path + "norm(" + p + ")" + where, o);
            }
        }
    }

    @Provide
    Arbitrary<Double> ps() {
        return Arbitraries.of(1.0, 1.5, 2.0, 3.0, Double.POSITIVE_INFINITY);
    }

    private static void check(double expected, double actual, double tol, String what, int at) {
        boolean ok = Double.isFinite(expected) ? Math.abs(actual - expected) <= tol
                : Double.doubleToLongBits(expected) == Double.doubleToLongBits(actual);
        assertTrue(ok, () -> what + ", element " + at + ": " + actual + " vs " + expected + " (difference "
                + Math.abs(actual - expected) + ", allowed " + tol + ")");
    }

    static double logsumexp(double[] g) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : g) {
            m = Math.max(m, x);
        }
        double shift = Double.isInfinite(m) ? 0 : m;
        double s = 0;
        for (double x : g) {
            s += Math.exp(x - shift);
        }
        return Math.log(s) + shift;
    }

    /** The logsumexp bound of the class comment, for unit roundoff u. */
    static double lseBound(double u, int n, double result) {
        double first = (2 * u + n * u / Math.E) * (1 + 0x1p-10);
        double delta = first + Rounding.gamma(n, u) * (1 + first);
        double log = delta / (1 - delta) + 2 * u * Math.log(n) * (1 + delta);
        return log + u * (Math.abs(result) + log);
    }

    static double norm(double[] g, double p) {
        if (p == Double.POSITIVE_INFINITY) {
            double m = 0;
            for (double x : g) {
                m = Math.max(m, Math.abs(x));
            }
            return m;
        }
        double s = 0;
        for (double x : g) {
            s += Math.pow(Math.abs(x), p);
        }
        return Math.pow(s, 1 / p);
    }

    /** The norm bound of the class comment, for unit roundoff u. */
    static double normBound(double u, int n, double p, double result) {
        if (p == Double.POSITIVE_INFINITY || result == 0) {
            return 0;
        }
        double relative;
        if (p == 1) {
            relative = Rounding.gamma(n + 1, u);
        } else if (p == 2) {
            relative = Rounding.gamma(n + 1, u) / 2 * (1 + Rounding.gamma(n + 1, u)) + u;
        } else {
            double lnSum = Math.abs(p * Math.log(result));
            relative = (Rounding.gamma(n + 2, u) / p + u * lnSum / p) * (1 + 0x1p-10) + 2 * u;
        }
        return relative * (1 + 4 * u) * result;
    }

    // ------------------------------------------------------------------ NaN and infinities

    /** logsumexp of rows holding -inf only, a +inf, or a NaN: -inf, +inf, NaN on both paths. */
    @Property(tries = 20)
    void logsumexpOfInfinitiesAndNaN(@ForAll DType dt, @ForAll @IntRange(min = 1, max = 40) int n,
                                     @ForAll @IntRange(max = 39) int at, @ForAll boolean scalar) {
        double[] values = new double[3 * n];
        Arrays.fill(values, 0, n, Double.NEGATIVE_INFINITY);
        for (int i = n; i < 3 * n; i++) {
            values[i] = i % 7 - 3;
        }
        values[n + at % n] = Double.POSITIVE_INFINITY;
        values[2 * n + at % n] = Double.NaN;
        Tensor x = Tensor.of(dt, values, 3, n);
        double[] r = on(scalar, () -> x.logsumexp(1)).toDoubleArray();
        assertEquals(Double.NEGATIVE_INFINITY, r[0]);
        assertEquals(Double.POSITIVE_INFINITY, r[1]);
        assertTrue(Double.isNaN(r[2]));
        double[] sums = on(scalar, () -> x.sum(1)).toDoubleArray();
        assertEquals(Double.NEGATIVE_INFINITY, sums[0]);
        assertEquals(Double.POSITIVE_INFINITY, sums[1]);
        assertTrue(Double.isNaN(sums[2]));
    }
}
