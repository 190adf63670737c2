package joule.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.StringJoiner;
import joule.tensor.BinaryOp;
import joule.tensor.DType;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import joule.tensor.UnaryOp;
import joule.tensor.cpu.CpuBackend;
import joule.tensor.cpu.CpuStorage;
import joule.tensor.random.Distribution;
import joule.tensor.random.PhiloxSampler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The elementwise and random kernels' own source (layout, ops, trig, domain errors, elementwise, Philox), compiled
 * for the host by g++ against a one-thread stand-in for CUDA's built-ins (src/test/cuda) and run as a grid of three
 * blocks one after the other, computes what the CPU backend computes: bit for bit where the CPU's result is exactly
 * rounded (arithmetic, comparisons, conversions, uniform and Rademacher numbers, the Langevin move), within a few
 * ulps where a libm is involved (the host's stands in for CUDA's here). Needs g++; skipped without it. Reductions
 * and matmul synchronise threads of a block and cannot run this way; they are checked on a GPU only.
 */
class KernelsOnHostTest {
    private static Process harness;
    private static PrintWriter requests;
    private static BufferedReader replies;

    @BeforeAll
    static void compileHarness(@TempDir Path dir) throws IOException, InterruptedException {
        Optional<Path> compiler = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(s -> !s.isEmpty()).map(s -> Path.of(s, "g++")).filter(Files::isExecutable).findFirst();
        assumeTrue(compiler.isPresent(), "g++ is not on PATH");
        Path binary = dir.resolve("host_harness");
        Process build = new ProcessBuilder(compiler.get().toString(), "-std=c++17", "-O1", "-ffp-contract=off",
                "-Wno-unknown-pragmas", "-o", binary.toString(),
                ModuleFiles.root().resolve("src/test/cuda/host_harness.cpp").toString())
                .redirectErrorStream(true).start();
        String log = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, build.waitFor(), "g++ failed:\n" + log);
        harness = new ProcessBuilder(binary.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        requests = new PrintWriter(harness.getOutputStream(), true, StandardCharsets.US_ASCII);
        replies = new BufferedReader(new InputStreamReader(harness.getInputStream(), StandardCharsets.US_ASCII));
    }

    @AfterAll
    static void stopHarness() throws InterruptedException {
        if (harness != null) {
            requests.close();
            harness.waitFor();
        }
    }

    /** The reply to one request: the output values and, for checked ops, the error record. */
    private record Reply(double[] values, int descriptor, int index, double input0, double input1) {
        static Reply parse(String line) {
            String[] parts = line.split(" \\| ");
            double[] values = parts[0].isBlank() ? new double[0]
                    : Arrays.stream(parts[0].trim().split(" ")).mapToDouble(KernelsOnHostTest::value).toArray();
            if (parts.length == 1) {
                return new Reply(values, -1, 0, 0, 0);
            }
            String[] r = parts[1].trim().split(" ");
            return new Reply(values, Integer.parseInt(r[0]), Integer.parseInt(r[1]), value(r[2]), value(r[3]));
        }
    }

    private static double value(String hex) {
        return Double.longBitsToDouble(Long.parseUnsignedLong(hex, 16));
    }

    private static Reply ask(Object... tokens) throws IOException {
        StringJoiner line = new StringJoiner(" ");
        for (Object t : tokens) {
            line.add(switch (t) {
                case Double d -> Long.toHexString(Double.doubleToRawLongBits(d));
                case Tensor x -> buffer(x);
                case int[] words -> Arrays.stream(words).mapToObj(Integer::toString).reduce((a, b) -> a + " " + b)
                        .orElseThrow();
                default -> t.toString();
            });
        }
        requests.println(line);
        String reply = replies.readLine();
        assertTrue(reply != null, "the harness stopped");
        return Reply.parse(reply);
    }

    /** A tensor's whole storage as a buffer of the request: its length, then its values. */
    private static String buffer(Tensor x) {
        double[] storage = x.dtype() == DType.FLOAT32
                ? toDoubles(((CpuStorage) x.storage()).floats()) : ((CpuStorage) x.storage()).doubles();
        StringJoiner s = new StringJoiner(" ");
        s.add(Integer.toString(storage.length));
        for (double v : storage) {
            s.add(Long.toHexString(Double.doubleToRawLongBits(v)));
        }
        return s.toString();
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static String code(DType dtype) {
        return dtype == DType.FLOAT32 ? "f32" : "f64";
    }

    /** The layout the backend would pass for these operands broadcast to {@code shape}. */
    private static int[] layout(int[] shape, Tensor... operands) {
        int[] offsets = new int[operands.length];
        int[][] strides = new int[operands.length][];
        for (int k = 0; k < operands.length; k++) {
            offsets[k] = operands[k].offset();
            strides[k] = Shapes.broadcastStrides(operands[k].shape(), operands[k].strides(), shape);
        }
        return Layouts.of("test", shape, offsets, strides);
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
    void unaryOpsComputeTheCpuReference() throws IOException {
        for (DType dtype : DType.values()) {
            Tensor x = transposed(dtype, SPECIAL);
            int[] shape = x.shape();
            for (UnaryOp op : UnaryOp.values()) {
                Reply r = ask("unary", code(dtype), op.ordinal(), -1, layout(shape, x), x.numel(), x);
                for (int i = 0; i < x.numel(); i++) {
                    double in = at(x, shape, i);
                    double want = round(dtype, op.apply(in));
                    String what = dtype + " " + op.opName() + "(" + in + ")";
                    if (exactlyRounded(op)) {
                        assertSameBits(want, r.values()[i], what);
                    } else {
                        assertClose(want, r.values()[i], tolerance(op, dtype, in, want), what);
                    }
                }
            }
        }
    }

    @Test
    void binaryOpsComputeTheCpuReference() throws IOException {
        double[] bases = {0.0, -0.0, 1, -1, -8, 2.5, -2.5, 1e300, Double.NaN, Double.POSITIVE_INFINITY, -3, 7};
        double[] exponents = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 0.5, 1.0 / 3,
            2, 3, -1, 1, -2.5};
        for (DType dtype : DType.values()) {
            Tensor a = Tensor.of(dtype, bases, 1, 12).expand(12, 12);
            Tensor b = Tensor.of(dtype, exponents, 12, 1).mT().mT();
            int[] shape = {12, 12};
            for (BinaryOp op : BinaryOp.values()) {
                Reply r = ask("binary", code(dtype), op.ordinal(), -1, layout(shape, a, b), 144, a, b);
                for (int i = 0; i < 144; i++) {
                    double va = at(a, shape, i);
                    double vb = at(b, shape, i);
                    double want = round(dtype, op.apply(va, vb));
                    String what = dtype + " " + va + " " + op.opName() + " " + vb;
                    if (op == BinaryOp.POW) {
                        assertClose(want, r.values()[i], 4 * ulp(dtype, want), what);
                    } else {
                        assertSameBits(want, r.values()[i], what);
                    }
                }
            }
        }
    }

    @Test
    void fusedOpsRoundTheirIntermediateLikeTheUnfusedOps() throws IOException {
        for (DType dtype : DType.values()) {
            Tensor a = transposed(dtype, new double[] {-3, -1.5, -0.25, 0, 0.75, 2, 4.5});
            Tensor b = Tensor.of(dtype, new double[] {0.3, -1.1, 2.2, -0.7, 1.9, -2.6}, 6);
            int[] shape = a.shape();
            Reply then = ask("then", code(dtype), BinaryOp.ADD.ordinal(), UnaryOp.SILU.ordinal(), layout(shape, a, b),
                    42, a, b);
            Reply of = ask("of", code(dtype), BinaryOp.MUL.ordinal(), UnaryOp.SILU_GRAD.ordinal(),
                    layout(shape, a, b), 42, a, b);
            for (int i = 0; i < 42; i++) {
                double va = at(a, shape, i);
                double vb = at(b, shape, i);
                double sum = round(dtype, va + vb);
                double wantThen = round(dtype, UnaryOp.SILU.apply(sum));
                assertClose(wantThen, then.values()[i], tolerance(UnaryOp.SILU, dtype, sum, wantThen), "silu(a + b)");
                double grad = round(dtype, UnaryOp.SILU_GRAD.apply(vb));
                double wantOf = round(dtype, va * grad);
                assertClose(wantOf, of.values()[i], Math.abs(va) * tolerance(UnaryOp.SILU_GRAD, dtype, vb, grad)
                        + ulp(dtype, wantOf), "a * siluGrad(b)");
            }
        }
    }

    @Test
    void langevinStepIsTheCpusBitForBit() throws IOException {
        for (DType dtype : DType.values()) {
            Tensor x = transposed(dtype, new double[] {0.1, -2.3, 4.7, 1e-3, -0.9, 3.3, 7.25});
            Tensor score = Tensor.of(dtype, SPECIAL, 7, 6);
            Tensor noise = transposed(dtype, new double[] {1.1, -0.4, 0.05, 2.2, -1.7});
            double step = 0.013;
            double scale = Math.sqrt(2 * 0.013);
            double[] want = CpuBackend.INSTANCE.langevinStep(x, score, noise, step, scale).toDoubleArray();
            Reply r = ask("langevin", code(dtype), layout(x.shape(), x, score, noise), 42, step, scale, x, score, noise);
            for (int i = 0; i < 42; i++) {
                assertSameBits(want[i], r.values()[i], dtype + " langevin element " + i);
            }
        }
    }

    @Test
    void whereTakesNaNAsTrueAndMinusZeroAsFalse() throws IOException {
        for (DType dtype : DType.values()) {
            Tensor cond = Tensor.of(dtype, new double[] {1, 0.0, -0.0, Double.NaN, -3, 0.0}, 6, 1);
            Tensor a = transposed(dtype, SPECIAL);
            Tensor b = Tensor.of(dtype, new double[] {-1}, 1);
            int[] shape = {7, 6};
            Tensor c = cond.mT().expand(shape);
            double[] want = CpuBackend.INSTANCE.where(c, a, b).toDoubleArray();
            Reply r = ask("where", code(dtype), layout(shape, c, a, b), 42, c, a, b);
            for (int i = 0; i < 42; i++) {
                assertSameBits(want[i], r.values()[i], dtype + " where element " + i);
            }
        }
    }

    @Test
    void fillRoundsToTheDtype() throws IOException {
        assertSameBits((float) 0.1, ask("fill", "f32", 5, 0.1).values()[4], "float32 fill");
        assertSameBits(0.1, ask("fill", "f64", 5, 0.1).values()[4], "float64 fill");
    }

    @Test
    void copiesConvertIntoStridedViewsLikeTheCpu() throws IOException {
        for (DType from : DType.values()) {
            for (DType to : DType.values()) {
                Tensor src = transposed(from, SPECIAL);
                Tensor cpuDst = Tensor.full(to, -7, 7, 13);
                Tensor gpuDst = Tensor.full(to, -7, 7, 13);
                Tensor view = cpuDst.slice(1, 1, 13, 2);
                CpuBackend.INSTANCE.copy(src, view);
                Reply r = ask("copy", code(from), code(to), layout(view.shape(), src, view), 42, src, gpuDst);
                double[] want = cpuDst.toDoubleArray();
                for (int i = 0; i < want.length; i++) {
                    assertSameBits(want[i], r.values()[i], from + " → " + to + " element " + i);
                }
            }
        }
    }

    @Test
    void philoxNumbersFollowTheCpuMapping() throws IOException {
        long seed = 0x9E37_79B9_7F4A_7C15L;
        long offset = (1L << 32) - 2;
        int n = 23;
        for (DType dtype : DType.values()) {
            for (Distribution d : Distribution.values()) {
                int perBlock = d == Distribution.RADEMACHER || dtype == DType.FLOAT32 ? 4 : 2;
                double[] want = new double[n];
                if (dtype == DType.FLOAT32) {
                    float[] f = new float[n];
                    PhiloxSampler.fill(d, seed, offset, 0, f, 0, n);
                    want = toDoubles(f);
                } else {
                    PhiloxSampler.fill(d, seed, offset, 0, want, 0, n);
                }
                Reply r = ask("random", code(dtype), d.ordinal(), n, perBlock, Long.toUnsignedString(seed), offset);
                for (int i = 0; i < n; i++) {
                    String what = dtype + " " + d + " element " + i;
                    if (d == Distribution.NORMAL) {
                        assertClose(want[i], r.values()[i], 4 * ulp(dtype, want[i]), what);
                    } else {
                        assertSameBits(want[i], r.values()[i], what);
                    }
                }
            }
        }
    }

    @Test
    void domainErrorsAreRecordedAsTheCpuWouldThrowThem() throws IOException {
        int log = UnaryOp.LOG.ordinal();
        Tensor bad = Tensor.of(new double[] {1, 2, -2, Double.NaN, -3}, 5);
        Reply r = ask("unary", "f64", log, 7, layout(bad.shape(), bad), 5, bad);
        assertEquals(7, r.descriptor());
        assertEquals(2, r.index());
        assertEquals(-2.0, r.input0());

        Tensor nanFirst = Tensor.of(new double[] {1, Double.NaN, 4, -2, 5}, 5);
        assertEquals(-1, ask("unary", "f64", log, 7, layout(nanFirst.shape(), nanFirst), 5, nanFirst).descriptor(),
                "the first NaN comes from a NaN input: no error, as on the CPU");

        Tensor a = Tensor.of(DType.FLOAT32, new double[] {1, 0, 3, 0}, 4);
        Tensor b = Tensor.of(DType.FLOAT32, new double[] {1, 0, 0, 0}, 4);
        Reply div = ask("binary", "f32", BinaryOp.DIV.ordinal(), 3, layout(a.shape(), a, b), 4, a, b);
        assertEquals(3, div.descriptor());
        assertEquals(1, div.index());
        assertEquals(0.0, div.input0());
        assertEquals(0.0, div.input1());

        Tensor fine = Tensor.of(new double[] {1, 2}, 2);
        assertEquals(-1, ask("unary", "f64", log, 7, layout(fine.shape(), fine), 2, fine).descriptor());
    }
}
