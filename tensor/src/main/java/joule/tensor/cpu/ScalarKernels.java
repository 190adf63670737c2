package joule.tensor.cpu;

import joule.tensor.BinaryOp;
import joule.tensor.ReduceOp;
import joule.tensor.UnaryOp;

/**
 * Plain-loop kernels: each element computed by the op's double-precision definition and rounded
 * once; row reductions accumulated in double ({@code accumulate}, the reduction over leading axes,
 * adds row by row in the tensor's dtype, like its vector twin). The oracle for {@link VectorKernels}, and the fallback where
 * the Vector API is slow ({@code -Djoule.cpu.kernels=scalar}).
 */
final class ScalarKernels implements CpuKernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public void unary(UnaryOp op, float[] x, int xo, int xs, float[] y, int yo, int ys, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i * ys] = (float) op.apply(x[xo + i * xs]);
        }
    }

    @Override
    public void unary(UnaryOp op, double[] x, int xo, int xs, double[] y, int yo, int ys, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i * ys] = op.apply(x[xo + i * xs]);
        }
    }

    @Override
    public void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int ys,
                       int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i * ys] = (float) op.apply(a[ao + i * as], b[bo + i * bs]);
        }
    }

    @Override
    public void binary(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int ys,
                       int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i * ys] = op.apply(a[ao + i * as], b[bo + i * bs]);
        }
    }

    @Override
    public void where(float[] c, int co, int cs, float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo,
                      int ys, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i * ys] = c[co + i * cs] != 0 ? a[ao + i * as] : b[bo + i * bs];
        }
    }

    @Override
    public void where(double[] c, int co, int cs, double[] a, int ao, int as, double[] b, int bo, int bs, double[] y,
                      int yo, int ys, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i * ys] = c[co + i * cs] != 0 ? a[ao + i * as] : b[bo + i * bs];
        }
    }

    @Override
    public double reduce(ReduceOp op, float[] x, int xo, int n) {
        double acc = op.identity();
        for (int i = 0; i < n; i++) {
            acc = op.combine(acc, x[xo + i]);
        }
        return acc;
    }

    @Override
    public double reduce(ReduceOp op, double[] x, int xo, int n) {
        double acc = op.identity();
        for (int i = 0; i < n; i++) {
            acc = op.combine(acc, x[xo + i]);
        }
        return acc;
    }

    @Override
    public void accumulate(ReduceOp op, float[] x, int xo, float[] acc, int ao, int n) {
        for (int j = 0; j < n; j++) {
            acc[ao + j] = (float) op.combine(acc[ao + j], x[xo + j]);
        }
    }

    @Override
    public void accumulate(ReduceOp op, double[] x, int xo, double[] acc, int ao, int n) {
        for (int j = 0; j < n; j++) {
            acc[ao + j] = op.combine(acc[ao + j], x[xo + j]);
        }
    }

    @Override
    public int firstNaN(float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(y[yo + i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int firstNaN(double[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(y[yo + i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int ao, int ars, int acs, float[] b, int bo, int brs, int bcs,
                     float[] c, int co, int ldc) {
        GemmScalar.multiply(m, n, k, a, ao, ars, acs, b, bo, brs, bcs, c, co, ldc);
    }

    @Override
    public void gemm(int m, int n, int k, double[] a, int ao, int ars, int acs, double[] b, int bo, int brs, int bcs,
                     double[] c, int co, int ldc) {
        GemmScalar.multiply(m, n, k, a, ao, ars, acs, b, bo, brs, bcs, c, co, ldc);
    }
}
