package joule.ebm.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.ebm.energy.DoubleWellEnergy;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

class DiagnosticsTest {
    /** AR(1) chains x_t = ρ x_{t−1} + sqrt(1 − ρ²) z_t from stationarity, as a trace [n, chains, d]. */
    static Tensor ar1(double rho, int n, int chains, int d, long seed) {
        double[] z = new RandomStream(seed).normal(DType.FLOAT64, n, chains, d).toDoubleArray();
        double[] x = new double[z.length];
        int w = chains * d;
        double s = Math.sqrt(1 - rho * rho);
        System.arraycopy(z, 0, x, 0, w);
        for (int t = 1; t < n; t++) {
            for (int j = 0; j < w; j++) {
                x[t * w + j] = rho * x[(t - 1) * w + j] + s * z[t * w + j];
            }
        }
        return Tensor.of(x, n, chains, d);
    }

    @Test
    void essOfIndependentDrawsIsTheirNumber() {
        double[] ess = Diagnostics.effectiveSampleSize(ar1(0, 4000, 4, 2, 1));
        for (double e : ess) {
            assertEquals(16000, e, 0.1 * 16000);
        }
    }

    /** For AR(1), τ = (1 + ρ)/(1 − ρ), so ESS ≈ N (1 − ρ)/(1 + ρ). */
    @Test
    void essOfAnAr1ChainIsNTimesOneMinusRhoOverOnePlusRho() {
        double[] half = Diagnostics.effectiveSampleSize(ar1(0.5, 4000, 4, 2, 2));
        for (double e : half) {
            assertEquals(16000 / 3.0, e, 0.15 * 16000 / 3.0);
        }
        double[] high = Diagnostics.effectiveSampleSize(ar1(0.9, 20000, 4, 1, 3));
        assertEquals(80000 * 0.1 / 1.9, high[0], 0.2 * 80000 * 0.1 / 1.9);
    }

    @Test
    void rhatIsNearOneForWellMixedChains() {
        Tensor trace = ar1(0.5, 1000, 4, 3, 4);
        for (double r : Diagnostics.splitRhat(trace)) {
            assertEquals(1, r, 0.01);
        }
        for (double r : Diagnostics.rankNormalizedSplitRhat(trace)) {
            assertEquals(1, r, 0.02);
        }
    }

    @Test
    void rhatFlagsChainsWithDifferentMeans() {
        double[] x = ar1(0.5, 500, 4, 1, 5).toDoubleArray();
        for (int t = 0; t < 500; t++) {
            x[t * 4 + 3] += 2;                  // chain 3 sits elsewhere
        }
        Tensor trace = Tensor.of(x, 500, 4, 1);
        assertTrue(Diagnostics.splitRhat(trace)[0] > 1.1);
        assertTrue(Diagnostics.rankNormalizedSplitRhat(trace)[0] > 1.1);
    }

    /** Chains stuck in the two wells of a double well (barrier e⁸): R̂ of x₁ is large, of x₂ near 1. */
    @Test
    void rhatFlagsSamplerChainsStuckInDifferentModes() {
        int chains = 8;
        double[] start = new double[2 * chains];
        for (int c = 0; c < chains; c++) {
            start[2 * c] = c % 2 == 0 ? -1 : 1;
        }
        SampleResult r = new RandomWalkMetropolis(0.4).sample(new DoubleWellEnergy(8), Tensor.of(start, chains, 2), 2100,
                new RandomStream(6), SamplerOptions.DEFAULT.withBurnIn(100));
        double[] rhat = Diagnostics.splitRhat(r.samples());
        assertTrue(rhat[0] > 1.1, "R̂(x₁) = " + rhat[0]);
        assertTrue(rhat[1] < 1.1, "R̂(x₂) = " + rhat[1]);
        assertTrue(Diagnostics.rankNormalizedSplitRhat(r.samples())[0] > 1.1);
        double[] ess = Diagnostics.effectiveSampleSize(r.samples());
        assertTrue(ess[1] > 50 && ess[1] < 16000, "ESS(x₂) = " + ess[1]);
        assertEquals(r.meanAcceptance(), Diagnostics.acceptanceRate(r), 0);
    }

    @Test
    void autocorrelationMatchesTheDirectSum() {
        double[] x = new RandomStream(7).normal(DType.FLOAT64, 37).toDoubleArray();
        double mean = 0;
        for (double v : x) {
            mean += v / x.length;
        }
        double[] direct = new double[x.length];
        for (int t = 0; t < x.length; t++) {
            for (int i = 0; i + t < x.length; i++) {
                direct[t] += (x[i] - mean) * (x[i + t] - mean) / x.length;
            }
        }
        double[] r = Diagnostics.autocorrelation(x);
        for (int t = 0; t < x.length; t++) {
            assertEquals(direct[t] / direct[0], r[t], 1e-12);
        }
    }

    @Test
    void inverseNormalCdfMatchesKnownQuantiles() {
        assertEquals(0, Diagnostics.inverseNormalCdf(0.5), 1e-12);
        assertEquals(1.959963984540054, Diagnostics.inverseNormalCdf(0.975), 1e-8);
        assertEquals(-2.326347874040841, Diagnostics.inverseNormalCdf(0.01), 1e-8);
        assertEquals(-4.753424308822899, Diagnostics.inverseNormalCdf(1e-6), 1e-7);
    }

    @Test
    void constantChainsAndBadTracesAreHandled() {
        Tensor constant = Tensor.ones(DType.FLOAT64, 10, 3, 1);
        assertArrayEquals(new double[] {1}, Diagnostics.splitRhat(constant), 0);
        assertArrayEquals(new double[] {30}, Diagnostics.effectiveSampleSize(constant), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Diagnostics.effectiveSampleSize(Tensor.zeros(DType.FLOAT64, 3, 2, 1)));
        assertTrue(e.getMessage().contains("effectiveSampleSize") && e.getMessage().contains("[3, 2, 1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Diagnostics.splitRhat(Tensor.zeros(DType.FLOAT64, 10)));
        // a [n, chains] trace is one coordinate
        assertEquals(1, Diagnostics.splitRhat(ar1(0, 100, 4, 1, 8).reshape(100, 4)).length);
    }
}
