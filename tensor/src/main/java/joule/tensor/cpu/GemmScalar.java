package joule.tensor.cpu;

/**
 * Plain-loop matrix multiply, the test oracle of {@link GemmF32} and {@link GemmF64}: each element of
 * {@code C} is one dot product, accumulated in {@code double} in {@code p} order.
 */
public final class GemmScalar {
    private GemmScalar() {
    }

    /**
     * {@code C = A·B}, overwriting {@code C}. {@code A} is m×k with element (i,p) at
     * {@code a[ao + i*ars + p*acs]}; {@code B} is k×n with element (p,j) at {@code b[bo + p*brs + j*bcs]};
     * {@code C} is m×n with element (i,j) at {@code c[co + i*ldc + j]}. Each sum is rounded to float once.
     */
    public static void multiply(int m, int n, int k, float[] a, int ao, int ars, int acs,
                                float[] b, int bo, int brs, int bcs, float[] c, int co, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[ao + i * ars + p * acs] * b[bo + p * brs + j * bcs];
                }
                c[co + i * ldc + j] = (float) s;
            }
        }
    }

    /** The float64 twin: the same product over {@code double[]}, accumulated in {@code double}. */
    public static void multiply(int m, int n, int k, double[] a, int ao, int ars, int acs,
                                double[] b, int bo, int brs, int bcs, double[] c, int co, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[ao + i * ars + p * acs] * b[bo + p * brs + j * bcs];
                }
                c[co + i * ldc + j] = s;
            }
        }
    }
}
