package joule.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;
import joule.tensor.Conv2dSpec;
import joule.tensor.BinaryOp;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.ReduceOp;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import joule.tensor.UnaryOp;
import joule.tensor.cpu.CpuBackend;
import joule.tensor.random.Distribution;
import joule.tensor.random.PhiloxSampler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA backend, end to end, on an {@link EmulatedGpu}: the real kernels run on the host, every new buffer
 * poisoned with NaN, and give the CPU backend's results: bit for bit where the CPU's result is exactly
 * rounded or order-free (arithmetic, comparisons, conversions, max and min, argmax, uniform and Rademacher numbers,
 * the Langevin move) or summed in the CPU's order (convolutions and their transposes), within a few ulps where a
 * libm enters (the host's stands in for CUDA's here), within the rounding bound of a sum for sums, matmul and
 * weight gradients (TF32's looser, for inputs rounded to 10-bit mantissas). What the emulation cannot show: CUDA's
 * own libm, the tensor cores' own rounding and ordering, timing. Needs g++; skipped without it.
 */
class EmulatedGpuTest {
    private static EmulatedGpu gpu;
    private static CudaBackend cuda;

    @BeforeAll
    static void start(@TempDir Path dir) throws IOException, InterruptedException {
        Optional<Path> compiler = EmulatedGpu.compiler();
        assumeTrue(compiler.isPresent(), "g++ is not on PATH");
        gpu = EmulatedGpu.start(compiler.get(), dir);
        cuda = new CudaBackend(gpu, true, false);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (gpu != null) {
            gpu.stop();
        }
    }

    /** The same view as {@code cpu} over a GPU copy of its whole storage. */
    private static Tensor onGpu(Tensor cpu) {
        Tensor storage = cuda.transferFrom(Tensor.contiguousView(cpu.storage(), new int[] {cpu.storage().size()}));
        return Tensor.view(storage.storage(), cpu.shape(), cpu.strides(), cpu.offset());
    }

    private static double[] back(Tensor gpuTensor) {
        return cuda.toDoubleArray(gpuTensor);
    }

    /** Element i (row-major over {@code shape}) of {@code x} broadcast to {@code shape}. */
    private static double at(Tensor x, int[] shape, int i) {
        return x.expand(shape).get(Shapes.unravel(i, shape));
    }

    private static double round(DType dtype, double v) {
        return dtype == DType.FLOAT32 ? (float) v : v;
    }

    private static double ulp(DType dtype, double v) {
        return dtype == DType.FLOAT32 ? Math.ulp((float) v) : Math.ulp(v);
    }

    private static void assertSameBits(double want, double got, String what) {
        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got), what + ": want " + want + ", got " + got);
    }

    private static void assertSameBits(double[] want, double[] got, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            assertSameBits(want[i], got[i], what + " element " + i);
        }
    }

    private static void assertClose(double want, double got, double tolerance, String what) {
        if (Double.isNaN(want) || Double.isInfinite(want)) {
            assertSameBits(want, got, what);
        } else {
            assertTrue(Math.abs(got - want) <= tolerance, what + ": want " + want + ", got " + got + " (tolerance "
                    + tolerance + ")");
        }
    }

    private static final double[] SPECIAL = {0.0, -0.0, 1, -1, 0.5, -0.5, 2, -2, 1e-300, -1e-300, 1e-8, -1e-5, 700,
        -700, 710, -745, 1e10, -1e10, 1e300, -1e300, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
        Math.PI, Math.PI / 2, Math.PI / 4, 100, -100, 20, -20, 1e22, 6381956970095103.0 * 0x1p797, 2.4, -2.4, 37,
        -37, 1e6, 0.1, -0.1, 5e-324, 3, 1.0 / 3};

    /** A [6, 7] tensor of {@code values} (cycled), seen transposed as [7, 6]: a strided view. */
    private static Tensor transposed(DType dtype, double[] values) {
        double[] data = new double[42];
        for (int i = 0; i < data.length; i++) {
            data[i] = values[i % values.length];
        }
        return Tensor.of(dtype, data, 6, 7).mT();
    }

    private static boolean exactlyRounded(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, SIGN, SQUARE, RECIPROCAL, SQRT, RSQRT, RELU -> true;
            default -> false;
        };
    }

    /** How far a kernel's value may be from the CPU's: 0 for exactly rounded ops, a few ulps where libm enters. */
    private static double tolerance(UnaryOp op, DType dtype, double x, double want) {
        if (exactlyRounded(op)) {
            return 0;
        }
        double ulps = 4 * ulp(dtype, want);
        // The SiLU derivatives cancel near their zeros; their error is relative to the terms, not the result.
        return op == UnaryOp.SILU_GRAD || op == UnaryOp.SILU_GRAD2 ? ulps + 4 * ulp(dtype, 1.0) * (1 + Math.abs(x))
                : ulps;
    }

    @Test
    void unaryOpsComputeTheCpuReference() {
        for (DType dtype : DType.values()) {
            Tensor x = transposed(dtype, SPECIAL);
            Tensor gx = onGpu(x);
            int[] shape = x.shape();
            for (UnaryOp op : UnaryOp.values()) {
                if (op.domain() != null) {
                    // -2 comes before the first NaN (row-major), so the CPU throws, and so must the GPU.
                    String cpu = assertThrows(IllegalArgumentException.class, () -> CpuBackend.INSTANCE.unary(op, x))
                            .getMessage();
                    Tensor y = cuda.unary(op, gx);
                    assertTrue(assertThrows(IllegalArgumentException.class, () -> back(y)).getMessage()
                            .startsWith(cpu), op + " outside its domain");
                    continue;
                }
                double[] got = back(cuda.unary(op, gx));
                for (int i = 0; i < x.numel(); i++) {
                    double in = at(x, shape, i);
                    double want = round(dtype, op.apply(in));
                    assertClose(want, got[i], tolerance(op, dtype, in, want), dtype + " " + op.opName() + "(" + in + ")");
                }
            }
        }
    }

    @Test
    void opsWithADomainComputeTheCpuReferenceInside() {
        for (DType dtype : DType.values()) {
            Tensor x = transposed(dtype, new double[] {0.0, 1e-300, 0.5, 2, 1e10, Double.POSITIVE_INFINITY, 3});
            for (UnaryOp op : new UnaryOp[] {UnaryOp.SQRT, UnaryOp.RSQRT, UnaryOp.LOG, UnaryOp.LOG1P}) {
                double[] got = back(cuda.unary(op, onGpu(x)));
                for (int i = 0; i < x.numel(); i++) {
                    double in = at(x, x.shape(), i);
                    double want = round(dtype, op.apply(in));
                    assertClose(want, got[i], tolerance(op, dtype, in, want), dtype + " " + op.opName() + "(" + in + ")");
                }
            }
        }
    }

    @Test
    void binaryOpsComputeTheCpuReferenceOverBroadcastViews() {
        double[] bases = {0.0, -0.0, 1, -1, -8, 2.5, -2.5, 1e300, Double.NaN, Double.POSITIVE_INFINITY, -3, 7};
        double[] exponents = {2, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 3, -1, 1,
            1e-300, 4, -2};
        for (DType dtype : DType.values()) {
            Tensor a = Tensor.of(dtype, bases, 1, 12).expand(12, 12);
            Tensor b = Tensor.of(dtype, exponents, 12, 1).mT().mT();
            int[] shape = {12, 12};
            for (BinaryOp op : BinaryOp.values()) {
                double[] got = back(cuda.binary(op, onGpu(a), onGpu(b)));
                for (int i = 0; i < 144; i++) {
                    double va = at(a, shape, i);
                    double vb = at(b, shape, i);
                    double want = round(dtype, op.apply(va, vb));
                    String what = dtype + " " + va + " " + op.opName() + " " + vb;
                    assertClose(want, got[i], op == BinaryOp.POW ? 4 * ulp(dtype, want) : 0, what);
                }
            }
        }
    }

    @Test
    void fusedOpsRoundTheirIntermediateLikeTheUnfusedOps() {
        for (DType dtype : DType.values()) {
            Tensor a = transposed(dtype, new double[] {-3, -1.5, -0.25, 0, 0.75, 2, 4.5});
            Tensor b = Tensor.of(dtype, new double[] {0.3, -1.1, 2.2, -0.7, 1.9, -2.6}, 6);
            int[] shape = a.shape();
            double[] then = back(cuda.binaryThenUnary(BinaryOp.ADD, onGpu(a), onGpu(b), UnaryOp.SILU));
            double[] of = back(cuda.binaryOfUnary(BinaryOp.MUL, onGpu(a), UnaryOp.SILU_GRAD, onGpu(b)));
            for (int i = 0; i < 42; i++) {
                double va = at(a, shape, i);
                double vb = at(b, shape, i);
                double sum = round(dtype, va + vb);
                double wantThen = round(dtype, UnaryOp.SILU.apply(sum));
                assertClose(wantThen, then[i], tolerance(UnaryOp.SILU, dtype, sum, wantThen), "silu(a + b)");
                double grad = round(dtype, UnaryOp.SILU_GRAD.apply(vb));
                double wantOf = round(dtype, va * grad);
                assertClose(wantOf, of[i], Math.abs(va) * tolerance(UnaryOp.SILU_GRAD, dtype, vb, grad)
                        + ulp(dtype, wantOf), "a * siluGrad(b)");
            }
        }
    }

    @Test
    void langevinStepWhereFillAndCopiesAreTheCpusBitForBit() {
        for (DType dtype : DType.values()) {
            Tensor x = transposed(dtype, new double[] {0.1, -2.3, 4.7, 1e-3, -0.9, 3.3, 7.25});
            Tensor score = Tensor.of(dtype, SPECIAL, 7, 6);
            Tensor noise = transposed(dtype, new double[] {1.1, -0.4, 0.05, 2.2, -1.7});
            double step = 0.013;
            double scale = Math.sqrt(2 * step);
            assertSameBits(CpuBackend.INSTANCE.langevinStep(x, score, noise, step, scale).toDoubleArray(),
                    back(cuda.langevinStep(onGpu(x), onGpu(score), onGpu(noise), step, scale)), dtype + " langevin");

            Tensor cond = Tensor.of(dtype, new double[] {1, 0.0, -0.0, Double.NaN, -3, 0.0}, 6, 1).mT().expand(7, 6);
            Tensor other = Tensor.of(dtype, new double[] {-1}, 1);
            assertSameBits(CpuBackend.INSTANCE.where(cond, score, other).toDoubleArray(),
                    back(cuda.where(onGpu(cond), onGpu(score), onGpu(other))), dtype + " where");

            assertSameBits(round(dtype, 0.1), back(cuda.full(dtype, new int[] {3}, 0.1))[2], dtype + " full");

            for (DType to : DType.values()) {
                Tensor cpuDst = Tensor.full(to, -7, 7, 13);
                Tensor gpuDst = onGpu(cpuDst);
                CpuBackend.INSTANCE.copy(x, cpuDst.slice(1, 1, 13, 2));
                cuda.copy(onGpu(x), gpuDst.slice(1, 1, 13, 2));
                assertSameBits(cpuDst.toDoubleArray(), back(gpuDst), dtype + " → " + to + " copy");
            }
        }
    }

    @Test
    void randomNumbersFollowTheCpuMapping() {
        long seed = 0x9E37_79B9_7F4A_7C15L;
        long offset = (1L << 32) - 2;
        for (DType dtype : DType.values()) {
            for (Distribution d : Distribution.values()) {
                double[] want = Tensor.random(d, dtype, seed, offset, 5, 23).toDoubleArray();
                double[] got = back(cuda.random(d, dtype, new int[] {5, 23}, seed, offset));
                for (int i = 0; i < want.length; i++) {
                    String what = dtype + " " + d + " element " + i;
                    assertClose(want[i], got[i], d == Distribution.NORMAL ? 4 * ulp(dtype, want[i]) : 0, what);
                }
            }
        }
        assertEquals(4, PhiloxSampler.blocks(Distribution.UNIFORM, true, 7), "the offsets above cross 2^32");
    }

    /** {@code x} reduced over {@code axes} by the CUDA backend, compared with the CPU's (MAX, MIN) or the exact sum. */
    private static void checkReduction(Tensor x, int[] axes) {
        for (ReduceOp op : ReduceOp.values()) {
            Tensor got = cuda.reduce(op, onGpu(x), axes, true);
            Tensor want = CpuBackend.INSTANCE.reduce(op, x, axes, true);
            String what = x.dtype() + " " + op.opName() + " over " + java.util.Arrays.toString(axes) + " of "
                    + Shapes.format(x.shape());
            assertArrayEquals(want.shape(), got.shape(), what);
            double[] values = back(got);
            if (op != ReduceOp.SUM) {
                assertSameBits(want.toDoubleArray(), values, what);
                continue;
            }
            int[] keptShape = got.shape();
            int count = x.numel() / Math.max(1, got.numel());
            double[] cpu = want.toDoubleArray();
            for (int o = 0; o < got.numel(); o++) {
                BigDecimal exact = BigDecimal.ZERO;
                double magnitude = 0;
                boolean finite = true;
                int[] keptIndex = Shapes.unravel(o, keptShape);
                for (int e = 0; e < x.numel(); e++) {
                    int[] index = Shapes.unravel(e, x.shape());
                    boolean inRow = true;
                    for (int d = 0; d < index.length; d++) {
                        inRow &= keptShape[d] == 1 || index[d] == keptIndex[d];
                    }
                    double v = inRow ? x.get(index) : 0;
                    if (!Double.isFinite(v)) {
                        finite = false;
                    } else if (inRow) {
                        exact = exact.add(new BigDecimal(v));
                        magnitude += Math.abs(v);
                    }
                }
                if (!finite) {
                    assertSameBits(cpu[o], values[o], what + ", a row with infinities or NaN");
                    continue;
                }
                double w = exact.doubleValue();
                assertClose(round(x.dtype(), w), values[o], ulp(x.dtype(), w) + count * 0x1p-52 * magnitude, what);
            }
        }
    }

    @Test
    void reductionsOverAnyAxesOfAnyView() {
        RandomStream rng = new RandomStream(5);
        for (DType dtype : DType.values()) {
            Tensor x = rng.normal(dtype, 4, 5, 6);
            for (int[] axes : new int[][] {{0}, {1}, {2}, {0, 2}, {0, 1, 2}, {1, 2}}) {
                checkReduction(x, axes);
                checkReduction(x.permute(2, 0, 1), axes);
            }
            checkReduction(x.narrow(1, 1, 3).slice(2, 0, 6, 2), new int[] {0, 2});
            Tensor withSpecials = Tensor.of(dtype, SPECIAL, 6, 7);
            checkReduction(withSpecials, new int[] {1});
            checkReduction(withSpecials, new int[] {0});
            checkReduction(Tensor.of(dtype, new double[] {-0.0, 0.0, -0.0}, 3), new int[] {0});
            checkReduction(Tensor.scalar(2.5, dtype), new int[0]);
        }
    }

    @Test
    void longRowsAndLongColumnsAreReducedInChunks() {
        RandomStream rng = new RandomStream(6);
        Tensor rows = rng.normal(DType.FLOAT32, 3, 20_000);
        checkReduction(rows, new int[] {1});
        checkReduction(rows.mT(), new int[] {0});
        checkReduction(rng.uniform(DType.FLOAT64, 17_000, 2), new int[] {0});
    }

    @Test
    void reducingNothingGivesTheIdentity() {
        for (ReduceOp op : ReduceOp.values()) {
            Tensor empty = onGpu(Tensor.zeros(DType.FLOAT32, 0, 3));
            assertArrayEquals(new double[] {op.identity(), op.identity(), op.identity()},
                    back(cuda.reduce(op, empty, new int[] {0}, false)));
        }
    }

    @Test
    void argmaxIsTheCpusWithTiesNaNAndSignedZeros() {
        double[] values = {1, 3, 3, -1, 0.0, -0.0, 0.0, Double.NaN, 2, Double.NaN, 3, -5, Double.NEGATIVE_INFINITY,
            -0.0, 0.0, 7, 7, 1};
        for (DType dtype : DType.values()) {
            Tensor x = Tensor.of(dtype, values, 3, 6);
            for (Tensor v : new Tensor[] {x, x.mT(), x.slice(1, 1, 6, 2)}) {
                for (int axis = 0; axis < 2; axis++) {
                    for (boolean keepdim : new boolean[] {true, false}) {
                        Tensor want = CpuBackend.INSTANCE.argmax(v, axis, keepdim);
                        Tensor got = cuda.argmax(onGpu(v), axis, keepdim);
                        assertEquals(DType.FLOAT64, got.dtype());
                        assertArrayEquals(want.shape(), got.shape());
                        assertSameBits(want.toDoubleArray(), back(got), dtype + " argmax over " + axis);
                    }
                }
            }
            Tensor big = new RandomStream(8).normal(dtype, 2, 3000);
            assertSameBits(CpuBackend.INSTANCE.argmax(big, 1, false).toDoubleArray(),
                    back(cuda.argmax(onGpu(big), 1, false)), "argmax of long rows");
        }
    }

    /**
     * {@code backend}'s products compared with a double-precision reference, within the bound of a dot product's
     * rounding plus {@code inputRounding} (relative) for each of the two factors.
     */
    private static void checkMatmul(CudaBackend backend, Tensor a, Tensor b, double inputRounding) {
        Tensor got = backend.matmul(onGpu(a), onGpu(b));
        Tensor want = CpuBackend.INSTANCE.matmul(a.to(DType.FLOAT64), b.to(DType.FLOAT64));
        Tensor magnitude = CpuBackend.INSTANCE.matmul(a.to(DType.FLOAT64).abs(), b.to(DType.FLOAT64).abs());
        assertArrayEquals(want.shape(), got.shape());
        double[] g = back(got);
        double[] w = want.toDoubleArray();
        double[] m = magnitude.toDoubleArray();
        int k = a.shape()[a.rank() - 1];
        double eps = a.dtype() == DType.FLOAT32 ? 0x1p-24 : 0x1p-53;
        for (int i = 0; i < g.length; i++) {
            assertClose(w[i], g[i], (2 * inputRounding + 2 * (k + 1) * eps) * m[i] + ulp(a.dtype(), w[i]),
                    Shapes.format(a.shape()) + " @ " + Shapes.format(b.shape()) + " element " + i);
        }
    }

    /** Pairs of operands: sizes across tile edges, transposed and strided views, broadcast batches. */
    private static Tensor[][] products(DType dtype) {
        RandomStream rng = new RandomStream(9);
        return new Tensor[][] {
            {rng.normal(dtype, 70, 50), rng.normal(dtype, 50, 90)},
            {rng.normal(dtype, 131, 9), rng.normal(dtype, 9, 67)},
            {rng.normal(dtype, 33, 17).mT(), rng.normal(dtype, 5, 33).mT()},
            {rng.normal(dtype, 3, 17, 33), rng.normal(dtype, 33, 5)},
            {rng.normal(dtype, 2, 1, 4, 5), rng.normal(dtype, 3, 5, 6)},
            {rng.normal(dtype, 1, 300), rng.normal(dtype, 300, 1)},
            {rng.normal(dtype, 6, 10).narrow(1, 2, 7), rng.normal(dtype, 7, 12).slice(1, 0, 12, 3)}};
    }

    @Test
    void matmulOfAnySizeLayoutAndBatch() {
        for (DType dtype : DType.values()) {
            for (Tensor[] ab : products(dtype)) {
                checkMatmul(cuda, ab[0], ab[1], 0);
            }
            assertArrayEquals(new double[6], back(cuda.matmul(onGpu(Tensor.zeros(dtype, 2, 0)),
                    onGpu(Tensor.zeros(dtype, 0, 3)))), "a product over k = 0 is zeros");
        }
    }

    @Test
    void tf32MatmulIsWithinTheRoundingOfItsInputs() {
        CudaBackend tf32 = new CudaBackend(gpu, true, true);
        for (Tensor[] ab : products(DType.FLOAT32)) {
            checkMatmul(tf32, ab[0], ab[1], 0x1p-11);
        }
    }

    /** A convolution of an {@code [n, c, h, w]} input with an {@code [o, c/groups, kh, kw]} weight. */
    private record Conv(int n, int c, int h, int w, int o, int kh, int kw, Conv2dSpec spec) {
        int ho() {
            return spec.outHeight(h, kh);
        }

        int wo() {
            return spec.outWidth(w, kw);
        }

        @Override
        public String toString() {
            return "input [" + n + ", " + c + ", " + h + ", " + w + "], weight [" + o + ", " + c / spec.groups() + ", "
                    + kh + ", " + kw + "], " + spec;
        }
    }

    /** Random sizes and geometry (strides, paddings and dilations up to 3, up to 3 groups) whose output is not empty. */
    private static Conv randomConv(SplittableRandom r) {
        for (;;) {
            int groups = 1 + r.nextInt(3);
            Conv2dSpec spec = new Conv2dSpec(1 + r.nextInt(3), 1 + r.nextInt(3), r.nextInt(4), r.nextInt(4),
                    1 + r.nextInt(3), 1 + r.nextInt(3), groups);
            Conv conv = new Conv(1 + r.nextInt(3), groups * r.nextInt(4), 1 + r.nextInt(9), 1 + r.nextInt(9),
                    groups * (1 + r.nextInt(3)), 1 + r.nextInt(4), 1 + r.nextInt(4), spec);
            if (conv.ho() >= 1 && conv.wo() >= 1) {
                return conv;
            }
        }
    }

    /**
     * Geometries at the edges: size-1 and empty images, no channels, kernels wider than the input, strides past the
     * kernel, strides and dilations with common factors, depthwise groups, rows long enough for two chunks of the
     * weight gradient, positions i·stride − pad past 2^31.
     */
    private static final Conv[] EDGE_CONVS = {
        new Conv(1, 1, 1, 1, 1, 1, 1, Conv2dSpec.DEFAULT),
        new Conv(2, 2, 1, 1, 3, 3, 3, Conv2dSpec.of(2, 2)),
        new Conv(1, 3, 2, 3, 2, 5, 4, new Conv2dSpec(1, 1, 2, 1, 1, 1, 1)),
        new Conv(2, 2, 9, 8, 2, 2, 2, new Conv2dSpec(3, 3, 1, 0, 2, 2, 1)),
        new Conv(1, 2, 23, 19, 4, 5, 4, new Conv2dSpec(4, 6, 3, 5, 6, 4, 2)),
        new Conv(2, 4, 5, 6, 8, 3, 3, new Conv2dSpec(1, 2, 1, 1, 1, 1, 4)),
        new Conv(2, 2, 0, 3, 3, 1, 2, new Conv2dSpec(1, 1, 1, 0, 1, 1, 1)),
        new Conv(2, 0, 3, 3, 2, 2, 2, Conv2dSpec.DEFAULT),
        new Conv(0, 2, 4, 4, 2, 3, 3, Conv2dSpec.of(1, 1)),
        new Conv(2, 6, 7, 1, 3, 3, 1, new Conv2dSpec(2, 1, 0, 0, 3, 1, 3)),
        new Conv(3, 2, 64, 64, 2, 3, 3, Conv2dSpec.of(1, 1)),
        new Conv(1, 1, 1, 2, 1, 1, 1, new Conv2dSpec(1 << 30, 1, 1 << 30, 0, 1, 1, 1)),
    };

    /** A fresh random tensor of {@code shape}, contiguous but at an offset into a larger storage. */
    private static Tensor atOffset(RandomStream rng, DType dtype, int... shape) {
        int[] longer = shape.clone();
        longer[0]++;
        return rng.normal(dtype, longer).narrow(0, 1, shape[0]);
    }

    /**
     * The three convolution kernels against the CPU's direct loops, each with operands at offsets: the forward and
     * transposed convolutions add the same products in the same order in double, so they give the CPU's bits; the
     * weight gradient adds in lanes and chunks, within the rounding of its sums of {@code n·ho·wo} products.
     */
    private static void checkConv(Conv conv, DType dtype, RandomStream rng) {
        Conv2dSpec spec = conv.spec();
        Tensor x = atOffset(rng, dtype, conv.n(), conv.c(), conv.h(), conv.w());
        Tensor w = atOffset(rng, dtype, conv.o(), conv.c() / spec.groups(), conv.kh(), conv.kw());
        Tensor g = atOffset(rng, dtype, conv.n(), conv.o(), conv.ho(), conv.wo());
        String what = dtype + " " + conv;

        Tensor y = CpuBackend.withScalarKernels(() -> x.conv2d(w, spec));
        Tensor gotY = cuda.conv2d(onGpu(x), onGpu(w), spec);
        assertArrayEquals(y.shape(), gotY.shape(), what);
        assertSameBits(y.toDoubleArray(), back(gotY), "conv2d, " + what);

        Tensor dx = CpuBackend.withScalarKernels(() -> g.conv2dTranspose(w, spec, conv.h(), conv.w()));
        Tensor gotDx = cuda.conv2dTranspose(onGpu(g), onGpu(w), spec, conv.h(), conv.w());
        assertArrayEquals(dx.shape(), gotDx.shape(), what);
        assertSameBits(dx.toDoubleArray(), back(gotDx), "conv2dTranspose, " + what);

        Tensor dw = CpuBackend.withScalarKernels(() -> x.conv2dWeightGrad(g, spec, conv.kh(), conv.kw()));
        Tensor magnitude = x.to(DType.FLOAT64).abs().conv2dWeightGrad(g.to(DType.FLOAT64).abs(), spec, conv.kh(),
                conv.kw());
        Tensor gotDw = cuda.conv2dWeightGrad(onGpu(x), onGpu(g), spec, conv.kh(), conv.kw());
        assertArrayEquals(dw.shape(), gotDw.shape(), what);
        double[] got = back(gotDw);
        double[] want = dw.toDoubleArray();
        double[] m = magnitude.toDoubleArray();
        int terms = conv.n() * conv.ho() * conv.wo();
        for (int i = 0; i < got.length; i++) {
            assertClose(want[i], got[i], ulp(dtype, want[i]) + 2 * terms * 0x1p-53 * m[i],
                    "conv2dWeightGrad, " + what + " element " + i);
        }
    }

    @Test
    void convolutionsAndTheirAdjointsMatchTheCpuOnRandomGeometries() {
        SplittableRandom r = new SplittableRandom(10);
        RandomStream rng = new RandomStream(11);
        for (DType dtype : DType.values()) {
            for (int trial = 0; trial < 60; trial++) {
                checkConv(randomConv(r), dtype, rng);
            }
        }
    }

    @Test
    void convolutionsAndTheirAdjointsMatchTheCpuAtTheEdges() {
        RandomStream rng = new RandomStream(12);
        for (DType dtype : DType.values()) {
            for (Conv conv : EDGE_CONVS) {
                checkConv(conv, dtype, rng);
            }
        }
    }

    @Test
    void domainErrorsAreThrownAtTheNextReadWithTheCpusMessage() {
        Tensor x = Tensor.of(new double[] {1, 2, -2, Double.NaN, -3}, 5);
        String cpu = assertThrows(IllegalArgumentException.class, x::log).getMessage();
        Tensor y = cuda.unary(UnaryOp.LOG, onGpu(x));
        Tensor unrelated = cuda.full(DType.FLOAT32, new int[] {2}, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> back(unrelated));
        assertEquals(cpu + " (found on the GPU, reported at the next read to the host)", e.getMessage());
        assertEquals(5, back(y).length, "reported once: the next read succeeds");

        Tensor nanFirst = Tensor.of(new double[] {1, Double.NaN, 4, -2}, 4);
        back(cuda.unary(UnaryOp.LOG, onGpu(nanFirst)));  // the CPU reports nothing when the first NaN comes from a NaN

        Tensor a = Tensor.of(DType.FLOAT32, new double[] {1, 0, 3, 0}, 2, 2);
        Tensor b = Tensor.of(DType.FLOAT32, new double[] {1, 0}, 2);
        String cpuDiv = assertThrows(IllegalArgumentException.class, () -> a.div(b)).getMessage();
        cuda.binary(BinaryOp.DIV, onGpu(a), onGpu(b));
        IllegalArgumentException div = assertThrows(IllegalArgumentException.class, cuda::synchronize);
        assertTrue(div.getMessage().startsWith(cpuDiv), div.getMessage());
    }

    @Test
    void theCacheCanBeEmptiedBetweenOps() {
        Tensor x = onGpu(Tensor.of(new double[] {1, 2, 3}, 3));
        cuda.emptyCache();
        assertArrayEquals(new double[] {2, 4, 6}, back(cuda.binary(BinaryOp.ADD, x, x)));
    }
}
