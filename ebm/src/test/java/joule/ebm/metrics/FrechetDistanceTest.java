package joule.ebm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.ebm.metrics.FrechetDistance.Moments;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {
    private static double[] diag(double... v) {
        int d = v.length;
        double[] c = new double[d * d];
        for (int i = 0; i < d; i++) {
            c[i * d + i] = v[i];
        }
        return c;
    }

    /** {@code Σ_i (sqrt a_i − sqrt b_i)²}: the covariance term between commuting covariances with eigenvalues {@code a, b}. */
    private static double commutingTerm(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double t = Math.sqrt(a[i]) - Math.sqrt(b[i]);
            s += t * t;
        }
        return s;
    }

    private static double sqDist(double[] u, double[] v) {
        double s = 0;
        for (int i = 0; i < u.length; i++) {
            s += (u[i] - v[i]) * (u[i] - v[i]);
        }
        return s;
    }

    @Test
    void diagonalCovariancesGiveTheClosedForm() {
        double[] mu1 = {0.5, -1, 2};
        double[] mu2 = {1, 1, -0.5};
        double[] a = {1, 4, 0.25};
        double[] b = {9, 1, 0}; // singular: a clamped eigenvalue
        double expected = sqDist(mu1, mu2) + commutingTerm(a, b);
        double fd = FrechetDistance.distance(new Moments(10, mu1, diag(a)), new Moments(10, mu2, diag(b)));
        assertEquals(expected, fd, 1e-12 * expected);
    }

    @Test
    void covariancesRotatedTogetherGiveTheClosedForm() {
        int d = 40;
        double[] q = SymmetricEigenTest.reflection(1, d);
        double[] a = new RandomStream(2).uniform(0.1, 3, DType.FLOAT64, d).toDoubleArray();
        double[] b = new RandomStream(3).uniform(0.1, 3, DType.FLOAT64, d).toDoubleArray();
        double[] mu1 = new RandomStream(4).normal(DType.FLOAT64, d).toDoubleArray();
        double[] mu2 = new RandomStream(5).normal(DType.FLOAT64, d).toDoubleArray();
        double expected = sqDist(mu1, mu2) + commutingTerm(a, b);
        double fd = FrechetDistance.distance(new Moments(100, mu1, SymmetricEigenTest.withSpectrum(q, a)),
                new Moments(100, mu2, SymmetricEigenTest.withSpectrum(q, b)));
        assertEquals(expected, fd, 1e-11 * expected);
    }

    @Test
    void nonCommutingCovariancesInTwoDimensionsGiveTheClosedForm() {
        // For 2 × 2 M with positive eigenvalues, tr √M = sqrt(tr M + 2 sqrt(det M)).
        double[] c1 = {2, 0.7, 0.7, 1};
        double theta = 0.6;
        double cs = Math.cos(theta);
        double sn = Math.sin(theta);
        double[] l = {3, 0.2};
        double[] c2 = {cs * cs * l[0] + sn * sn * l[1], cs * sn * (l[0] - l[1]), cs * sn * (l[0] - l[1]),
                sn * sn * l[0] + cs * cs * l[1]};
        double trProduct = c1[0] * c2[0] + c1[1] * c2[2] + c1[2] * c2[1] + c1[3] * c2[3];
        double det = (c1[0] * c1[3] - c1[1] * c1[2]) * (c2[0] * c2[3] - c2[1] * c2[2]);
        double expected = 1 + c1[0] + c1[3] + c2[0] + c2[3] - 2 * Math.sqrt(trProduct + 2 * Math.sqrt(det));
        double fd = FrechetDistance.distance(new Moments(5, new double[] {0, 0}, c1), new Moments(5, new double[] {1, 0}, c2));
        assertEquals(expected, fd, 1e-13);
        assertEquals(fd, FrechetDistance.distance(new Moments(5, new double[] {1, 0}, c2),
                new Moments(5, new double[] {0, 0}, c1)), 1e-13);
    }

    @Test
    void scaledCovarianceGivesTheClosedForm() {
        // C₂ = s² C₁: tr(C₁ + s²C₁ − 2s C₁) = (1 − s)² tr C₁, for any full covariance C₁.
        int d = 64;
        Tensor g = new RandomStream(6).normal(DType.FLOAT64, 200, d);
        Moments m = FrechetDistance.moments(g.matmul(new RandomStream(7).normal(DType.FLOAT64, d, d)));
        double s = 1.7;
        double[] scaled = m.covariance().clone();
        double trace = 0;
        for (int i = 0; i < d * d; i++) {
            scaled[i] *= s * s;
        }
        for (int i = 0; i < d; i++) {
            trace += m.covariance()[i * d + i];
        }
        double fd = FrechetDistance.distance(m, new Moments(200, m.mean(), scaled));
        assertEquals((1 - s) * (1 - s) * trace, fd, 1e-10 * trace);
    }

    @Test
    void identicalSamplesAreAtDistanceZeroAndTranslationAddsItsSquaredLength() {
        int n = 500;
        int d = 30;
        Tensor x = new RandomStream(8).normal(DType.FLOAT64, n, d).matmul(new RandomStream(9).normal(DType.FLOAT64, d, d));
        double trace = x.sub(x.mean(new int[] {0}, true)).square().sum().item() / (n - 1);
        assertEquals(0, FrechetDistance.distance(x, x), 1e-10 * trace);

        Tensor delta = new RandomStream(10).normal(DType.FLOAT64, 1, d);
        double deltaSq = delta.square().sum().item();
        assertEquals(deltaSq, FrechetDistance.distance(x, x.add(delta)), 1e-10 * trace);
        // A shuffled copy is the same sample.
        assertEquals(0, FrechetDistance.distance(x, Tensor.cat(0, x.narrow(0, 250, 250), x.narrow(0, 0, 250))),
                1e-10 * trace);
    }

    @Test
    void isSymmetricAndPositiveBetweenDifferentSamples() {
        Tensor x = new RandomStream(11).normal(DType.FLOAT64, 300, 16);
        Tensor y = new RandomStream(12).normal(DType.FLOAT64, 200, 16).mul(1.5).add(0.3);
        double xy = FrechetDistance.distance(x, y);
        assertEquals(xy, FrechetDistance.distance(y, x), 1e-12 * xy);
        // Population value: 16 · 0.3² + 16 · (1.5 − 1)² = 5.44, plus sampling bias and noise.
        assertTrue(xy > 4 && xy < 8, "FD = " + xy);
    }

    @Test
    void momentsAreTheMeanAndUnbiasedCovariance() {
        int n = 7;
        int d = 3;
        Tensor x = new RandomStream(13).normal(DType.FLOAT32, n, d);
        double[] v = x.toDoubleArray();
        Moments m = FrechetDistance.moments(x);
        assertEquals(n, m.count());
        assertEquals(d, m.dim());
        for (int i = 0; i < d; i++) {
            double mean = 0;
            for (int r = 0; r < n; r++) {
                mean += v[r * d + i] / n;
            }
            assertEquals(mean, m.mean()[i], 1e-15);
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double c = 0;
                for (int r = 0; r < n; r++) {
                    c += (v[r * d + i] - m.mean()[i]) * (v[r * d + j] - m.mean()[j]);
                }
                assertEquals(c / (n - 1), m.covariance()[i * d + j], 1e-14);
            }
        }
    }

    @Test
    void badInputIsNamed() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 5, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FrechetDistance.distance(x, Tensor.zeros(DType.FLOAT64, 5, 4)));
        assertTrue(e.getMessage().contains("frechetDistance") && e.getMessage().contains("[5, 3]")
                && e.getMessage().contains("[5, 4]") && e.getMessage().contains("3 ≠ 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FrechetDistance.distance(x, Tensor.zeros(DType.FLOAT64, 1, 3)));
        assertTrue(e.getMessage().contains("frechetDistance: y needs at least 2 points")
                && e.getMessage().contains("[1, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FrechetDistance.moments(Tensor.zeros(DType.FLOAT64, 6)));
        assertTrue(e.getMessage().contains("must be [n, d], got shape [6]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FrechetDistance.moments(Tensor.full(DType.FLOAT64, Double.NaN, 3, 2)));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FrechetDistance.distance(
                new Moments(3, new double[2], new double[4]), new Moments(3, new double[3], new double[9])));
        assertTrue(e.getMessage().contains("differ in dimension (2 ≠ 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Moments(1, new double[2], new double[4]));
        assertTrue(e.getMessage().contains("count ≥ 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Moments(4, new double[2], new double[3]));
        assertTrue(e.getMessage().contains("covariance of 3 values"), e.getMessage());
    }
}
