package joule.ebm.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The SDEs' marginals against their moment equations, the closed forms of score_sde, and bad input. */
class SdeTest {
    private static final List<Sde> ALL = List.of(new VeSde(0.01, 50), new VpSde(), new SubVpSde());

    /**
     * For {@code dx = a(t) x dt + g dw} the transition's mean scale obeys {@code m' = a m} and its variance
     * {@code v = std²} obeys {@code v' = 2 a v + g²} (VE: {@code σ'² = g²}).
     */
    @Test
    void meanAndVarianceSolveTheMomentEquations() {
        double h = 1e-6;
        for (Sde sde : ALL) {
            for (double t : new double[] {0.01, 0.2, 0.5, 0.9}) {
                double dm = (sde.meanScale(t + h) - sde.meanScale(t - h)) / (2 * h);
                assertEquals(sde.driftRate(t) * sde.meanScale(t), dm, 1e-6 * Math.max(1, Math.abs(dm)), sde + " at " + t);
                double v = sde.std(t) * sde.std(t);
                double dv = (sq(sde.std(t + h)) - sq(sde.std(t - h))) / (2 * h);
                double g = sde.diffusion(t);
                assertEquals(2 * sde.driftRate(t) * v + g * g, dv, 1e-5 * Math.max(1, Math.abs(dv)), sde + " at " + t);
            }
        }
    }

    private static double sq(double x) {
        return x * x;
    }

    @Test
    void closedFormsOfScoreSde() {
        VeSde ve = new VeSde(0.01, 50);
        assertEquals(0.01 * Math.pow(5000, 0.3), ve.std(0.3), 1e-12);
        assertEquals(ve.std(0.3) * Math.sqrt(2 * Math.log(5000)), ve.diffusion(0.3), 1e-12);
        assertEquals(50, ve.priorStd());
        VpSde vp = new VpSde();
        double integral = 0.1 * 0.3 + 0.5 * 0.09 * 19.9;
        assertEquals(Math.exp(-0.5 * integral), vp.meanScale(0.3), 1e-14);
        assertEquals(Math.sqrt(1 - Math.exp(-integral)), vp.std(0.3), 1e-14);
        assertEquals(Math.sqrt(0.1 + 0.3 * 19.9), vp.diffusion(0.3), 1e-14);
        SubVpSde sub = new SubVpSde();
        assertEquals(1 - Math.exp(-integral), sub.std(0.3), 1e-14);
        assertTrue(sub.std(0.3) < vp.std(0.3));
        assertEquals(1e-3, vp.epsilon());
        assertEquals(1e-5, ve.epsilon());
    }

    @Test
    void priorDensityIsTheGaussianOfItsStd() {
        for (Sde sde : ALL) {
            Tensor x = new RandomStream(1).normal(DType.FLOAT64, 3, 2, 2);
            double[] got = sde.priorLogDensity(x).toDoubleArray();
            double[] xs = x.toDoubleArray();
            double s2 = sq(sde.priorStd());
            for (int b = 0; b < 3; b++) {
                double q = 0;
                for (int i = 0; i < 4; i++) {
                    q += xs[4 * b + i] * xs[4 * b + i];
                }
                assertEquals(-2 * Math.log(2 * Math.PI * s2) - q / (2 * s2), got[b], 1e-12);
            }
            Tensor draws = sde.samplePrior(new RandomStream(2), x.device(), DType.FLOAT64, 20000, 1);
            assertEquals(sde.priorStd(), draws.square().mean().sqrt().item(), 0.02 * sde.priorStd());
        }
    }

    @Test
    void timesOutsideTheIntervalAndBadParametersAreRejected() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 2, 2);
        for (Sde sde : ALL) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sde.drift(x, 1.5));
            assertTrue(e.getMessage().contains("t = 1.5") && e.getMessage().contains("outside [ε, T]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sde.noiseLevel(x, sde.epsilon() / 2));
            assertThrows(IllegalArgumentException.class, () -> sde.noiseLevel(x, Double.NaN));
        }
        assertThrows(IllegalArgumentException.class, () -> new VeSde(1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new VeSde(0.01, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new VpSde(0, 20, 1e-3));
        assertThrows(IllegalArgumentException.class, () -> new SubVpSde(1, 0.5, 1e-3));
    }
}
