package joule.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The fast convolution kernels (the CPU backend's default: unfolded blocks times the packed GEMM) against their
 * scalar twin, the direct loops summed in float64 ({@link CpuBackend#withScalarKernels}), for {@code conv2d},
 * {@code conv2dTranspose} and {@code conv2dWeightGrad}, on random geometries (groups 1–3, strides 1–3, padding 0–2,
 * dilation 1–2, kernels 1–5, images down to 1×1) and layouts of the operands; and the adjoint identities.
 *
 * <p>Bound per element, as for the GEMM ({@code GemmPropertiesTest}): each result is a sum of products
 * {@code a·b}, and each product goes through at most {@code k} roundings, so it is within {@code γ_k·S} of the exact
 * sum, {@code S = Σ|a||b|} (the same convolution of the absolute values, computed here in float64) and
 * {@code γ_k = k·u/(1 − k·u)}. The float32 oracle sums in double and rounds once to float. {@code k} per op:
 * <ul>
 * <li>conv2d: one chain of fused multiply-adds over the {@code (C/G)·kh·kw} products;
 * <li>conv2dTranspose: a chain over the {@code O/G} output channels per kernel tap, then at most {@code kh·kw}
 *     additions of those;
 * <li>conv2dWeightGrad: chains over blocks of output pixels, then additions of the blocks' sums: at most
 *     {@code 2·N·Ho·Wo}.
 * </ul>
 */
class ConvKernelPropertiesTest {
    private static final double U32 = 0x1p-24;
    private static final double U64 = 0x1p-53;

    /** A convolution: input {@code [n, groups·cg, h, w]}, weight {@code [groups·og, cg, kh, kw]}. */
    record Case(DType dtype, Conv2dSpec spec, int n, int cg, int og, int kh, int kw, int h, int w, Layout[] layouts,
                long seed) {
        int[] input() {
            return new int[] {n, cg * spec.groups(), h, w};
        }

        int[] weight() {
            return new int[] {og * spec.groups(), cg, kh, kw};
        }

        int[] output() {
            return new int[] {n, og * spec.groups(), spec.outHeight(h, kh), spec.outWidth(w, kw)};
        }

        Sample sample(int[] shape, int operand) {
            return TensorSamples.build(new Spec(dtype, shape, layouts[operand], seed + 31L * operand),
                    Domain.uniform(-1, 1));
        }

        @Override
        public String toString() {
            return dtype + " input " + Arrays.toString(input()) + " weight " + Arrays.toString(weight()) + " (" + spec
                    + ") layouts " + Arrays.toString(layouts) + " seed " + seed;
        }
    }

    // ------------------------------------------------------------------ properties

    @Property(tries = 300)
    void fastKernelsMatchTheDirectLoops(@ForAll("small") Case c) {
        checkAll(c);
    }

    /**
     * Problems past the fast kernels' block sizes (blocks hold about 2¹⁸ unfolded elements, 256 to 2048 output
     * pixels): several images per block and several blocks (many small images), images cut into several blocks
     * (large images), weight-gradient sums over several blocks and tasks.
     */
    @Property(tries = 12)
    void fastKernelsMatchTheDirectLoopsPastBlockSizes(@ForAll("large") Case c) {
        checkAll(c);
    }

    /**
     * Stride 1 with as many output columns as input columns ("same" width), where each row of the unfolded input is
     * the input plane shifted, and its padding columns are cut out of it.
     */
    @Property(tries = 150)
    void fastKernelsMatchTheDirectLoopsOnShiftedPlanes(@ForAll("sameWidth") Case c) {
        checkAll(c);
    }

    /** A 1×1 kernel with stride 1 and no padding reads the input in place; here within images cut into blocks. */
    @Example
    void pointwiseOnImagesCutIntoBlocks() {
        for (DType dtype : DType.values()) {
            checkAll(new Case(dtype, new Conv2dSpec(1, 1, 0, 0, 1, 1, 2), 2, 3, 5, 1, 1, 47, 53,
                    new Layout[] {Layout.OFFSET, Layout.CONTIGUOUS, Layout.OFFSET}, 7));
            checkAll(new Case(dtype, Conv2dSpec.DEFAULT, 37, 4, 3, 1, 1, 7, 9,
                    new Layout[] {Layout.CONTIGUOUS, Layout.STRIDED, Layout.CONTIGUOUS}, 8));
        }
    }

    /** ⟨conv2d(x, w), g⟩ = ⟨x, conv2dTranspose(g, w)⟩ = ⟨w, conv2dWeightGrad(x, g)⟩ on the fast kernels, in float64. */
    @Property(tries = 150)
    void adjointIdentities(@ForAll("small") Case c) {
        Case d = new Case(DType.FLOAT64, c.spec(), c.n(), c.cg(), c.og(), c.kh(), c.kw(), c.h(), c.w(), c.layouts(),
                c.seed());
        Sample x = d.sample(d.input(), 0);
        Sample w = d.sample(d.weight(), 1);
        Sample g = d.sample(d.output(), 2);
        double yg = dot(x.tensor().conv2d(w.tensor(), d.spec()), g.values());
        double xdx = dot(g.tensor().conv2dTranspose(w.tensor(), d.spec(), d.h(), d.w()), x.values());
        double wdw = dot(x.tensor().conv2dWeightGrad(g.tensor(), d.spec(), d.kh(), d.kw()), w.values());
        // each side is a sum of the same products x·w·g, each within γ_m of exact, m bounding every chain
        double scale = dot(oracle(() -> abs(x).conv2d(abs(w), d.spec())), abs(g.values()));
        int m = d.cg() * d.kh() * d.kw() + d.og() + 2 * d.kh() * d.kw() + 2 * TensorSamples.numel(d.output())
                + TensorSamples.numel(d.input()) + TensorSamples.numel(d.weight());
        double tol = 2 * gamma(m, U64) * scale;
        assertTrue(Math.abs(yg - xdx) <= tol, () -> "⟨y, g⟩ = " + yg + ", ⟨x, dx⟩ = " + xdx + ", tolerance " + tol + ": " + d);
        assertTrue(Math.abs(yg - wdw) <= tol, () -> "⟨y, g⟩ = " + yg + ", ⟨w, dw⟩ = " + wdw + ", tolerance " + tol + ": " + d);
    }

    /** A sized-0 batch or output channel count gives an empty or zero result, not an error. */
    @Example
    void emptyBatchAndChannels() {
        for (DType dtype : DType.values()) {
            Tensor x = Tensor.zeros(dtype, 0, 2, 5, 5);
            Tensor w = Tensor.ones(dtype, 3, 2, 3, 3);
            assertArrayEquals(new int[] {0, 3, 3, 3}, x.conv2d(w, Conv2dSpec.DEFAULT).shape());
            Tensor dw = x.conv2dWeightGrad(Tensor.zeros(dtype, 0, 3, 3, 3), Conv2dSpec.DEFAULT, 3, 3);
            assertArrayEquals(new double[3 * 2 * 9], dw.toDoubleArray());
            Tensor none = Tensor.ones(dtype, 1, 2, 5, 5).conv2d(Tensor.ones(dtype, 0, 2, 3, 3), Conv2dSpec.DEFAULT);
            assertArrayEquals(new int[] {1, 0, 3, 3}, none.shape());
            Tensor dx = Tensor.zeros(dtype, 1, 0, 3, 3).conv2dTranspose(Tensor.ones(dtype, 0, 2, 3, 3),
                    Conv2dSpec.DEFAULT, 5, 5);
            assertArrayEquals(new double[2 * 25], dx.toDoubleArray());
        }
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<Case> small() {
        return cases(Arbitraries.integers().between(1, 5), Arbitraries.integers().between(1, 12));
    }

    @Provide
    Arbitrary<Case> sameWidth() {
        return small().map(c -> {
            int kw = c.kw() | 1;
            Conv2dSpec s = c.spec();
            Conv2dSpec same = new Conv2dSpec(1, 1, s.padH(), s.dilationW() * (kw - 1) / 2, s.dilationH(), s.dilationW(),
                    s.groups());
            return fitted(c.dtype(), same, c.n(), c.cg(), c.og(), c.kh(), kw, c.h(), c.w(), c.layouts(), c.seed());
        });
    }

    @Provide
    Arbitrary<Case> large() {
        Arbitrary<int[]> manySmall = Combinators.combine(Arbitraries.integers().between(18, 40),
                Arbitraries.integers().between(7, 12), Arbitraries.integers().between(7, 12)).as((n, h, w) -> new int[] {n, h, w});
        Arbitrary<int[]> fewLarge = Combinators.combine(Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(44, 64), Arbitraries.integers().between(44, 64)).as((n, h, w) -> new int[] {n, h, w});
        Arbitrary<Conv2dSpec> specs = Combinators.combine(Arbitraries.integers().between(1, 2),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 3))
                .as((dilation, pad, groups) -> new Conv2dSpec(1, 1, pad, pad, dilation, dilation, groups));
        return Combinators.combine(Arbitraries.of(DType.class), specs, Arbitraries.oneOf(manySmall, fewLarge),
                Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 6),
                Arbitraries.of(1, 3), layouts(), Arbitraries.longs())
                .as((dtype, spec, nhw, cg, og, k, layouts, seed) -> fitted(dtype, spec, nhw[0], cg, og, k, k, nhw[1],
                        nhw[2], layouts, seed));
    }

    private static Arbitrary<Case> cases(Arbitrary<Integer> batch, Arbitrary<Integer> side) {
        Arbitrary<Conv2dSpec> specs = Combinators.combine(Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(1, 3), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 2),
                Arbitraries.integers().between(1, 2), Arbitraries.integers().between(1, 3)).as(Conv2dSpec::new);
        Arbitrary<int[]> channels = Combinators.combine(batch, Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1, 4)).as((n, cg, og) -> new int[] {n, cg, og});
        Arbitrary<int[]> kernel = Arbitraries.integers().between(1, 5).array(int[].class).ofSize(2);
        Arbitrary<int[]> image = side.array(int[].class).ofSize(2);
        return Combinators.combine(Arbitraries.of(DType.class), specs, channels, kernel, image, layouts(),
                Arbitraries.longs()).as((dtype, spec, ch, k, hw, layouts, seed) -> fitted(dtype, spec, ch[0], ch[1],
                ch[2], k[0], k[1], hw[0], hw[1], layouts, seed));
    }

    private static Arbitrary<Layout[]> layouts() {
        return Arbitraries.of(Layout.class).array(Layout[].class).ofSize(3);
    }

    /** The case with the image grown, where needed, until the kernel fits inside the padded input. */
    private static Case fitted(DType dtype, Conv2dSpec spec, int n, int cg, int og, int kh, int kw, int h, int w,
                               Layout[] layouts, long seed) {
        int hMin = spec.dilationH() * (kh - 1) + 1 - 2 * spec.padH();
        int wMin = spec.dilationW() * (kw - 1) + 1 - 2 * spec.padW();
        return new Case(dtype, spec, n, cg, og, kh, kw, Math.max(h, hMin), Math.max(w, wMin), layouts, seed);
    }

    // ------------------------------------------------------------------ checks

    /** All three ops on the fast kernels against the direct loops, each within its bound. */
    private static void checkAll(Case c) {
        Sample x = c.sample(c.input(), 0);
        Sample w = c.sample(c.weight(), 1);
        Sample g = c.sample(c.output(), 2);
        Conv2dSpec spec = c.spec();
        check("conv2d", c, c.cg() * c.kh() * c.kw(),
                () -> x.tensor().conv2d(w.tensor(), spec),
                () -> abs(x).conv2d(abs(w), spec));
        check("conv2dTranspose", c, c.og() + c.kh() * c.kw(),
                () -> g.tensor().conv2dTranspose(w.tensor(), spec, c.h(), c.w()),
                () -> abs(g).conv2dTranspose(abs(w), spec, c.h(), c.w()));
        check("conv2dWeightGrad", c, 2 * TensorSamples.numel(c.output()) / Math.max(1, c.output()[1]),
                () -> x.tensor().conv2dWeightGrad(g.tensor(), spec, c.kh(), c.kw()),
                () -> abs(x).conv2dWeightGrad(abs(g), spec, c.kh(), c.kw()));
    }

    /** {@code op} on the fast kernels against the direct loops, within {@code γ_k·S}, S from {@code magnitudes}. */
    private static void check(String op, Case c, int k, Supplier<Tensor> fast, Supplier<Tensor> magnitudes) {
        Tensor result = fast.get();
        Tensor reference = oracle(fast);
        assertArrayEquals(reference.shape(), result.shape(), op);
        double[] out = result.toDoubleArray();
        double[] ref = reference.toDoubleArray();
        double[] s = oracle(magnitudes).toDoubleArray();
        double gamma = c.dtype() == DType.FLOAT32 ? gamma(k, U32) + U32 + gamma(k, U64) : 2 * gamma(k + 1, U64);
        for (int i = 0; i < out.length; i++) {
            if (!(Math.abs(out[i] - ref[i]) <= gamma * s[i])) {
                fail(op + "[" + i + "] = " + out[i] + ", direct " + ref[i] + ", bound " + gamma * s[i] + ": " + c);
            }
        }
    }

    private static Tensor oracle(Supplier<Tensor> op) {
        return CpuBackend.withScalarKernels(op);
    }

    /** The absolute values of a sample, contiguous float64: operands of the error bound's S. */
    private static Tensor abs(Sample s) {
        return TensorSamples.of(DType.FLOAT64, abs(s.values()), s.shape());
    }

    private static double[] abs(double[] v) {
        double[] a = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            a[i] = Math.abs(v[i]);
        }
        return a;
    }

    private static double dot(Tensor t, double[] v) {
        double[] a = t.toDoubleArray();
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * v[i];
        }
        return s;
    }

    /** γ_k = k·u / (1 − k·u). */
    private static double gamma(int k, double u) {
        return k * u / (1 - k * u);
    }
}
