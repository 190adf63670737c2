package joule.gpu;

import static joule.gpu.Accuracy.assertClose;
import static joule.gpu.Accuracy.assertExact;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import joule.gpu.Operands.Layout;
import joule.gpu.Operands.Operand;
import joule.tensor.DType;
import joule.tensor.ReduceOp;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import joule.tensor.UnaryOp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code reduce} (SUM, MAX, MIN over random sets of axes, with and without keepdim) and
 * {@code argmax} on CUDA against the CPU backend in float64. Sums are compared within the rounding
 * a sum of that length and condition may carry; MAX, MIN and argmax exactly, with ties and NaN.
 */
class ReductionsOnCudaTest extends CudaTest {
    private static final int TRIALS = 25;

    static Stream<Arguments> reductions() {
        return withEachDType((Object[]) ReduceOp.values());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("reductions")
    void reduce(ReduceOp op, DType dtype) {
        SplittableRandom r = random();
        for (int trial = 0; trial < TRIALS; trial++) {
            int[] shape = Operands.shape(r, 4, 50_000);
            if (op != ReduceOp.SUM) {
                shape = Arrays.stream(shape).map(size -> Math.max(size, 1)).toArray();   // no extremum of nothing
            }
            int[] axes = axes(r, shape);
            check(op, dtype, Operands.operand(r, dtype, shape, Layout.any(r), values(op, r)), axes, r.nextBoolean());
        }
        // long rows, long columns, everything at once: several blocks per output, and one output from many blocks
        check(op, dtype, Operands.operand(r, dtype, new int[] {3, 300_001}, Layout.CONTIGUOUS, values(op, r)),
                new int[] {1}, false);
        check(op, dtype, Operands.operand(r, dtype, new int[] {100_003, 5}, Layout.TRANSPOSED, values(op, r)),
                new int[] {0}, true);
        check(op, dtype, Operands.operand(r, dtype, new int[] {1 << 22}, Layout.CONTIGUOUS, values(op, r)),
                new int[] {0}, false);
    }

    private void check(ReduceOp op, DType dtype, Operand x, int[] axes, boolean keepdim) {
        String what = label(op + " over " + Arrays.toString(axes) + " of " + Shapes.format(x.shape())
                + (keepdim ? ", keepdim" : ""));
        Tensor out = cuda().reduce(op, x.cuda(), axes, keepdim);
        Tensor reference = cpu().reduce(op, x.reference(), axes, keepdim);
        if (op != ReduceOp.SUM) {
            assertExact(what, out, reference, dtype);
            return;
        }
        long n = 1;
        for (int a : axes) {
            n *= x.shape()[a];
        }
        Tensor magnitudes = cpu().reduce(ReduceOp.SUM, cpu().unary(UnaryOp.ABS, x.reference()), axes, keepdim);
        assertClose(what, out, reference, dtype, Accuracy.accumulated(dtype, n, Accuracy.condition(magnitudes, reference)));
    }

    /** Sums see normal values; MAX and MIN ties and NaN now and then. */
    private static java.util.function.DoubleSupplier values(ReduceOp op, SplittableRandom r) {
        return op == ReduceOp.SUM ? Operands.normal(r, 1) : r.nextBoolean() ? Operands.ties(r, true)
                : Operands.normal(r, 1);
    }

    /** A sorted, distinct, non-empty set of axes of {@code shape} (empty for a 0-d tensor). */
    private static int[] axes(SplittableRandom r, int[] shape) {
        if (shape.length == 0) {
            return new int[0];
        }
        int[] chosen = IntStream.range(0, shape.length).filter(i -> r.nextBoolean()).toArray();
        return chosen.length > 0 ? chosen : new int[] {r.nextInt(shape.length)};
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void argmax(DType dtype) {
        SplittableRandom r = random();
        for (int trial = 0; trial <= TRIALS; trial++) {
            int[] shape = trial == TRIALS ? new int[] {7, 200_003} : Operands.shape(r, 4, 50_000);
            if (shape.length == 0) {
                shape = new int[] {Operands.size(r)};
            }
            int axis = r.nextInt(shape.length);
            shape[axis] = Math.max(shape[axis], 1);
            boolean keepdim = r.nextBoolean();
            Operand x = Operands.operand(r, dtype, shape, Layout.any(r),
                    r.nextBoolean() ? Operands.ties(r, true) : Operands.normal(r, 1));
            assertExact(label("argmax along " + axis + " of " + Shapes.format(shape)), cuda().argmax(x.cuda(), axis,
                    keepdim), cpu().argmax(x.reference(), axis, keepdim), DType.FLOAT64);
        }
    }
}
