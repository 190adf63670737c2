package joule.gpu;

import static joule.gpu.Accuracy.assertExact;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import joule.gpu.Operands.Layout;
import joule.gpu.Operands.Operand;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Creating, copying and moving tensors on CUDA, all exact: {@code empty}, {@code full},
 * {@code fromDoubles}, {@code fromFloats}, {@code copy} into strided views with broadcasting and
 * dtype conversion (leaving the rest of the destination alone), {@code toDoubleArray} of views and
 * {@code transferFrom} in both directions.
 */
class MemoryOnCudaTest extends CudaTest {
    private static final int TRIALS = 20;

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void creation(DType dtype) {
        SplittableRandom r = random();
        double[] specials = {0, -0.0, 1.5, -3.25e-7, 1e30, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int trial = 0; trial < TRIALS; trial++) {
            int[] shape = Operands.shape(r, 4, 100_000);
            double value = r.nextBoolean() ? specials[r.nextInt(specials.length)] : r.nextGaussian();
            Tensor expected = cpu().full(DType.FLOAT64, shape, value);
            assertExact(label("full " + value + " " + Shapes.format(shape)), cuda().full(dtype, shape, value), expected,
                    dtype);
            double[] data = new double[Shapes.numel(shape)];
            for (int i = 0; i < data.length; i++) {
                data[i] = r.nextGaussian() * Math.pow(10, r.nextInt(-20, 20));
            }
            assertExact(label("fromDoubles " + Shapes.format(shape)), cuda().fromDoubles(dtype, shape, data),
                    cpu().fromDoubles(DType.FLOAT64, shape, data), dtype);
            Tensor empty = cuda().empty(dtype, shape);
            assertEquals(Device.CUDA, empty.device());
            assertEquals(dtype, empty.dtype());
            assertArrayEquals(shape, empty.shape());
        }
    }

    @Test
    void fromFloats() {
        SplittableRandom r = random();
        int[] shape = Operands.shape(r, 3, 100_000);
        float[] data = new float[Shapes.numel(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        assertExact(label("fromFloats"), cuda().fromFloats(shape, data), cpu().fromFloats(shape, data).to(DType.FLOAT64),
                DType.FLOAT32);
    }

    @ParameterizedTest(name = "to {0}")
    @EnumSource(DType.class)
    void copyIntoViews(DType dstType) {
        SplittableRandom r = random();
        for (int trial = 0; trial < TRIALS; trial++) {
            DType srcType = r.nextBoolean() ? DType.FLOAT32 : DType.FLOAT64;
            int[] shape = trial == 0 ? new int[] {1 << 20, 3} : Operands.shape(r, 4, 50_000);
            Operand dst = Operands.operand(r, dstType, shape, Layout.writable(r), Operands.normal(r, 1));
            Operand src = Operands.operand(r, srcType, Operands.partner(r, shape), Layout.any(r), Operands.normal(r, 1e3));
            cuda().copy(src.cuda(), dst.cuda());
            cpu().copy(src.host(), dst.host());
            String what = label("copy " + srcType + " " + Shapes.format(src.shape()) + " into " + dstType + " "
                    + Shapes.format(shape));
            assertExact(what, dst.cuda(), dst.host().to(DType.FLOAT64), dstType);
            assertArrayEquals(whole(dst.host()), whole(dst.cuda()), what + ": the destination's storage around the view");
        }
    }

    /** Every element of the storage under {@code view}, through a contiguous view of all of it. */
    private static double[] whole(Tensor view) {
        return Tensor.contiguousView(view.storage(), new int[] {view.storage().size()}).toDoubleArray();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void transfersInBothDirections(DType dtype) {
        SplittableRandom r = random();
        for (int trial = 0; trial < TRIALS; trial++) {
            int[] shape = trial == 0 ? new int[] {3, 1 << 20} : Operands.shape(r, 4, 100_000);
            Operand x = Operands.operand(r, dtype, shape, Layout.any(r), Operands.normal(r, 1));
            String what = label("transfer of " + Shapes.format(shape));
            assertExact(what + " to cuda", cuda().transferFrom(x.host()), x.reference(), dtype);
            assertArrayEquals(x.reference().toDoubleArray(), cuda().toDoubleArray(x.cuda()), what + " read back");
            Tensor back = cpu().transferFrom(x.cuda());
            assertEquals(Device.CPU, back.device(), what);
            assertArrayEquals(x.reference().toDoubleArray(), back.toDoubleArray(), what + " to cpu");
        }
    }
}
