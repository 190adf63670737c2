package joule.tensor.cpu;

import joule.tensor.BinaryOp;
import joule.tensor.ReduceOp;
import joule.tensor.UnaryOp;

/**
 * The inner loops of the CPU backend, over 1-d strided segments of plain arrays. Two
 * implementations: {@link VectorKernels} (the Vector API) and {@link ScalarKernels} (plain loops,
 * the reference every vector kernel is tested against). Kernels never allocate tensors.
 *
 * <p>In every segment, operand {@code x} has element {@code i} at {@code x[xo + i * xs]}; a stride
 * of 0 repeats one value (broadcasting).
 */
interface CpuKernels {
    void unary(UnaryOp op, float[] x, int xo, int xs, float[] y, int yo, int ys, int n);

    void unary(UnaryOp op, double[] x, int xo, int xs, double[] y, int yo, int ys, int n);

    void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int ys, int n);

    void binary(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int ys, int n);

    /** {@code y = c ≠ 0 ? a : b}. */
    void where(float[] c, int co, int cs, float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int ys,
               int n);

    /** {@code y = c ≠ 0 ? a : b}. */
    void where(double[] c, int co, int cs, double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo,
               int ys, int n);

    /** The reduction of {@code x[xo .. xo+n)} (contiguous), {@code n ≥ 1}. */
    double reduce(ReduceOp op, float[] x, int xo, int n);

    /** The reduction of {@code x[xo .. xo+n)} (contiguous), {@code n ≥ 1}. */
    double reduce(ReduceOp op, double[] x, int xo, int n);

    /** {@code acc[ao + j] = op(acc[ao + j], x[xo + j])} for {@code j < n}: one row of a reduction over leading axes. */
    void accumulate(ReduceOp op, float[] x, int xo, float[] acc, int ao, int n);

    /** {@code acc[ao + j] = op(acc[ao + j], x[xo + j])} for {@code j < n}. */
    void accumulate(ReduceOp op, double[] x, int xo, double[] acc, int ao, int n);

    /** Index of the first NaN in {@code y[yo .. yo+n)}, or -1. */
    int firstNaN(float[] y, int yo, int n);

    /** Index of the first NaN in {@code y[yo .. yo+n)}, or -1. */
    int firstNaN(double[] y, int yo, int n);

    /** {@code C = A·B}, see {@link GemmScalar#multiply(int, int, int, float[], int, int, int, float[], int, int, int, float[], int, int)}. */
    void gemm(int m, int n, int k, float[] a, int ao, int ars, int acs, float[] b, int bo, int brs, int bcs, float[] c,
              int co, int ldc);

    /** {@code C = A·B} in float64. */
    void gemm(int m, int n, int k, double[] a, int ao, int ars, int acs, double[] b, int bo, int brs, int bcs, double[] c,
              int co, int ldc);
}
