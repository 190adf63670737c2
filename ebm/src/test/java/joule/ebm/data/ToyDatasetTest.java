package joule.ebm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ToyDatasetTest {
    private static final int N = 20_000;

    private static double[] draw(ToyDataset t, int n, long seed) {
        return t.sample(n, DType.FLOAT64, new RandomStream(seed)).toDoubleArray();
    }

    /** Binomial count of {@code n} trials at {@code p} within 5 standard deviations of its mean. */
    private static void assertCount(int count, int n, double p, String what) {
        double sd = Math.sqrt(n * p * (1 - p));
        assertTrue(Math.abs(count - n * p) < 5 * sd, what + ": count " + count + ", expected " + n * p + " ± " + 5 * sd);
    }

    @ParameterizedTest
    @EnumSource(ToyDataset.class)
    void shapeDtypeAndDeterminism(ToyDataset t) {
        Tensor a = t.sample(257, DType.FLOAT64, new RandomStream(11));
        Tensor b = t.sample(257, DType.FLOAT64, new RandomStream(11));
        Tensor c = t.sample(257, DType.FLOAT64, new RandomStream(12));
        Tensor f = t.sample(257, DType.FLOAT32, new RandomStream(11));
        assertArrayEquals(new int[] {257, 2}, a.shape());
        assertEquals(DType.FLOAT64, a.dtype());
        assertEquals(DType.FLOAT32, f.dtype());
        assertArrayEquals(new int[] {257, 2}, f.shape());
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), 0.0);
        assertFalse(Arrays.equals(a.toDoubleArray(), c.toDoubleArray()));
        assertArrayEquals(a.to(DType.FLOAT32).toFloatArray(), f.toFloatArray(), 0f);
        for (double v : a.toDoubleArray()) {
            assertTrue(Double.isFinite(v));
        }
        assertArrayEquals(new int[] {0, 2}, t.sample(0, DType.FLOAT32, new RandomStream(1)).shape());
    }

    @ParameterizedTest
    @EnumSource(ToyDataset.class)
    void consecutiveDrawsDiffer(ToyDataset t) {
        RandomStream rs = new RandomStream(5);
        double[] first = t.sample(64, DType.FLOAT64, rs).toDoubleArray();
        double[] second = t.sample(64, DType.FLOAT64, rs).toDoubleArray();
        assertFalse(Arrays.equals(first, second));
    }

    @ParameterizedTest
    @EnumSource(ToyDataset.class)
    void namesRoundTrip(ToyDataset t) {
        assertSame(t, ToyDataset.byName(t.cliName()));
        assertSame(t, ToyDataset.byName(t.name()));
        assertSame(t, ToyDataset.byName(" " + t.cliName().toUpperCase() + " "));
    }

    @Test
    void namesAndAliases() {
        assertSame(ToyDataset.TWO_MOONS, ToyDataset.byName("two-moons"));
        assertSame(ToyDataset.TWO_MOONS, ToyDataset.byName("moons"));
        assertSame(ToyDataset.EIGHT_GAUSSIANS, ToyDataset.byName("8gaussians"));
        assertSame(ToyDataset.SWISS_ROLL, ToyDataset.byName("swissroll"));
        assertEquals(ToyDataset.values().length, ToyDataset.names().size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ToyDataset.byName("spirals"));
        assertTrue(e.getMessage().contains("\"spirals\"") && e.getMessage().contains("two-moons"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ToyDataset.RINGS.sample(-1, DType.FLOAT32, new RandomStream(1)));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void eightGaussiansHasEightClustersAtTheCentres() {
        double[] p = draw(ToyDataset.EIGHT_GAUSSIANS, N, 1);
        int[] count = new int[8];
        double[][] sum = new double[8][2];
        double sq = 0;
        for (int i = 0; i < N; i++) {
            int best = -1;
            double bestD = Double.POSITIVE_INFINITY;
            for (int k = 0; k < 8; k++) {
                double dx = p[2 * i] - ToyDataset.EIGHT_RADIUS * Math.cos(k * Math.PI / 4);
                double dy = p[2 * i + 1] - ToyDataset.EIGHT_RADIUS * Math.sin(k * Math.PI / 4);
                double d = dx * dx + dy * dy;
                if (d < bestD) {
                    bestD = d;
                    best = k;
                }
            }
            count[best]++;
            sum[best][0] += p[2 * i];
            sum[best][1] += p[2 * i + 1];
            sq += bestD;
        }
        double sd = ToyDataset.EIGHT_STD;
        for (int k = 0; k < 8; k++) {
            assertCount(count[k], N, 1.0 / 8, "cluster " + k);
            double tol = 5 * sd / Math.sqrt(count[k]);
            assertEquals(ToyDataset.EIGHT_RADIUS * Math.cos(k * Math.PI / 4), sum[k][0] / count[k], tol);
            assertEquals(ToyDataset.EIGHT_RADIUS * Math.sin(k * Math.PI / 4), sum[k][1] / count[k], tol);
        }
        // Mean squared distance to the centre: 2σ² (clusters are well apart, nearest centre = own).
        assertEquals(2 * sd * sd, sq / N, 0.05 * 2 * sd * sd);
    }

    /** Distance from {@code (x, y)} to the upper unit half circle (centre 0, y ≥ 0). */
    private static double toUpperArc(double x, double y) {
        if (y >= 0) {
            return Math.abs(Math.hypot(x, y) - 1);
        }
        return Math.min(Math.hypot(x - 1, y), Math.hypot(x + 1, y));
    }

    @Test
    void twoMoonsLieNearTheTwoArcs() {
        double[] p = draw(ToyDataset.TWO_MOONS, N, 2);
        int near = 0;
        int upper = 0;
        double sq = 0;
        for (int i = 0; i < N; i++) {
            // Undo the scaling: back to make_moons coordinates.
            double x = (p[2 * i] + 1) / 2;
            double y = (p[2 * i + 1] + 0.2) / 2;
            double dUpper = toUpperArc(x, y);
            double dLower = toUpperArc(1 - x, 0.5 - y); // the lower moon is the upper one turned by π about (0.5, 0.25)
            double d = Math.min(dUpper, dLower);
            if (dUpper < dLower) {
                upper++;
            }
            if (d < 4 * ToyDataset.MOONS_NOISE) {
                near++;
            }
            sq += d * d;
        }
        assertTrue(near > 0.995 * N, "points within 4σ of an arc: " + near + " of " + N);
        assertCount(upper, N, 0.5, "upper moon");
        // Distance to the nearest arc is at most the noise: mean square ≤ E‖ε‖² = 2σ²; about σ² (normal part).
        double s2 = ToyDataset.MOONS_NOISE * ToyDataset.MOONS_NOISE;
        assertTrue(sq / N < 1.2 * s2 && sq / N > 0.7 * s2, "mean squared distance " + sq / N);
    }

    @Test
    void swissRollFollowsTheSpiral() {
        int n = 4000;
        double[] p = draw(ToyDataset.SWISS_ROLL, n, 3);
        int steps = 2000;
        double[] cx = new double[steps + 1];
        double[] cy = new double[steps + 1];
        for (int s = 0; s <= steps; s++) {
            double t = 1.5 * Math.PI * (1 + 2.0 * s / steps);
            cx[s] = t * Math.cos(t);
            cy[s] = t * Math.sin(t);
        }
        double sq = 0;
        for (int i = 0; i < n; i++) {
            double x = 5 * p[2 * i];
            double y = 5 * p[2 * i + 1];
            double best = Double.POSITIVE_INFINITY;
            for (int s = 0; s <= steps; s++) {
                double dx = x - cx[s];
                double dy = y - cy[s];
                best = Math.min(best, dx * dx + dy * dy);
            }
            sq += best;
            assertTrue(Math.hypot(x, y) < 4.5 * Math.PI + 6, "radius " + Math.hypot(x, y));
        }
        // Noise N(0, I) before /5: squared distance to the curve ≈ its normal part, ≈ 1.
        assertTrue(sq / n > 0.7 && sq / n < 1.3, "mean squared distance to the spiral " + sq / n);
    }

    @Test
    void checkerboardOnlyInBlackSquares() {
        double[] p = draw(ToyDataset.CHECKERBOARD, N, 4);
        int[] count = new int[16];
        for (int i = 0; i < N; i++) {
            double x = p[2 * i];
            double y = p[2 * i + 1];
            assertTrue(x >= -4 && x < 4 && y >= -4 && y < 4, "point (" + x + ", " + y + ") outside [-4, 4]²");
            int cx = (int) Math.floor(x / 2);
            int cy = (int) Math.floor(y / 2);
            assertEquals(0, Math.floorMod(cx + cy, 2), "point (" + x + ", " + y + ") in a white square");
            count[(cx + 2) * 4 + (cy + 2)]++;
        }
        for (int cx = -2; cx < 2; cx++) {
            for (int cy = -2; cy < 2; cy++) {
                if (Math.floorMod(cx + cy, 2) == 0) {
                    assertCount(count[(cx + 2) * 4 + (cy + 2)], N, 1.0 / 8, "square " + cx + "," + cy);
                }
            }
        }
    }

    @Test
    void pinwheelHasFiveSpiralArms() {
        double[] p = draw(ToyDataset.PINWHEEL, N, 5);
        int[] arm = new int[5];
        int onArm = 0;
        double radius = 0;
        for (int i = 0; i < N; i++) {
            double x = p[2 * i] / 2;
            double y = p[2 * i + 1] / 2;
            double r = Math.hypot(x, y);
            radius += r;
            // A point is ≈ f₀(cos a, −sin a) with a = 2πk/5 + 0.25·exp(f₀) and f₀ ≈ r.
            double a = -Math.atan2(y, x);
            int best = 0;
            double bestD = Double.POSITIVE_INFINITY;
            for (int k = 0; k < 5; k++) {
                double diff = a - (2 * Math.PI * k / 5 + 0.25 * Math.exp(r));
                double d = Math.abs(Math.IEEEremainder(diff, 2 * Math.PI));
                if (d < bestD) {
                    bestD = d;
                    best = k;
                }
            }
            arm[best]++;
            if (bestD < 0.35) {
                onArm++;
            }
        }
        assertTrue(onArm > 0.97 * N, "points on an arm: " + onArm);
        for (int k = 0; k < 5; k++) {
            assertCount(arm[k], N, 0.2, "arm " + k);
        }
        assertEquals(1.0, radius / N, 0.03);
    }

    @Test
    void ringsAreConcentric() {
        double[] p = draw(ToyDataset.RINGS, N, 6);
        int[] count = new int[ToyDataset.RING_RADII.length];
        double sq = 0;
        for (int i = 0; i < N; i++) {
            double r = Math.hypot(p[2 * i], p[2 * i + 1]);
            int best = 0;
            for (int k = 1; k < count.length; k++) {
                if (Math.abs(r - ToyDataset.RING_RADII[k]) < Math.abs(r - ToyDataset.RING_RADII[best])) {
                    best = k;
                }
            }
            double d = r - ToyDataset.RING_RADII[best];
            assertTrue(Math.abs(d) < 6 * ToyDataset.RING_NOISE, "radius " + r);
            sq += d * d;
            count[best]++;
        }
        for (int k = 0; k < count.length; k++) {
            assertCount(count[k], N, 0.25, "ring " + k);
        }
        double s2 = ToyDataset.RING_NOISE * ToyDataset.RING_NOISE;
        assertEquals(s2, sq / N, 0.1 * s2);
    }

    @Test
    void twoGaussiansHaveTwoModes() {
        double[] p = draw(ToyDataset.TWO_GAUSSIANS, N, 7);
        int right = 0;
        double[] sumX = new double[2];
        double[] sumSq = new double[2];
        int[] c = new int[2];
        for (int i = 0; i < N; i++) {
            int m = p[2 * i] > 0 ? 1 : 0;
            right += m;
            c[m]++;
            sumX[m] += p[2 * i];
            double mu = m == 1 ? 2 : -2;
            sumSq[m] += (p[2 * i] - mu) * (p[2 * i] - mu) + p[2 * i + 1] * p[2 * i + 1];
        }
        assertCount(right, N, 0.5, "right mode");
        for (int m = 0; m < 2; m++) {
            assertEquals(m == 1 ? 2 : -2, sumX[m] / c[m], 5 * 0.5 / Math.sqrt(c[m]));
            assertEquals(2 * 0.25, sumSq[m] / c[m], 0.05);
        }
    }

    @Test
    void standardNormalInAnyDimension() {
        int n = 20_000;
        int d = 5;
        Tensor x = ToyDataset.standardNormal(n, d, DType.FLOAT64, new RandomStream(8));
        assertArrayEquals(new int[] {n, d}, x.shape());
        double[] v = x.toDoubleArray();
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += v[i * d + a] * v[i * d + b];
                }
                assertEquals(a == b ? 1 : 0, s / n, 5 * Math.sqrt(2.0 / n), "covariance " + a + "," + b);
            }
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += v[i * d + a];
            }
            assertEquals(0, mean / n, 5 / Math.sqrt(n));
        }
        assertArrayEquals(ToyDataset.GAUSSIAN.sample(100, DType.FLOAT32, new RandomStream(9)).toFloatArray(),
                ToyDataset.standardNormal(100, 2, DType.FLOAT32, new RandomStream(9)).toFloatArray(), 0f);
        assertThrows(IllegalArgumentException.class,
                () -> ToyDataset.standardNormal(10, 0, DType.FLOAT32, new RandomStream(1)));
    }
}
