package joule.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.function.Function;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.tensor.random.Distribution;
import org.junit.jupiter.api.Test;

/**
 * {@link Functional#hutchinsonTrace}: exact for a diagonal Hessian with Rademacher probes; otherwise
 * unbiased with variance {@code σ²/m} for {@code m} probes, where one probe has
 * {@code σ² = 2 Σ_{i≠j} H_ij²} (Rademacher) or {@code 2 ‖H‖_F²} (Gaussian) (ebm-reference.md).
 *
 * <p><b>How the statistics are tested.</b> A batch of {@code N} copies of the same point gives
 * {@code N} independent estimates (each sample draws its own probes). For errors
 * {@code e_k = T̂_k − tr H}: the mean error is within 5 standard errors {@code sd(e)/√N} of 0; the
 * mean squared error {@code MS} is within 5 standard errors {@code sd(e²)/√N} of {@code σ²/m}; and
 * the RMS ratio between {@code m} and {@code 4m} probes is 2 within 5 standard errors of its
 * logarithm, {@code ½·√((SE_m/MS_m)² + (SE_4m/MS_4m)²)} by the delta method. All standard errors
 * are estimated from the same data, so no distributional shape is assumed; the seeds are fixed, so
 * the test is deterministic, and 5σ bounds mean a correct estimator fails it with probability
 * below 1e-6 per comparison (for a given seed choice).
 */
class HutchinsonTest {
    private static final int D = 6;

    /** Per sample {@code f(x) = ½ xᵀAx + Σ_i c_i sin x_i}: {@code H = A − diag(c ⊙ sin x)}. */
    private static final class Quadratic {
        final double[][] a = new double[D][D];
        final double[] c = new double[D];
        final Var aVar;
        final Var cVar;

        Quadratic(long seed) {
            double[] m = new RandomStream(seed).normal(DType.FLOAT64, D, D).toDoubleArray();
            double[] cs = new RandomStream(seed + 1).normal(DType.FLOAT64, D).toDoubleArray();
            for (int i = 0; i < D; i++) {
                for (int j = 0; j < D; j++) {
                    a[i][j] = 0.5 * (m[i * D + j] + m[j * D + i]) / Math.sqrt(D) + (i == j ? 1.5 : 0);
                }
                c[i] = cs[i];
            }
            aVar = Var.constant(Tensor.of(SmoothFunctions.flatten(a), D, D));
            cVar = Var.constant(Tensor.of(c));
        }

        Var apply(Var x) {
            return x.matmul(aVar).mul(x).sum(1).mul(0.5).add(x.sin().mul(cVar).sum(1));
        }

        double[][] hessian(double[] x) {
            double[][] h = new double[D][];
            for (int i = 0; i < D; i++) {
                h[i] = a[i].clone();
                h[i][i] -= c[i] * Math.sin(x[i]);
            }
            return h;
        }
    }

    private static double trace(double[][] h) {
        double t = 0;
        for (int i = 0; i < h.length; i++) {
            t += h[i][i];
        }
        return t;
    }

    /** The variance of one probe's {@code vᵀHv}: {@code 2 Σ_{i≠j} H_ij²} or {@code 2 ‖H‖_F²}. */
    private static double singleProbeVariance(double[][] h, Distribution distribution) {
        double s = 0;
        for (int i = 0; i < h.length; i++) {
            for (int j = 0; j < h.length; j++) {
                if (i != j || distribution == Distribution.NORMAL) {
                    s += h[i][j] * h[i][j];
                }
            }
        }
        return 2 * s;
    }

    /** {@code n} copies of the point {@code x0} as a batch {@code [n, D]}. */
    private static Tensor copies(double[] x0, int n) {
        return Tensor.of(x0, 1, D).expand(n, D).contiguous();
    }

    private record Moments(double mean, double meanSquare, double meanSquareSe, double sdOfMean) {
        static Moments of(double[] e) {
            int n = e.length;
            double mean = 0;
            double ms = 0;
            for (double v : e) {
                mean += v / n;
                ms += v * v / n;
            }
            double varE = 0;
            double varE2 = 0;
            for (double v : e) {
                varE += (v - mean) * (v - mean) / (n - 1);
                varE2 += (v * v - ms) * (v * v - ms) / (n - 1);
            }
            return new Moments(mean, ms, Math.sqrt(varE2 / n), Math.sqrt(varE / n));
        }
    }

    // ---------------------------------------------------------------- exactness

    @Test
    void rademacherIsExactForADiagonalHessian() {
        // f = Σ a_i x_i² + Σ sin x_i per sample: H = diag(2a − sin x), and vᵀHv = Σ H_ii v_i² = tr H
        // for every ±1 probe, so any number of probes gives the trace up to rounding.
        int batch = 5;
        int d = 7;
        Tensor a = new RandomStream(1).normal(DType.FLOAT64, d);
        Tensor x = new RandomStream(2).normal(DType.FLOAT64, batch, d);
        Var av = Var.constant(a);
        Function<Var, Var> f = v -> v.square().mul(av).add(v.sin()).sum(1);
        double[] exact = a.mul(2).sub(x.sin()).sum(1).toDoubleArray();
        double scale = a.abs().mul(2).add(1).sum().item();
        assertArrayEquals(exact, Functional.hessianTrace(f, x).toDoubleArray(), 1e-13 * scale);
        for (int probes : new int[] {1, 2, 5, 64}) {
            for (long seed = 0; seed < 3; seed++) {
                double[] estimate = Functional.hutchinsonTrace(f, x, probes, Distribution.RADEMACHER, new RandomStream(seed))
                        .toDoubleArray();
                assertArrayEquals(exact, estimate, 1e-13 * scale, probes + " Rademacher probes, seed " + seed);
            }
        }
        // Gaussian probes are not exact here (variance 2 Σ H_ii² > 0)
        double[] gaussian = Functional.hutchinsonTrace(f, x, 4, Distribution.NORMAL, new RandomStream(0)).toDoubleArray();
        assertTrue(Math.abs(gaussian[0] - exact[0]) > 1e-6, "Gaussian probes give an estimate, not the trace");
    }

    // ---------------------------------------------------------------- unbiased, 1/√m

    @Test
    void errorShrinksLikeOneOverSqrtProbesAndMatchesTheVarianceFormula() {
        Quadratic q = new Quadratic(21);
        double[] x0 = new RandomStream(22).normal(DType.FLOAT64, D).toDoubleArray();
        double[][] h = q.hessian(x0);
        // the closed-form Hessian is the one the engine sees
        assertArrayEquals(SmoothFunctions.flatten(h),
                Functional.hessian(v -> q.apply(v.reshape(1, D)).sum(), Tensor.of(x0)).toDoubleArray(), 1e-13);
        double exact = trace(h);
        int n = 2000;
        Tensor x = copies(x0, n);
        int[] probes = {16, 64, 256};
        StringBuilder log = new StringBuilder();
        for (Distribution distribution : new Distribution[] {Distribution.NORMAL, Distribution.RADEMACHER}) {
            double sigma2 = singleProbeVariance(h, distribution);
            Moments[] moments = new Moments[probes.length];
            for (int k = 0; k < probes.length; k++) {
                int m = probes[k];
                // a different seed per m, so that the estimates for m and 4m are independent
                double[] estimate = Functional.hutchinsonTrace(q::apply, x, m, distribution, new RandomStream(1000 + m))
                        .toDoubleArray();
                double[] error = new double[n];
                for (int i = 0; i < n; i++) {
                    error[i] = estimate[i] - exact;
                }
                Moments mo = Moments.of(error);
                moments[k] = mo;
                log.append(String.format(Locale.ROOT, "%s m=%d: RMS error %.4f (formula √(σ²/m) = %.4f), bias %.4f ± "
                        + "%.4f%n", distribution, m, Math.sqrt(mo.meanSquare), Math.sqrt(sigma2 / m), mo.mean,
                        mo.sdOfMean));
                assertEquals(0, mo.mean, 5 * mo.sdOfMean, distribution + ", m = " + m + ": biased\n" + log);
                assertEquals(sigma2 / m, mo.meanSquare, 5 * mo.meanSquareSe,
                        distribution + ", m = " + m + ": mean squared error vs σ²/m\n" + log);
            }
            for (int k = 0; k + 1 < probes.length; k++) {
                double ratio = Math.sqrt(moments[k].meanSquare / moments[k + 1].meanSquare);
                double se = 0.5 * Math.hypot(moments[k].meanSquareSe / moments[k].meanSquare,
                        moments[k + 1].meanSquareSe / moments[k + 1].meanSquare);
                log.append(String.format(Locale.ROOT, "%s RMS(m=%d)/RMS(m=%d) = %.3f (log-SE %.3f)%n", distribution,
                        probes[k], probes[k + 1], ratio, se));
                assertTrue(se < 0.05, "too few replicates to tell: log-SE " + se);
                assertEquals(0, Math.log(ratio / 2), 5 * se, distribution + ": RMS ratio for 4× the probes\n" + log);
            }
        }
        System.out.print(log);
    }

    @Test
    void singleProbeVarianceMatchesTheFormula() {
        Quadratic q = new Quadratic(31);
        double[] x0 = new RandomStream(32).normal(DType.FLOAT64, D).toDoubleArray();
        double[][] h = q.hessian(x0);
        double exact = trace(h);
        int n = 20_000;
        Tensor x = copies(x0, n);
        for (Distribution distribution : new Distribution[] {Distribution.NORMAL, Distribution.RADEMACHER}) {
            double[] estimate = Functional.hutchinsonTrace(q::apply, x, 1, distribution, new RandomStream(77)).toDoubleArray();
            double mean = 0;
            for (double v : estimate) {
                mean += v / n;
            }
            double s2 = 0;
            double m4 = 0;
            for (double v : estimate) {
                double dv = v - mean;
                s2 += dv * dv / (n - 1);
                m4 += dv * dv * dv * dv / n;
            }
            double se = Math.sqrt((m4 - s2 * s2) / n);      // standard error of the sample variance
            double formula = singleProbeVariance(h, distribution);
            Distribution other = distribution == Distribution.NORMAL ? Distribution.RADEMACHER : Distribution.NORMAL;
            double otherFormula = singleProbeVariance(h, other);
            System.out.printf(Locale.ROOT, "%s single probe: variance %.4f ± %.4f, formula %.4f (the other "
                    + "formula %.4f); mean %.4f vs trace %.4f%n", distribution, s2, se, formula, otherFormula, mean,
                    exact);
            assertTrue(Math.abs(otherFormula - formula) > 10 * se, "the test could not tell the formulas apart");
            assertEquals(formula, s2, 5 * se, distribution + ": variance of one probe");
            assertEquals(exact, mean, 5 * Math.sqrt(s2 / n), distribution + ": unbiased");
        }
    }

    // ---------------------------------------------------------------- seeds, shapes, errors

    @Test
    void seedsReproduceAndDiffer() {
        Quadratic q = new Quadratic(41);
        Tensor x = new RandomStream(42).normal(DType.FLOAT64, 3, D);
        Tensor a = Functional.hutchinsonTrace(q::apply, x, 8, Distribution.NORMAL, new RandomStream(5));
        Tensor b = Functional.hutchinsonTrace(q::apply, x, 8, Distribution.NORMAL, new RandomStream(5));
        Tensor c = Functional.hutchinsonTrace(q::apply, x, 8, Distribution.NORMAL, new RandomStream(6));
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), 0);
        assertFalse(java.util.Arrays.equals(a.toDoubleArray(), c.toDoubleArray()));
        assertArrayEquals(new int[] {3}, a.shape());
        // a 0-d f is one sample
        Tensor scalar = Functional.hutchinsonTrace(v -> q.apply(v).sum(), x, 2, Distribution.RADEMACHER, new RandomStream(1));
        assertArrayEquals(new int[0], scalar.shape());
    }

    @Test
    void badArgumentsAreRejected() {
        Quadratic q = new Quadratic(51);
        Tensor x = new RandomStream(52).normal(DType.FLOAT64, 4, D);
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> Functional.hutchinsonTrace(q::apply, x, 0, Distribution.RADEMACHER, new RandomStream(1)));
        assertTrue(zero.getMessage().contains("at least 1 probe"), zero.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Functional.hutchinsonTrace(q::apply, x, -3, Distribution.NORMAL, new RandomStream(1)));
        IllegalArgumentException uniform = assertThrows(IllegalArgumentException.class,
                () -> Functional.hutchinsonTrace(q::apply, x, 4, Distribution.UNIFORM, new RandomStream(1)));
        assertTrue(uniform.getMessage().contains("UNIFORM"), uniform.getMessage());
        for (Function<Var, Var> wrong : java.util.List.<Function<Var, Var>>of(
                v -> q.apply(v).unsqueeze(1),                  // [B, 1]
                v -> v.square(),                               // [B, D]
                v -> q.apply(v).narrow(0, 0, 3),               // [B − 1]
                v -> Var.cat(0, q.apply(v), q.apply(v)))) {    // [2B]
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Functional.hutchinsonTrace(wrong, x, 2, Distribution.RADEMACHER, new RandomStream(1)));
            assertTrue(e.getMessage().contains("hutchinsonTrace") && e.getMessage().contains("[4, 6]"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Functional.hessianTrace(wrong, x));
        }
    }
}
