package joule.ebm.sample;

import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.tensor.Tensor;

/** Sample mean and covariance of rows {@code [N, D]}, and checks against population values within k standard errors. */
final class Moments {
    final int n;
    final int d;
    final double[] mean;
    final double[][] cov;

    Moments(Tensor rows) {
        n = rows.size(0);
        d = rows.size(1);
        double[] x = rows.contiguous().toDoubleArray();
        mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += x[i * d + j] / n;
            }
        }
        cov = new double[d][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                for (int k = 0; k < d; k++) {
                    cov[j][k] += (x[i * d + j] - mean[j]) * (x[i * d + k] - mean[k]) / (n - 1);
                }
            }
        }
    }

    /**
     * Mean within {@code k·sqrt(C_ii/N)} and covariance within {@code k·sqrt((C_ii C_jj + C_ij²)/N)}
     * of {@code mu} and {@code c} (standard errors for N independent draws of a Gaussian).
     */
    void assertMatches(String what, double[] mu, double[][] c, double k) {
        for (int i = 0; i < d; i++) {
            double se = Math.sqrt(c[i][i] / n);
            assertTrue(Math.abs(mean[i] - mu[i]) < k * se, what + ": mean[" + i + "] = " + mean[i] + ", expected " + mu[i]
                    + " ± " + k * se);
            for (int j = 0; j < d; j++) {
                double sc = Math.sqrt((c[i][i] * c[j][j] + c[i][j] * c[i][j]) / n);
                assertTrue(Math.abs(cov[i][j] - c[i][j]) < k * sc, what + ": cov[" + i + "][" + j + "] = " + cov[i][j]
                        + ", expected " + c[i][j] + " ± " + k * sc);
            }
        }
    }
}
