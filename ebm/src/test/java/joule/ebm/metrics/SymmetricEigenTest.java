package joule.ebm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {
    /** A random symmetric matrix: (G + Gᵀ)/2 for a standard normal G. */
    static double[] randomSymmetric(long seed, int n) {
        double[] g = new RandomStream(seed).normal(DType.FLOAT64, n, n).toDoubleArray();
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i * n + j] = 0.5 * (g[i * n + j] + g[j * n + i]);
            }
        }
        return a;
    }

    /** The orthogonal reflection {@code I − 2uuᵀ/‖u‖²} for a random {@code u}. */
    static double[] reflection(long seed, int n) {
        double[] u = new RandomStream(seed).normal(DType.FLOAT64, n).toDoubleArray();
        double uu = 0;
        for (double x : u) {
            uu += x * x;
        }
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i * n + j] = (i == j ? 1 : 0) - 2 * u[i] * u[j] / uu;
            }
        }
        return q;
    }

    /** {@code Q diag(λ) Qᵀ}. */
    static double[] withSpectrum(double[] q, double[] lambda) {
        int n = lambda.length;
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += q[i * n + k] * lambda[k] * q[j * n + k];
                }
                a[i * n + j] = s;
            }
        }
        return a;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double x : a) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /** Checks {@code A = V Λ Vᵀ}, {@code VᵀV = I} and ascending order, to {@code tol} relative to {@code max |A|}. */
    static SymmetricEigen.Decomposition checkDecomposition(double[] a, int n, double tol) {
        SymmetricEigen.Decomposition e = SymmetricEigen.decompose(a, n);
        double[] v = e.vectors();
        double[] l = e.values();
        double scale = Math.max(maxAbs(a), Double.MIN_NORMAL);
        for (int k = 1; k < n; k++) {
            assertTrue(l[k - 1] <= l[k], "eigenvalues not ascending at " + k + ": " + Arrays.toString(l));
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double rec = 0;
                double gram = 0;
                for (int k = 0; k < n; k++) {
                    rec += v[i * n + k] * l[k] * v[j * n + k];
                    gram += v[k * n + i] * v[k * n + j];
                }
                assertEquals(a[i * n + j], rec, tol * scale, "reconstruction at (" + i + ", " + j + "), n = " + n);
                assertEquals(i == j ? 1 : 0, gram, tol, "VᵀV at (" + i + ", " + j + "), n = " + n);
            }
        }
        return e;
    }

    @Test
    void reconstructsRandomSymmetricMatricesWithOrthonormalVectors() {
        int[] sizes = {1, 2, 3, 7, 32, 100, 256};
        for (int t = 0; t < sizes.length; t++) {
            int n = sizes[t];
            double[] a = randomSymmetric(10 + t, n);
            double[] values = checkDecomposition(a, n, 1e-12 * n).values();
            double[] alone = SymmetricEigen.eigenvalues(a, n);
            for (int k = 0; k < n; k++) {
                assertEquals(values[k], alone[k], 1e-12 * n, "eigenvalue " + k + " of " + n + " without vectors");
            }
        }
    }

    @Test
    void recoversAKnownSpectrumWithRepeatedNegativeAndZeroValues() {
        int n = 12;
        double[] lambda = {3, -2, 0, 3, 1e-9, 7.5, -2, 0, 3, 100, -0.25, 1};
        double[] a = withSpectrum(reflection(5, n), lambda);
        SymmetricEigen.Decomposition e = checkDecomposition(a, n, 1e-12 * n);
        double[] sorted = lambda.clone();
        Arrays.sort(sorted);
        double[] alone = SymmetricEigen.eigenvalues(a, n);
        for (int k = 0; k < n; k++) {
            assertEquals(sorted[k], e.values()[k], 1e-12 * 100 * n, "eigenvalue " + k);
            assertEquals(sorted[k], alone[k], 1e-12 * 100 * n, "eigenvalue " + k + " without vectors");
        }
    }

    @Test
    void handlesMatricesThatAreAlreadyReduced() {
        // Diagonal (unsorted), zero, identity, tridiagonal, and a zero row (no reflection needed).
        double[] diagonal = {4, 0, 0, 0, -1, 0, 0, 0, 2};
        assertEquals(Arrays.toString(new double[] {-1, 2, 4}),
                Arrays.toString(checkDecomposition(diagonal, 3, 1e-15).values()));
        checkDecomposition(new double[16], 4, 0);
        double[] identity = {1, 0, 0, 0, 1, 0, 0, 0, 1};
        assertEquals(Arrays.toString(new double[] {1, 1, 1}),
                Arrays.toString(checkDecomposition(identity, 3, 1e-15).values()));
        int n = 9;
        double[] tri = new double[n * n];
        for (int i = 0; i < n; i++) {
            tri[i * n + i] = 2;
            if (i > 0) {
                tri[i * n + i - 1] = -1;
                tri[(i - 1) * n + i] = -1;
            }
        }
        SymmetricEigen.Decomposition e = checkDecomposition(tri, n, 1e-13);
        for (int k = 0; k < n; k++) {
            // The second-difference matrix: λ_k = 2 − 2cos(kπ/(n+1)), k = 1..n.
            assertEquals(2 - 2 * Math.cos((k + 1) * Math.PI / (n + 1)), e.values()[k], 1e-13);
        }
        double[] zeroRow = randomSymmetric(3, 5);
        for (int j = 0; j < 5; j++) {
            zeroRow[4 * 5 + j] = 0;
            zeroRow[j * 5 + 4] = 0;
        }
        checkDecomposition(zeroRow, 5, 1e-13);
        assertEquals(Arrays.toString(new double[] {-3.5}), Arrays.toString(checkDecomposition(new double[] {-3.5}, 1, 0).values()));
    }

    @Test
    void readsOnlyTheLowerTriangle() {
        int n = 6;
        double[] a = randomSymmetric(21, n);
        double[] upperGarbage = a.clone();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                upperGarbage[i * n + j] = 1e6 + j;
            }
        }
        assertEquals(Arrays.toString(SymmetricEigen.decompose(a, n).values()),
                Arrays.toString(SymmetricEigen.decompose(upperGarbage, n).values()));
    }

    @Test
    void functionOfTheMatrixSquaresBackForASquareRoot() {
        int n = 20;
        double[] lambda = new double[n];
        for (int k = 0; k < n; k++) {
            lambda[k] = 0.1 + k;
        }
        double[] a = withSpectrum(reflection(8, n), lambda);
        double[] root = SymmetricEigen.decompose(a, n).mapValues(Math::sqrt);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += root[i * n + k] * root[k * n + j];
                }
                assertEquals(a[i * n + j], s, 1e-11 * n);
                assertEquals(root[i * n + j], root[j * n + i], 0.0);
            }
        }
    }

    @Test
    void badInputIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.decompose(new double[5], 2));
        assertTrue(e.getMessage().contains("5 elements for n = 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(new double[] {1, 0, Double.NaN, 1}, 2));
        assertTrue(e.getMessage().contains("non-finite entry NaN at (1, 0)"), e.getMessage());
    }
}
