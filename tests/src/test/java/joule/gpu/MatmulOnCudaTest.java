package joule.gpu;

import static joule.gpu.Accuracy.assertClose;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import joule.gpu.Operands.Layout;
import joule.gpu.Operands.Operand;
import joule.tensor.DType;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import joule.tensor.UnaryOp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code matmul} on CUDA against the CPU backend in float64: batched with broadcast batch axes,
 * transposed and strided views, sizes 0, 1 and odd ones around tile sizes, and large products.
 * Within the rounding a dot product of length k may carry, or within {@link Accuracy#TF32} for
 * float32 when the JVM runs with {@code -Djoule.cuda.tf32=true}.
 */
class MatmulOnCudaTest extends CudaTest {
    private static final boolean TF32 = Boolean.getBoolean("joule.cuda.tf32");

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void smallAndOddProducts(DType dtype) {
        SplittableRandom r = random();
        for (int trial = 0; trial < 40; trial++) {
            int[] batch = Operands.shape(r, 2, 6);
            int[] otherBatch = Operands.partner(r, batch);
            boolean swap = r.nextBoolean();
            int m = dimension(r);
            int k = dimension(r);
            int n = dimension(r);
            check(dtype, r, concat(swap ? otherBatch : batch, m, k), concat(swap ? batch : otherBatch, k, n));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void largeProducts(DType dtype) {
        SplittableRandom r = random();
        int big = dtype == DType.FLOAT32 ? 1024 : 512;
        check(dtype, r, new int[] {big, big}, new int[] {big, big});
        check(dtype, r, new int[] {129, 4097}, new int[] {4097, 65});
        check(dtype, r, new int[] {8, 256, 256}, new int[] {256, 256});
        check(dtype, r, new int[] {1000, 3}, new int[] {3, 1000});
    }

    /** A matrix size: mostly small, sometimes just around a power of two. */
    private static int dimension(SplittableRandom r) {
        int[] around = {127, 128, 129, 255, 257};
        return r.nextInt(4) == 0 ? around[r.nextInt(around.length)] : Operands.size(r);
    }

    private static int[] concat(int[] batch, int rows, int columns) {
        return IntStream.concat(java.util.Arrays.stream(batch), IntStream.of(rows, columns)).toArray();
    }

    private void check(DType dtype, SplittableRandom r, int[] aShape, int[] bShape) {
        Operand a = Operands.operand(r, dtype, aShape, Layout.any(r), Operands.normal(r, 1));
        Operand b = Operands.operand(r, dtype, bShape, Layout.any(r), Operands.normal(r, 1));
        Tensor reference = cpu().matmul(a.reference(), b.reference());
        int k = aShape[aShape.length - 1];
        double tolerance = TF32 && dtype == DType.FLOAT32 ? Accuracy.TF32 : Accuracy.accumulated(dtype, k,
                Accuracy.condition(cpu().matmul(cpu().unary(UnaryOp.ABS, a.reference()),
                        cpu().unary(UnaryOp.ABS, b.reference())), reference));
        assertClose(label("matmul " + Shapes.format(aShape) + " · " + Shapes.format(bShape) + (TF32 ? " (TF32)" : "")),
                cuda().matmul(a.cuda(), b.cuda()), reference, dtype, tolerance);
    }
}
