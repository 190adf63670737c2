package joule.ebm.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.tensor.DType;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The RK45 solver on ODEs with known solutions, its step counts, and its failures. */
class DormandPrinceTest {
    @Test
    void solvesLinearDecayToItsTolerance() {
        Tensor y0 = Tensor.of(DType.FLOAT64, new double[] {1, -2, 0.5, 3}, 2, 2);
        Tensor rates = Tensor.of(DType.FLOAT64, new double[] {1, 2, -0.5, 0.3}, 2, 2);
        for (double tol : new double[] {1e-4, 1e-8}) {
            DormandPrince.Solution s = new DormandPrince(tol, tol, 10_000).solve((t, y) -> y.mul(rates).neg(), 0, 2, y0);
            double[] got = s.y().toDoubleArray();
            double[] r = rates.toDoubleArray();
            double[] y = y0.toDoubleArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(y[i] * Math.exp(-2 * r[i]), got[i], 100 * tol * Math.max(1, Math.abs(got[i])));
            }
            assertEquals(2 + 6 * (s.acceptedSteps() + s.rejectedSteps()), s.evaluations());
        }
    }

    @Test
    void tighterToleranceTakesMoreStepsAndBackwardTimeWorks() {
        DormandPrince.Derivative cos = (t, y) -> y.scalarLike(Math.cos(t)).expand(y.shape());
        Tensor y0 = Tensor.zeros(DType.FLOAT64, 3);
        DormandPrince.Solution loose = new DormandPrince(1e-3, 1e-3, 1000).solve(cos, 3, 0, y0);
        DormandPrince.Solution tight = new DormandPrince(1e-9, 1e-9, 1000).solve(cos, 3, 0, y0);
        assertEquals(-Math.sin(3), tight.y().get(0), 1e-8);   // ∫_3^0 cos = −sin 3
        assertTrue(tight.acceptedSteps() > loose.acceptedSteps(), tight + " vs " + loose);
    }

    @Test
    void badTolerancesAndLimitsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new DormandPrince(0, 1e-5, 10));
        assertThrows(IllegalArgumentException.class, () -> new DormandPrince(1e-5, -1, 10));
        assertThrows(IllegalArgumentException.class, () -> new DormandPrince(1e-5, 1e-5, 0));
        Tensor y0 = Tensor.ones(DType.FLOAT64, 2);
        assertThrows(IllegalArgumentException.class, () -> DormandPrince.defaults().solve((t, y) -> y, 1, 1, y0));
    }

    @Test
    void anOdeThatCannotReachToleranceInTheStepLimitNamesTheSolverAndTheTimeReached() {
        Tensor y0 = Tensor.ones(DType.FLOAT64, 2);
        DormandPrince.Derivative stiff = (t, y) -> y.mul(-1e5);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new DormandPrince(1e-6, 1e-6, 50).solve(stiff, 0, 1, y0));
        assertTrue(e.getMessage().startsWith("DormandPrince: did not reach t = 1.0 within 50 steps (reached t = "),
                e.getMessage());
    }

    @Test
    void aDerivativeThatTurnsNanIsAnErrorNotANanResult() {
        Tensor y0 = Tensor.ones(DType.FLOAT64, 2);
        DormandPrince.Derivative blowsUp = (t, y) -> t > 0.5 ? y.scalarLike(Double.NaN).expand(y.shape()) : y;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new DormandPrince(1e-6, 1e-6, 10_000).solve(blowsUp, 0, 1, y0));
        assertTrue(e.getMessage().startsWith("DormandPrince:") && e.getMessage().contains("not finite"), e.getMessage());
        double reached = Double.parseDouble(e.getMessage().replaceAll(".*reached t = ([^,]+),.*", "$1"));
        assertEquals(0.5, reached, 1e-9);
        assertThrows(IllegalArgumentException.class, () -> DormandPrince.defaults()
                .solve((t, y) -> y, 0, 1, Tensor.of(DType.FLOAT64, new double[] {Double.NaN}, 1)));
    }
}
