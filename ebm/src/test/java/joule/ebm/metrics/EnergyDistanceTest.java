package joule.ebm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

class EnergyDistanceTest {
    static double direct(double[] x, int m, double[] y, int n, int d) {
        double xy = 0;
        double xx = 0;
        double yy = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                xy += Math.sqrt(MmdTest.sqDist(x, i, y, j, d));
            }
            for (int j = 0; j < m; j++) {
                if (i != j) {
                    xx += Math.sqrt(MmdTest.sqDist(x, i, x, j, d));
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    yy += Math.sqrt(MmdTest.sqDist(y, i, y, j, d));
                }
            }
        }
        return 2 * xy / ((double) m * n) - xx / (m * (m - 1.0)) - yy / (n * (n - 1.0));
    }

    private static Tensor normal(long seed, int n, int d, double shift) {
        return new RandomStream(seed).normal(DType.FLOAT64, n, d).add(shift);
    }

    @Test
    void equalsTheDirectDoubleLoop() {
        for (int[] mnd : new int[][] {{7, 5, 3}, {6, 9, 1}, {2, 2, 4}, {40, 33, 2}}) {
            Tensor x = normal(1, mnd[0], mnd[2], 0);
            Tensor y = normal(2, mnd[1], mnd[2], 0.4);
            double expected = direct(x.toDoubleArray(), mnd[0], y.toDoubleArray(), mnd[1], mnd[2]);
            assertEquals(expected, EnergyDistance.energyDistance(x, y), 1e-10);
            assertEquals(expected, EnergyDistance.energyDistance(x, y, 5), 1e-10);
        }
    }

    @Test
    void nearZeroForOneDistributionAndPositiveOtherwise() {
        int seeds = 20;
        int n = 300;
        double mean = 0;
        double sq = 0;
        for (int s = 0; s < seeds; s++) {
            double v = EnergyDistance.energyDistance(normal(100 + s, n, 2, 0), normal(200 + s, n, 2, 0));
            assertTrue(Math.abs(v) < 0.05, "energy distance " + v);
            mean += v / seeds;
            sq += v * v / seeds;
        }
        double sd = Math.sqrt((sq - mean * mean) * seeds / (seeds - 1));
        assertTrue(Math.abs(mean) < 4 * sd / Math.sqrt(seeds), "mean " + mean + ", sd " + sd);
        double shifted = EnergyDistance.energyDistance(normal(300, n, 2, 0), normal(301, n, 2, 0.5));
        assertTrue(shifted > 10 * sd, "shifted " + shifted + " vs null sd " + sd);
    }

    @Test
    void matchesThePopulationValueIn1d() {
        // N(0, 1) vs N(1, 1): 2E|X − Y| − 2E|X − X'| with X − Y ~ N(−1, 2) and X − X' ~ N(0, 2);
        // E|N(μ, s²)| = s√(2/π) exp(−μ²/2s²) + μ(1 − 2Φ(−μ/s)) gives 0.5418065793.
        // One estimate with n = 1000 has a standard deviation of about 0.05; average 10 of them.
        double mean = 0;
        for (int s = 0; s < 10; s++) {
            mean += EnergyDistance.energyDistance(normal(10 + s, 1000, 1, 0), normal(30 + s, 1000, 1, 1)) / 10;
        }
        assertEquals(0.5418065793, mean, 0.06);
    }

    @Test
    void badInputIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EnergyDistance.energyDistance(normal(1, 4, 2, 0), normal(1, 4, 1, 0)));
        assertTrue(e.getMessage().startsWith("energyDistance:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> EnergyDistance.energyDistance(normal(1, 1, 2, 0), normal(1, 4, 2, 0)));
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
    }
}
