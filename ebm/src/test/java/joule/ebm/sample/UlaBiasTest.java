package joule.ebm.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.ebm.energy.GaussianEnergy;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * ULA's O(η) bias, made visible with a large step. For {@code p = N(0, σ²)} the ULA step is
 * {@code x' = (1 − η/σ²) x + sqrt(2η) ξ}, so its stationary variance v solves
 * {@code v = (1 − η/σ²)² v + 2η}, i.e. {@code v = 2η / (2η/σ² − η²/σ⁴) = σ² / (1 − η/(2σ²))}
 * (for {@code 0 < η < 2σ²}); the mean stays 0. In D dimensions, for {@code N(μ, C)} with
 * {@code Λ = C⁻¹}, {@code x' − μ = (I − ηΛ)(x − μ) + sqrt(2η) ξ} gives
 * {@code S = 2η (I − (I − ηΛ)²)⁻¹ = C (I − ηΛ/2)⁻¹}.
 */
class UlaBiasTest {
    @Test
    void ulaVarianceOnOneDimensionalGaussianIsInflatedAsPredicted() {
        double sigma2 = 1.0;
        double eta = 0.5;
        double predicted = sigma2 / (1 - eta / (2 * sigma2));      // 4/3
        int n = 5000;
        RandomStream rng = new RandomStream(21);
        GaussianEnergy target = new GaussianEnergy(Tensor.of(new double[] {0}), Tensor.of(new double[] {sigma2}, 1, 1));
        // contraction per step is |1 − η/σ²| = 0.5, so 60 steps forget the start entirely
        SampleResult r = new UnadjustedLangevin(eta).sample(target, rng.normal(DType.FLOAT64, n, 1), 60, rng);
        Moments m = new Moments(r.state());
        double v = m.cov[0][0];
        double sePredicted = predicted * Math.sqrt(2.0 / n);
        assertEquals(predicted, v, 5 * sePredicted, "stationary variance of ULA");
        assertTrue(v - sigma2 > 5 * sigma2 * Math.sqrt(2.0 / n), "the bias must be visible: variance " + v);
        assertEquals(0, m.mean[0], 5 * Math.sqrt(predicted / n));
        assertArrayEquals(new double[n], r.acceptance().sub(1).toDoubleArray(), 0);   // every move taken
    }

    @Test
    void ulaCovarianceOnTwoDimensionalGaussianMatchesTheLyapunovSolution() {
        double eta = 0.5;
        double[][] c = GaussianTargetTest.C;
        // S = C (I − ηΛ/2)⁻¹ with Λ = C⁻¹ = [[2, −0.5], [−0.5, 1]]/1.75
        double[][] lam = {{2 / 1.75, -0.5 / 1.75}, {-0.5 / 1.75, 1 / 1.75}};
        double a = 1 - eta / 2 * lam[0][0];
        double b = -eta / 2 * lam[0][1];
        double d = 1 - eta / 2 * lam[1][1];
        double det = a * d - b * b;
        double[][] inv = {{d / det, -b / det}, {-b / det, a / det}};
        double[][] s = new double[2][2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                s[i][j] = c[i][0] * inv[0][j] + c[i][1] * inv[1][j];
            }
        }
        RandomStream rng = new RandomStream(22);
        SampleResult r = new UnadjustedLangevin(eta).sample(GaussianTargetTest.target(),
                rng.normal(DType.FLOAT64, GaussianTargetTest.CHAINS, 2), 150, rng);
        Moments m = new Moments(r.state());
        m.assertMatches("ULA η=0.5 vs its predicted law", GaussianTargetTest.MU, s, 5);
        // and the true covariance is clearly missed on the long axis: S_11 − C_11 ≈ 0.37
        assertTrue(m.cov[1][1] - c[1][1] > 5 * Math.sqrt(2 * c[1][1] * c[1][1] / m.n), "cov[1][1] = " + m.cov[1][1]);
    }
}
