package joule.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import joule.tensor.random.Distribution;
import joule.testing.Domain;
import joule.testing.TensorSamples;
import joule.testing.TensorSamples.Sample;
import joule.testing.TensorSamples.Spec;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Invalid input raises exactly {@link IllegalArgumentException} (never an
 * ArrayIndexOutOfBoundsException or another exception escaping from inside), with a message that
 * starts with the op's name and says what was expected and what came.
 */
class BadInputTest {
    private static final DType F32 = DType.FLOAT32;
    private static final DType F64 = DType.FLOAT64;

    /** Asserts {@code call} throws exactly IllegalArgumentException, its message starting "op: " and containing each of {@code mentions}. */
    static void assertBad(String op, Executable call, String... mentions) {
        IllegalArgumentException e = assertThrowsExactly(IllegalArgumentException.class, call, op);
        String message = e.getMessage();
        assertTrue(message.startsWith(op + ": "), () -> "message \"" + message + "\" should start with \"" + op + ": \"");
        for (String m : mentions) {
            assertTrue(message.contains(m), () -> "message \"" + message + "\" should mention " + m);
        }
    }

    static Tensor t(int... shape) {
        return Tensor.zeros(F32, shape);
    }

    @Test
    void binaryOpsOnShapesThatDontBroadcast() {
        for (BinaryOp op : BinaryOp.values()) {
            assertBad(op.opName(), () -> ElementwiseKernelPropertiesTest.apply(op, t(2, 3), t(4)), "[2, 3]", "[4]", "3 ≠ 4");
            assertBad(op.opName(), () -> ElementwiseKernelPropertiesTest.apply(op, t(5, 1, 3), t(2, 2, 3)), "[5, 1, 3]",
                    "[2, 2, 3]");
        }
        assertBad("where", () -> Tensor.where(t(3), t(2, 4), t(4)), "[3]", "[2, 4]");
        assertBad("where", () -> Tensor.where(t(2, 1), t(3, 4), t(4)), "[2, 1]", "[3, 4]");
    }

    @Test
    void mixedDtypes() {
        Tensor a = Tensor.zeros(F32, 2, 3);
        Tensor b = Tensor.zeros(F64, 2, 3);
        for (BinaryOp op : BinaryOp.values()) {
            assertBad(op.opName(), () -> ElementwiseKernelPropertiesTest.apply(op, a, b), "float32", "float64");
        }
        assertBad("matmul", () -> a.matmul(Tensor.zeros(F64, 3, 2)), "float32", "float64");
        assertBad("where", () -> Tensor.where(a, a, b), "float32", "float64");
        assertBad("where", () -> Tensor.where(b, a, a), "float64", "float32");
        assertBad("cat", () -> Tensor.cat(0, a, b), "float32", "float64");
        assertBad("stack", () -> Tensor.stack(0, a, b), "float32", "float64");
    }

    @Test
    void axesOutOfRangeOrRepeated() {
        Tensor x = t(2, 3);
        assertBad("sum", () -> x.sum(2), "axis 2", "rank 2");
        assertBad("sum", () -> x.sum(-3), "axis -3", "rank 2");
        assertBad("sum", () -> x.sum(0, -2), "repeated", "[0, -2]");
        assertBad("max", () -> x.max(5), "axis 5");
        assertBad("min", () -> x.min(1, 1), "repeated");
        assertBad("mean", () -> x.mean(2), "axis 2");
        assertBad("logsumexp", () -> x.logsumexp(-3), "axis -3");
        assertBad("norm", () -> x.norm(2, new int[] {2}, false), "axis 2");
        assertBad("norm", () -> x.norm(1, new int[] {0, 0}, false), "repeated");
        assertBad("norm", () -> x.norm(3, new int[] {-3}, false), "axis -3");
        assertBad("norm", () -> x.norm(Double.POSITIVE_INFINITY, new int[] {7}, false), "axis 7");
        assertBad("argmax", () -> x.argmax(2, false), "axis 2");
        assertBad("permute", () -> x.permute(0, 0), "repeated");
        assertBad("permute", () -> x.permute(0), "[0]", "[2, 3]");
        assertBad("permute", () -> x.permute(0, 2), "axis 2");
        assertBad("transpose", () -> x.transpose(0, 2), "axis 2");
        assertBad("size", () -> x.size(2), "axis 2");
        assertBad("squeeze", () -> x.squeeze(-3), "axis -3");
        assertBad("unsqueeze", () -> x.unsqueeze(4), "axis 4");
        assertBad("unsqueeze", () -> x.unsqueeze(-4), "axis -4");
        assertBad("narrow", () -> x.narrow(2, 0, 1), "axis 2");
        assertBad("slice", () -> x.slice(-3, 0, 1, 1), "axis -3");
        assertBad("select", () -> x.select(2, 0), "axis 2");
        assertBad("cat", () -> Tensor.cat(2, x, x), "axis 2");
        assertBad("cat", () -> Tensor.cat(0, Tensor.scalar(1, F32)), "rank 0");
        assertBad("stack", () -> Tensor.stack(3, x, x), "axis 3");
        assertBad("stack", () -> Tensor.stack(-4, x, x), "axis -4");
        assertBad("mT", () -> t(3).mT(), "[3]");
    }

    @Test
    void rangesOutOfBounds() {
        Tensor x = t(4, 3);
        assertBad("narrow", () -> x.narrow(0, 2, 5), "[2, 7)", "size 4", "[4, 3]");
        assertBad("narrow", () -> x.narrow(1, -1, 2), "[-1, 1)", "size 3");
        assertBad("narrow", () -> x.narrow(1, 1, -1), "size 3");
        assertBad("narrow", () -> x.narrow(0, Integer.MAX_VALUE, 1), "size 4");
        assertBad("slice", () -> x.slice(0, 0, 4, 0), "step", "0");
        assertBad("slice", () -> x.slice(0, 0, 4, -1), "step", "-1");
        assertBad("select", () -> x.select(0, 4), "index 4", "size 4");
        assertBad("select", () -> x.select(1, -4), "index -4", "size 3");
        assertBad("select", () -> t(0, 2).select(0, 0), "index 0", "size 0");
    }

    @Test
    void reshapeAndExpandToIncompatibleShapes() {
        Tensor x = t(2, 3);
        assertBad("reshape", () -> x.reshape(4, 2), "[2, 3]", "[4, 2]", "6", "8");
        assertBad("reshape", () -> x.reshape(-1, -1), "[-1, -1]");
        assertBad("reshape", () -> x.reshape(4, -1), "[4, -1]", "6");
        assertBad("reshape", () -> x.reshape(-2, -3), "[-2, -3]");
        assertBad("reshape", () -> t(0, 3).reshape(0, -1), "[0, -1]");
        assertBad("reshape", () -> x.permute(1, 0).reshape(5), "[3, 2]", "[5]");
        assertBad("expand", () -> x.expand(4, 3), "[2, 3]", "[4, 3]", "2 ≠ 4");
        assertBad("expand", () -> x.expand(3), "[2, 3]", "[3]");
        assertBad("expand", () -> x.expand(-1, 2, 3), "-1");
        assertBad("expand", () -> x.expand(2, -2), "[2, 3]", "[2, -2]");
        assertBad("squeeze", () -> x.squeeze(0), "axis 0", "[2, 3]", "size 2");
        assertBad("squeeze", () -> t(1, 0).squeeze(-1), "size 0");
    }

    @Test
    void matmulShapes() {
        assertBad("matmul", () -> t(2, 3).matmul(t(4, 5)), "[2, 3]", "[4, 5]", "3 ≠ 4");
        assertBad("matmul", () -> t(3).matmul(t(4)), "[3]", "[4]", "3 ≠ 4");
        assertBad("matmul", () -> t(2, 3).matmul(t(2)), "[2, 3]", "[2]");
        assertBad("matmul", () -> t(3).matmul(t(2, 3)), "[3]", "[2, 3]");
        assertBad("matmul", () -> t(2, 2, 3).matmul(t(3, 3, 4)), "[2]", "[3]");
        assertBad("matmul", () -> Tensor.scalar(1, F32).matmul(t(3)), "rank");
        assertBad("matmul", () -> t(3).matmul(Tensor.scalar(1, F32)), "rank");
    }

    @Test
    void convolutionGeometries() {
        assertBad("conv2d", () -> new Conv2dSpec(0, 1, 0, 0, 1, 1, 1), "stride", "(0, 1)");
        assertBad("conv2d", () -> new Conv2dSpec(1, 1, -1, 0, 1, 1, 1), "padding", "(-1, 0)");
        assertBad("conv2d", () -> new Conv2dSpec(1, 1, 0, 0, 1, 0, 1), "dilation", "(1, 0)");
        assertBad("conv2d", () -> Conv2dSpec.DEFAULT.withGroups(0), "groups", "0");
    }

    @Test
    void convolutionShapes() {
        Conv2dSpec two = Conv2dSpec.DEFAULT.withGroups(2);
        assertBad("conv2d", () -> t(2, 5, 8, 8).conv2d(t(4, 2, 3, 3), two), "2 groups", "5 input channels",
                "[2, 5, 8, 8]");
        assertBad("conv2d", () -> t(2, 4, 8, 8).conv2d(t(3, 2, 3, 3), two), "2 groups", "3 output channels",
                "[3, 2, 3, 3]");
        assertBad("conv2d", () -> t(2, 3, 8, 8).conv2d(t(4, 2, 3, 3), Conv2dSpec.DEFAULT), "[2, 3, 8, 8]",
                "[4, 2, 3, 3]", "3 channels");
        assertBad("conv2d", () -> t(1, 1, 2, 2).conv2d(t(1, 1, 5, 5), Conv2dSpec.of(1, 1)), "kernel 5×5",
                "padded input 4×4", "[1, 1, 2, 2]");
        assertBad("conv2d", () -> t(1, 1, 5, 5).conv2d(t(1, 1, 3, 3), Conv2dSpec.DEFAULT.withDilation(3)),
                "dilation (3, 3)", "[1, 1, 5, 5]");
        assertBad("conv2d", () -> t(2, 3, 8).conv2d(t(4, 3, 3, 3), Conv2dSpec.DEFAULT), "[N, C, H, W]", "[2, 3, 8]");
        assertBad("conv2d", () -> t(2, 3, 8, 8).conv2d(t(4, 3, 3), Conv2dSpec.DEFAULT), "weight", "[4, 3, 3]");
        assertBad("conv2d", () -> t(2, 3, 8, 8).conv2d(Tensor.zeros(F64, 4, 3, 3, 3), Conv2dSpec.DEFAULT), "float32",
                "float64");
        Tensor w = t(4, 3, 3, 3);
        assertBad("conv2dTranspose", () -> t(2, 4, 6, 6).conv2dTranspose(w, Conv2dSpec.DEFAULT, 9, 8), "[2, 3, 9, 8]",
                "[2, 4, 7, 6]", "[2, 4, 6, 6]");
        assertBad("conv2dTranspose", () -> t(2, 5, 6, 6).conv2dTranspose(w, Conv2dSpec.DEFAULT, 8, 8), "[2, 5, 6, 6]",
                "[4, 3, 3, 3]");
        assertBad("conv2dTranspose", () -> t(2, 4, 6).conv2dTranspose(w, Conv2dSpec.DEFAULT, 8, 8), "[2, 4, 6]");
        assertBad("conv2dTranspose", () -> t(2, 4, 6, 6).conv2dTranspose(t(4, 3, 3), Conv2dSpec.DEFAULT, 8, 8),
                "[4, 3, 3]");
        assertBad("convTranspose2d", () -> t(2, 4, 6, 6).convTranspose2d(w, Conv2dSpec.of(2, 0), 2, 0),
                "output padding (2, 0)", "stride (2, 2)");
        assertBad("convTranspose2d", () -> t(2, 4, 6, 6).convTranspose2d(w, Conv2dSpec.DEFAULT, 0, -1),
                "output padding (0, -1)");
        assertBad("convTranspose2d", () -> t(2, 4, 6).convTranspose2d(w, Conv2dSpec.DEFAULT, 0, 0), "[2, 4, 6]",
                "[4, 3, 3, 3]");
        assertBad("conv2dWeightGrad", () -> t(2, 3, 8, 8).conv2dWeightGrad(t(2, 4, 5, 6), Conv2dSpec.DEFAULT, 3, 3),
                "[2, 3, 8, 8]", "[2, 4, 6, 6]", "[2, 4, 5, 6]");
        assertBad("conv2dWeightGrad", () -> t(2, 3, 8, 8).conv2dWeightGrad(t(2, 4, 6), Conv2dSpec.DEFAULT, 3, 3),
                "[2, 3, 8, 8]", "[2, 4, 6]");
        assertBad("conv2dWeightGrad", () -> t(2, 3, 8, 8).conv2dWeightGrad(t(2, 4, 6, 6), two, 3, 3), "2 groups",
                "[2, 3, 8, 8]");
        assertBad("conv2dWeightGrad", () -> t(1, 1, 2, 2).conv2dWeightGrad(t(1, 1, 1, 1), Conv2dSpec.DEFAULT, 3, 3),
                "kernel 3×3", "[1, 1, 2, 2]");
    }

    @Test
    void catAndStackOfMismatchedShapes() {
        assertBad("cat", () -> Tensor.cat(0, t(2, 3), t(2, 4)), "[2, 3]", "[2, 4]", "3 ≠ 4");
        assertBad("cat", () -> Tensor.cat(1, t(2, 3), t(3, 3)), "[2, 3]", "[3, 3]");
        assertBad("cat", () -> Tensor.cat(0, t(2, 3), t(2)), "[2, 3]", "[2]");
        assertBad("cat", () -> Tensor.cat(0, t(2), t(2, 3)), "[2]", "[2, 3]");
        assertBad("cat", () -> Tensor.cat(0));
        assertBad("stack", () -> Tensor.stack(0, t(2, 3), t(3, 2)), "[2, 3]", "[3, 2]");
        assertBad("stack", () -> Tensor.stack(0));
    }

    @Test
    void itemAndGet() {
        assertBad("item", () -> t(2, 3).item(), "[2, 3]", "6");
        assertBad("item", () -> t(0).item(), "[0]", "0");
        Tensor x = t(2, 3);
        assertBad("get", () -> x.get(0, 3), "[0, 3]", "[2, 3]");
        assertBad("get", () -> x.get(2, 0), "[2, 0]", "[2, 3]");
        assertBad("get", () -> x.get(-3, 0), "[-3, 0]", "[2, 3]");
        assertBad("get", () -> x.get(0), "[0]", "[2, 3]");
        assertBad("get", () -> x.get(0, 0, 0), "[0, 0, 0]");
        assertBad("get", () -> t(0).get(0), "[0]");
        assertEquals(0.0, x.get(-1, -3));
    }

    @Test
    void negativeSizesInCreation() {
        assertBad("zeros", () -> Tensor.zeros(F32, 2, -1), "[2, -1]");
        assertBad("ones", () -> Tensor.ones(F64, -3), "[-3]");
        assertBad("full", () -> Tensor.full(F32, 1.0, -1, 2), "[-1, 2]");
        assertBad("of", () -> Tensor.of(new float[0], 0, -2), "[0, -2]");
        assertBad("of", () -> Tensor.of(new double[6], 2, -3), "[2, -3]");
        assertBad("of", () -> Tensor.of(new double[5], 2, 3), "5", "[2, 3]");
        assertBad("of", () -> Tensor.of(F32, new double[7], 2, 3), "7", "[2, 3]");
        assertBad("eye", () -> Tensor.eye(F32, -1), "-1");
        assertBad("linspace", () -> Tensor.linspace(F32, 0, 1, -1), "-1");
        assertBad("arange", () -> Tensor.arange(F32, 0, 1, 0), "step=0");
        assertBad("arange", () -> Tensor.arange(F32, 0, Double.NaN, 1), "NaN");
        assertBad("random", () -> Tensor.random(Distribution.NORMAL, F32, 1, 0, 3, -1), "[3, -1]");
        assertBad("random", () -> Tensor.random(Distribution.UNIFORM, F32, 1, -1, 3), "-1");
        assertBad("normal", () -> new RandomStream(1).normal(F32, -2), "[-2]");
        assertBad("uniform", () -> new RandomStream(1).uniform(2.0, 1.0, F64, 3), "lo=2.0", "hi=1.0");
        assertBad("expand", () -> t(1).expand(-5), "-5");
    }

    @Test
    void clampAndNormArguments() {
        assertBad("clamp", () -> t(3).clamp(2, 1), "2.0", "1.0");
        assertBad("clamp", () -> t(3).clamp(Double.NaN, 1), "NaN");
        assertBad("norm", () -> t(3).norm(0.5, new int[0], false), "0.5");
        assertBad("norm", () -> t(3).norm(-1, new int[0], false), "-1");
        assertBad("norm", () -> t(3).norm(Double.NaN, new int[0], false), "NaN");
    }

    @Test
    void reductionsOverNothing() {
        Tensor x = t(3, 0);
        assertBad("max", () -> x.max(1), "axis 1", "[3, 0]", "empty");
        assertBad("min", () -> x.min(), "[3, 0]", "empty");
        assertBad("mean", () -> x.mean(1), "[3, 0]");
        assertBad("logsumexp", () -> x.logsumexp(1), "[3, 0]");
        assertBad("argmax", () -> x.argmax(1, false), "[3, 0]");
        assertBad("argmax", () -> x.argmax(), "[3, 0]");
        assertBad("norm", () -> x.norm(Double.POSITIVE_INFINITY, new int[0], false), "[3, 0]");
        assertEquals(List.of(0.0, 0.0, 0.0), Arrays.stream(x.sum(1).toDoubleArray()).boxed().toList());
        assertEquals(0.0, x.norm(2, new int[0], false).item());
        assertArrayEquals(new int[] {0}, x.max(0).shape(), "max over a non-empty axis of an empty tensor is empty, not an error");
    }

    // ------------------------------------------------------------------ any call, any arguments

    @Provide
    Arbitrary<Spec> specs() {
        return TensorSamples.specs(TensorSamples.shapes(0, 3));
    }

    /**
     * Every call of the API with small random integer arguments, on random shapes and layouts,
     * either succeeds or raises exactly IllegalArgumentException naming the op called.
     */
    @Property(tries = 300)
    void anyArgumentsGiveAValueOrANamedIllegalArgument(@ForAll("specs") Spec spec, @ForAll("specs") Spec other,
                                                       @ForAll @IntRange(max = 29) int call,
                                                       @ForAll @Size(max = 5) List<@IntRange(min = -6, max = 6) Integer> args) {
        Sample x = TensorSamples.build(spec, Domain.uniform(0.5, 2));
        Sample y = TensorSamples.build(new Spec(spec.dtype(), other.shape(), other.layout(), other.seed()),
                Domain.uniform(0.5, 2));
        Tensor t = x.tensor();
        Tensor u = y.tensor();
        int[] a = args.stream().mapToInt(Integer::intValue).toArray();
        int a0 = a.length > 0 ? a[0] : 0;
        int a1 = a.length > 1 ? a[1] : 1;
        int a2 = a.length > 2 ? a[2] : 1;
        int a3 = a.length > 3 ? a[3] : 1;
        SplittableRandom random = new SplittableRandom(spec.seed());
        String op;
        Supplier<Object> run;
        switch (call) {
            case 0 -> { op = "size"; run = () -> t.size(a0); }
            case 1 -> { op = "narrow"; run = () -> t.narrow(a0, a1, a2); }
            case 2 -> { op = "slice"; run = () -> t.slice(a0, a1, a2, a3); }
            case 3 -> { op = "select"; run = () -> t.select(a0, a1); }
            case 4 -> { op = "squeeze"; run = () -> t.squeeze(a0); }
            case 5 -> { op = "unsqueeze"; run = () -> t.unsqueeze(a0); }
            case 6 -> { op = "transpose"; run = () -> t.transpose(a0, a1); }
            case 7 -> { op = "permute"; run = () -> t.permute(a); }
            case 8 -> { op = "reshape"; run = () -> t.reshape(a); }
            case 9 -> { op = "expand"; run = () -> t.expand(a); }
            case 10 -> { op = "get"; run = () -> t.get(a); }
            case 11 -> { op = "sum"; run = () -> t.sum(a, random.nextBoolean()); }
            case 12 -> { op = "max"; run = () -> t.max(a, random.nextBoolean()); }
            case 13 -> { op = "min"; run = () -> t.min(a); }
            case 14 -> { op = "mean"; run = () -> t.mean(a, random.nextBoolean()); }
            case 15 -> { op = "logsumexp"; run = () -> t.logsumexp(a, random.nextBoolean()); }
            case 16 -> { op = "argmax"; run = () -> t.argmax(a0, random.nextBoolean()); }
            case 17 -> {
                op = "norm";
                double p = new double[] {a1, 1, 2, 3, Double.POSITIVE_INFINITY}[random.nextInt(5)];
                run = () -> t.norm(p, a.length > 2 ? Arrays.copyOf(a, 2) : new int[0], random.nextBoolean());
            }
            case 18 -> { op = "cat"; run = () -> Tensor.cat(a0, t, u); }
            case 19 -> { op = "stack"; run = () -> Tensor.stack(a0, t, u); }
            case 20 -> { op = "matmul"; run = () -> t.matmul(u); }
            case 21 -> { op = "item"; run = t::item; }
            case 22 -> { op = "add"; run = () -> t.add(u); }
            case 23 -> { op = "where"; run = () -> Tensor.where(u, t, u); }
            case 24 -> { op = "mT"; run = t::mT; }
            case 25 -> { op = "clamp"; run = () -> t.clamp(a0, a1); }
            case 26 -> { op = "zeros"; run = () -> Tensor.zeros(spec.dtype(), a); }
            case 27 -> { op = "argmax"; run = t::argmax; }
            case 28 -> { op = "pow"; run = () -> t.pow(u); }
            default -> { op = "div"; run = () -> t.div(u); }
        }
        Object result;
        try {
            result = run.get();
        } catch (IllegalArgumentException e) {
            assertEquals(IllegalArgumentException.class, e.getClass());
            assertTrue(e.getMessage().startsWith(op + ": "),
                    () -> op + " of " + x + " with " + args + " (other " + y + "): \"" + e.getMessage() + "\"");
            return;
        }
        if (result instanceof Tensor r) {
            r.toDoubleArray();
        }
    }
}
