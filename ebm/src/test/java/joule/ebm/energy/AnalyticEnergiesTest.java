package joule.ebm.energy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.autograd.Functional;
import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Analytic energies: values and scores (from autograd) against hand formulas, and bad input. */
class AnalyticEnergiesTest {
    private static final double[] MU = {1, -1};
    private static final double[] COV = {1, 0.5, 0.5, 2};
    // Λ = C⁻¹ = [[2, -0.5], [-0.5, 1]] / 1.75
    private static final double[] PREC = {2 / 1.75, -0.5 / 1.75, -0.5 / 1.75, 1 / 1.75};

    private static GaussianEnergy gaussian() {
        return new GaussianEnergy(Tensor.of(MU), Tensor.of(COV, 2, 2));
    }

    @Test
    void gaussianPrecisionIsTheInverseCovariance() {
        assertArrayEquals(PREC, gaussian().precision().toDoubleArray(), 1e-14);
        GaussianEnergy fromPrec = GaussianEnergy.fromPrecision(Tensor.of(MU), Tensor.of(PREC, 2, 2));
        assertArrayEquals(COV, fromPrec.covariance().toDoubleArray(), 1e-13);
        assertEquals(Math.log(2 * Math.PI) + 0.5 * Math.log(1.75), gaussian().logPartition(), 1e-14);
        assertEquals(gaussian().logPartition(), fromPrec.logPartition(), 1e-13);
    }

    @Property(tries = 20)
    void gaussianEnergyAndScoreMatchHandFormulas(@ForAll @IntRange(min = 1, max = 1000) int seed) {
        Tensor x = new RandomStream(seed).normal(DType.FLOAT64, 7, 2).mul(2);
        GaussianEnergy g = gaussian();
        double[] e = g.energy(x).toDoubleArray();
        double[] s = g.score(x).toDoubleArray();
        for (int b = 0; b < 7; b++) {
            double d0 = x.get(b, 0) - MU[0];
            double d1 = x.get(b, 1) - MU[1];
            double l0 = PREC[0] * d0 + PREC[1] * d1;
            double l1 = PREC[2] * d0 + PREC[3] * d1;
            assertEquals(0.5 * (d0 * l0 + d1 * l1), e[b], 1e-12);
            assertEquals(-l0, s[2 * b], 1e-12);          // s = −Λ(x − μ)
            assertEquals(-l1, s[2 * b + 1], 1e-12);
        }
        Energy.EnergyAndScore es = g.energyAndScore(x);
        assertArrayEquals(e, es.energy().toDoubleArray(), 0);
        assertArrayEquals(s, es.score().toDoubleArray(), 0);
    }

    @Test
    void gaussianHessianFromAutogradIsThePrecision() {
        Tensor x = Tensor.of(new double[] {0.3, 0.7}, 1, 2);
        Tensor h = Functional.hessian(v -> gaussian().energy(v).sum(), x);
        assertArrayEquals(PREC, h.reshape(2, 2).toDoubleArray(), 1e-12);
    }

    @Test
    void gaussianWorksInFloat32() {
        GaussianEnergy g32 = new GaussianEnergy(Tensor.of(new float[] {1, -1}), Tensor.of(new float[] {1, 0.5f, 0.5f, 2}, 2, 2));
        Tensor x = new RandomStream(3).normal(DType.FLOAT32, 5, 2);
        Tensor s = g32.score(x);
        assertEquals(DType.FLOAT32, s.dtype());
        assertArrayEquals(gaussian().score(x.to(DType.FLOAT64)).toDoubleArray(), s.toDoubleArray(), 1e-5);
        assertEquals(DType.FLOAT32, g32.sample(4, new RandomStream(1)).dtype());
    }

    @Test
    void gaussianSamplesHaveTheRightMoments() {
        int n = 20000;
        double[] x = gaussian().sample(n, new RandomStream(11)).toDoubleArray();
        double m0 = 0;
        double m1 = 0;
        for (int i = 0; i < n; i++) {
            m0 += x[2 * i] / n;
            m1 += x[2 * i + 1] / n;
        }
        double c01 = 0;
        for (int i = 0; i < n; i++) {
            c01 += (x[2 * i] - m0) * (x[2 * i + 1] - m1) / (n - 1);
        }
        assertEquals(1, m0, 5 * Math.sqrt(1.0 / n));
        assertEquals(-1, m1, 5 * Math.sqrt(2.0 / n));
        assertEquals(0.5, c01, 5 * Math.sqrt((2 + 0.25) / n));
    }

    @Test
    void gaussianRejectsBadParameters() {
        IllegalArgumentException notPd = assertThrows(IllegalArgumentException.class,
                () -> new GaussianEnergy(Tensor.of(MU), Tensor.of(new double[] {1, 2, 2, 1}, 2, 2)));
        assertTrue(notPd.getMessage().contains("GaussianEnergy") && notPd.getMessage().contains("positive definite"),
                notPd.getMessage());
        IllegalArgumentException notSym = assertThrows(IllegalArgumentException.class,
                () -> new GaussianEnergy(Tensor.of(MU), Tensor.of(new double[] {1, 0.5, 0.4, 2}, 2, 2)));
        assertTrue(notSym.getMessage().contains("not symmetric"), notSym.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> GaussianEnergy.fromPrecision(Tensor.of(MU), Tensor.of(new double[] {0, 0, 0, 1}, 2, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> new GaussianEnergy(Tensor.of(MU), Tensor.of(new double[] {1, 0, 0, 1, 0, 0, 0, 0, 1}, 3, 3)));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> gaussian().energy(Tensor.zeros(DType.FLOAT64, 4, 3)));
        assertTrue(shape.getMessage().contains("GaussianEnergy") && shape.getMessage().contains("[4, 3]"),
                shape.getMessage());
    }

    // ---------------------------------------------------------------- mixture

    @Property(tries = 20)
    void mixtureMatchesDirectDoubleComputation(@ForAll @IntRange(min = 1, max = 1000) int seed) {
        double[] w = {0.2, 0.5, 0.3};
        double[] mu = {-2, 0, 1, 1, 3, -1};
        double[] sd = {0.5, 1.0, 0.8};
        GaussianMixtureEnergy gm = new GaussianMixtureEnergy(Tensor.of(new double[] {2, 5, 3}), Tensor.of(mu, 3, 2),
                Tensor.of(sd));
        Tensor x = new RandomStream(seed).normal(DType.FLOAT64, 6, 2).mul(2);
        double[] e = gm.energy(x).toDoubleArray();
        double[] s = gm.score(x).toDoubleArray();
        for (int b = 0; b < 6; b++) {
            double p = 0;
            double[] dens = new double[3];
            for (int k = 0; k < 3; k++) {
                double d0 = x.get(b, 0) - mu[2 * k];
                double d1 = x.get(b, 1) - mu[2 * k + 1];
                double v = sd[k] * sd[k];
                dens[k] = w[k] / (2 * Math.PI * v) * Math.exp(-(d0 * d0 + d1 * d1) / (2 * v));
                p += dens[k];
            }
            assertEquals(-Math.log(p), e[b], 1e-10);
            for (int j = 0; j < 2; j++) {
                double sj = 0;
                for (int k = 0; k < 3; k++) {
                    sj += dens[k] / p * (mu[2 * k + j] - x.get(b, j)) / (sd[k] * sd[k]);
                }
                assertEquals(sj, s[2 * b + j], 1e-10);
            }
        }
    }

    @Test
    void mixtureIsStableFarFromAllComponents() {
        GaussianMixtureEnergy gm = new GaussianMixtureEnergy(Tensor.of(new double[] {0.5, 0.5}),
                Tensor.of(new double[] {-1, 1}, 2, 1), Tensor.of(new double[] {0.1, 0.1}));
        Tensor x = Tensor.of(new double[] {200}, 1, 1);
        double e = gm.energy(x).item();
        // the nearer component (μ = 1) dominates: E ≈ 199²/(2·0.01) − log(0.5) + ½ log(2π·0.01)
        assertEquals(199.0 * 199 / 0.02 - Math.log(0.5) + 0.5 * Math.log(2 * Math.PI * 0.01), e, 1e-6);
        assertEquals(-199 / 0.01, gm.score(x).item(), 1e-6);
    }

    @Test
    void mixtureRejectsBadParameters() {
        assertThrows(IllegalArgumentException.class, () -> new GaussianMixtureEnergy(Tensor.of(new double[] {1, -1}),
                Tensor.zeros(DType.FLOAT64, 2, 2), Tensor.of(new double[] {1, 1})));
        IllegalArgumentException std = assertThrows(IllegalArgumentException.class,
                () -> new GaussianMixtureEnergy(Tensor.of(new double[] {1, 1}), Tensor.zeros(DType.FLOAT64, 2, 2),
                        Tensor.of(new double[] {1, 0})));
        assertTrue(std.getMessage().contains("GaussianMixtureEnergy") && std.getMessage().contains("std 1"),
                std.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GaussianMixtureEnergy(Tensor.of(new double[] {1, 1}),
                Tensor.zeros(DType.FLOAT64, 2, 2), Tensor.of(new double[] {1, 1, 1})));
    }

    @Test
    void mixtureSamplesPickComponentsByWeight() {
        GaussianMixtureEnergy gm = new GaussianMixtureEnergy(Tensor.of(new double[] {1, 3}),
                Tensor.of(new double[] {-10, 10}, 2, 1), Tensor.of(new double[] {1, 1}));
        double[] x = gm.sample(20000, new RandomStream(5)).toDoubleArray();
        int right = 0;
        for (double v : x) {
            right += v > 0 ? 1 : 0;
        }
        assertEquals(15000, right, 5 * Math.sqrt(20000 * 0.25 * 0.75));
    }

    // ---------------------------------------------------------------- toy energies

    @Property(tries = 20)
    void doubleWellScoreMatchesHandFormula(@ForAll @IntRange(min = 1, max = 1000) int seed) {
        double a = 2.5;
        Tensor x = new RandomStream(seed).normal(DType.FLOAT64, 5, 3).mul(1.5);
        DoubleWellEnergy dw = new DoubleWellEnergy(a);
        double[] e = dw.energy(x).toDoubleArray();
        double[] s = dw.score(x).toDoubleArray();
        for (int b = 0; b < 5; b++) {
            double x1 = x.get(b, 0);
            double x2 = x.get(b, 1);
            double x3 = x.get(b, 2);
            assertEquals(a * (x1 * x1 - 1) * (x1 * x1 - 1) + 0.5 * (x2 * x2 + x3 * x3), e[b], 1e-12);
            assertEquals(-4 * a * x1 * (x1 * x1 - 1), s[3 * b], 1e-11);
            assertEquals(-x2, s[3 * b + 1], 1e-12);
            assertEquals(-x3, s[3 * b + 2], 1e-12);
        }
        // D = 1 works too
        assertEquals(a * 9, dw.energy(Tensor.of(new double[] {2}, 1, 1)).item(), 1e-12);
    }

    @Property(tries = 20)
    void rosenbrockScoreMatchesHandFormula(@ForAll @IntRange(min = 1, max = 1000) int seed) {
        double a = 1.5;
        double b = 30;
        double t = 4;
        int d = 4;
        Tensor x = new RandomStream(seed).normal(DType.FLOAT64, 3, d);
        RosenbrockEnergy rb = new RosenbrockEnergy(a, b, t);
        double[] e = rb.energy(x).toDoubleArray();
        double[] s = rb.score(x).toDoubleArray();
        for (int r = 0; r < 3; r++) {
            double energy = 0;
            double[] grad = new double[d];
            for (int i = 0; i < d - 1; i++) {
                double xi = x.get(r, i);
                double xn = x.get(r, i + 1);
                energy += (a - xi) * (a - xi) + b * (xn - xi * xi) * (xn - xi * xi);
                grad[i] += -2 * (a - xi) - 4 * b * xi * (xn - xi * xi);
                grad[i + 1] += 2 * b * (xn - xi * xi);
            }
            assertEquals(energy / t, e[r], 1e-11);
            for (int i = 0; i < d; i++) {
                assertEquals(-grad[i] / t, s[r * d + i], 1e-10);
            }
        }
    }

    @Test
    void bananaDefaultsAreGoodmanWeare() {
        RosenbrockEnergy banana = new RosenbrockEnergy();
        Tensor x = Tensor.of(new double[] {0.5, 2}, 1, 2);
        assertEquals((100 * (2 - 0.25) * (2 - 0.25) + 0.25) / 20, banana.energy(x).item(), 1e-12);
        assertEquals(0, banana.energy(Tensor.of(new double[] {1, 1}, 1, 2)).item(), 0);
        assertThrows(IllegalArgumentException.class, () -> banana.energy(Tensor.zeros(DType.FLOAT64, 3, 1)));
    }

    @Property(tries = 20)
    void ringScoreMatchesHandFormula(@ForAll @IntRange(min = 1, max = 1000) int seed) {
        double r = 2;
        double sigma = 0.3;
        Tensor x = new RandomStream(seed).normal(DType.FLOAT64, 5, 2).mul(2);
        RingEnergy ring = new RingEnergy(r, sigma);
        double[] e = ring.energy(x).toDoubleArray();
        double[] s = ring.score(x).toDoubleArray();
        for (int b = 0; b < 5; b++) {
            double norm = Math.hypot(x.get(b, 0), x.get(b, 1));
            assertEquals((norm - r) * (norm - r) / (2 * sigma * sigma), e[b], 1e-11);
            for (int j = 0; j < 2; j++) {
                assertEquals(-(norm - r) * x.get(b, j) / (sigma * sigma * norm), s[2 * b + j], 1e-10);
            }
        }
    }

    @Test
    void toyEnergiesRejectBadParameters() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DoubleWellEnergy(-1));
        assertTrue(e.getMessage().contains("DoubleWellEnergy") && e.getMessage().contains("-1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RosenbrockEnergy(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RosenbrockEnergy(1, 100, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new RingEnergy(-1, 1));
        IllegalArgumentException sig = assertThrows(IllegalArgumentException.class, () -> new RingEnergy(1, 0));
        assertTrue(sig.getMessage().contains("RingEnergy") && sig.getMessage().contains("0.0"), sig.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RingEnergy(1, 1).energy(Var.constant(Tensor.zeros(DType.FLOAT64, 3))));
    }

    /** A linear energy's score does not depend on x: the generic second-order paths give 0 instead of failing. */
    @Test
    void linearEnergyHasZeroLaplacianAndSecondDirectionalDerivative() {
        Tensor a = Tensor.of(new double[] {1, -2, 0.5});
        Energy linear = x -> x.mul(Var.constant(a)).sum(1);
        Var x = Var.leaf(new RandomStream(5).normal(DType.FLOAT64, 4, 3));
        Energy.ScoreAndLaplacian sl = linear.scoreAndLaplacian(x);
        assertArrayEquals(new double[] {-1, 2, -0.5}, sl.score().value().narrow(0, 0, 1).toDoubleArray());
        assertArrayEquals(new double[4], sl.laplacian().value().toDoubleArray());
        Tensor v = new RandomStream(6).rademacher(DType.FLOAT64, 4, 3);
        Energy.DirectionalDerivatives dd = linear.directionalDerivatives(x, v);
        assertArrayEquals(v.matmul(a.reshape(3, 1)).reshape(4).toDoubleArray(), dd.first().value().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[4], dd.second().value().toDoubleArray());
    }
}
