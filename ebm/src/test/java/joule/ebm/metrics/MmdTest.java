package joule.ebm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

class MmdTest {
    static double sqDist(double[] a, int i, double[] b, int j, int d) {
        double s = 0;
        for (int k = 0; k < d; k++) {
            double t = a[i * d + k] - b[j * d + k];
            s += t * t;
        }
        return s;
    }

    /** MMD²_u by its definition, with double loops. */
    static double directMmd2(double[] x, int m, double[] y, int n, int d, double sigma) {
        double kxx = 0;
        double kyy = 0;
        double kxy = 0;
        double g = 2 * sigma * sigma;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                if (i != j) {
                    kxx += Math.exp(-sqDist(x, i, x, j, d) / g);
                }
            }
            for (int j = 0; j < n; j++) {
                kxy += Math.exp(-sqDist(x, i, y, j, d) / g);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    kyy += Math.exp(-sqDist(y, i, y, j, d) / g);
                }
            }
        }
        return kxx / (m * (m - 1.0)) + kyy / (n * (n - 1.0)) - 2 * kxy / ((double) m * n);
    }

    static double directMedianSq(double[] x, int m, double[] y, int n, int d) {
        double[] z = new double[(m + n) * d];
        System.arraycopy(x, 0, z, 0, m * d);
        System.arraycopy(y, 0, z, m * d, n * d);
        int p = m + n;
        double[] pairs = new double[p * (p - 1) / 2];
        int k = 0;
        for (int i = 0; i < p; i++) {
            for (int j = i + 1; j < p; j++) {
                pairs[k++] = sqDist(z, i, z, j, d);
            }
        }
        Arrays.sort(pairs);
        int h = pairs.length / 2;
        return pairs.length % 2 == 1 ? pairs[h] : (pairs[h - 1] + pairs[h]) / 2;
    }

    private static Tensor normal(long seed, int n, int d, double shift) {
        return new RandomStream(seed).normal(DType.FLOAT64, n, d).add(shift);
    }

    @Test
    void equalsTheDirectDoubleLoop() {
        for (int[] mnd : new int[][] {{7, 5, 3}, {6, 9, 1}, {2, 2, 4}}) {
            int m = mnd[0];
            int n = mnd[1];
            int d = mnd[2];
            Tensor x = normal(1, m, d, 0);
            Tensor y = normal(2, n, d, 0.7);
            double[] xa = x.toDoubleArray();
            double[] ya = y.toDoubleArray();
            double sigma = 1.3;
            assertEquals(directMmd2(xa, m, ya, n, d, sigma), Mmd.mmd2(x, y, sigma), 1e-12);
            assertEquals(directMmd2(xa, m, ya, n, d, sigma), Mmd.mmd2(x, y, sigma, 3), 1e-12); // tiny blocks
            double med = directMedianSq(xa, m, ya, n, d);
            assertEquals(Math.sqrt(med), Mmd.medianBandwidth(x, y), 1e-12);
            assertEquals(directMmd2(xa, m, ya, n, d, Math.sqrt(med)), Mmd.mmd2(x, y), 1e-12);
            // float32 input is computed in float64 after conversion
            assertEquals(Mmd.mmd2(x.to(DType.FLOAT32).to(DType.FLOAT64), y.to(DType.FLOAT32).to(DType.FLOAT64)),
                    Mmd.mmd2(x.to(DType.FLOAT32), y.to(DType.FLOAT32)), 1e-12);
        }
    }

    @Test
    void blockedAndWholeAgreeOnLargerSamples() {
        Tensor x = normal(3, 300, 4, 0);
        Tensor y = normal(4, 211, 4, 0.2);
        assertEquals(Mmd.mmd2(x, y, 2.0), Mmd.mmd2(x, y, 2.0, 1000), 1e-12);
    }

    @Test
    void medianHeuristicThinsLargeSamples() {
        int m = 900;
        int n = 700;
        Tensor x = normal(5, m, 2, 0);
        Tensor y = normal(6, n, 2, 1);
        double full = Math.sqrt(directMedianSq(x.toDoubleArray(), m, y.toDoubleArray(), n, 2));
        assertEquals(full, Mmd.medianBandwidth(x, y), 0.05 * full);
    }

    @Test
    void nearZeroForOneDistribution() {
        int seeds = 20;
        int n = 300;
        double[] v = new double[seeds];
        double mean = 0;
        for (int s = 0; s < seeds; s++) {
            v[s] = Mmd.mmd2(normal(100 + s, n, 2, 0), normal(200 + s, n, 2, 0));
            assertTrue(Math.abs(v[s]) < 0.02, "MMD² " + v[s]);
            mean += v[s] / seeds;
        }
        double var = 0;
        for (double x : v) {
            var += (x - mean) * (x - mean) / (seeds - 1);
        }
        double se = Math.sqrt(var / seeds);
        assertTrue(Math.abs(mean) < 4 * se, "mean MMD² over seeds " + mean + ", standard error " + se);
        // Clearly positive for a shift of half a standard deviation.
        double shifted = Mmd.mmd2(normal(300, n, 2, 0), normal(301, n, 2, 0.5));
        assertTrue(shifted > 10 * Math.sqrt(var), "shifted MMD² " + shifted + " vs null sd " + Math.sqrt(var));
    }

    @Test
    void matchesThePopulationValueForGaussians() {
        // X ~ N(0, I₂), Y ~ N((1, 0), I₂), σ = 1: MMD² = 2 (σ²/(σ²+2)) (1 − exp(−1/(2(σ²+2)))).
        double expected = 2.0 / 3 * (1 - Math.exp(-1.0 / 6));
        Tensor x = normal(7, 2000, 2, 0);
        Tensor y = normal(8, 2000, 2, 0).add(Tensor.of(new double[] {1, 0}, 1, 2));
        assertEquals(expected, Mmd.mmd2(x, y, 1.0), 0.015);
    }

    @Test
    void badInputIsRejected() {
        Tensor x = normal(1, 5, 2, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mmd.mmd2(x, normal(1, 5, 3, 0)));
        assertTrue(e.getMessage().startsWith("mmd2:") && e.getMessage().contains("2 ≠ 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Mmd.mmd2(x, normal(1, 1, 2, 0)));
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Mmd.mmd2(x, x, -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Mmd.mmd2(x.flatten(), x));
        assertTrue(e.getMessage().contains("[n, d]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Mmd.mmd2(x, Tensor.of(new double[] {0, 0, Double.NaN, 1}, 2, 2)));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        Tensor same = Tensor.zeros(DType.FLOAT64, 4, 2);
        e = assertThrows(IllegalArgumentException.class, () -> Mmd.mmd2(same, same));
        assertTrue(e.getMessage().contains("bandwidth 0"), e.getMessage());
    }
}
