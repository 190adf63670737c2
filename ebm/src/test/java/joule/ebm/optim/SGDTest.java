package joule.ebm.optim;

import static joule.ebm.optim.OptimizerTestSupport.bowlBackward;
import static joule.ebm.optim.OptimizerTestSupport.grad;
import static joule.ebm.optim.OptimizerTestSupport.param;
import static joule.ebm.optim.OptimizerTestSupport.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import joule.ebm.nn.Parameter;
import org.junit.jupiter.api.Test;

/** SGD's first steps against PyTorch's formulas worked by hand; convergence; argument checks. */
class SGDTest {
    private static final double LR = 0.1;
    private static final double MU = 0.9;
    private static final double WD = 0.01;
    private static final double[] GRADS = {1, 2, -1};

    private static double[] run(boolean nesterov) {
        Parameter p = param(1.0);
        SGD sgd = new SGD(List.of(p), LR, MU, WD, nesterov);
        double[] values = new double[GRADS.length];
        for (int t = 0; t < GRADS.length; t++) {
            grad(p, GRADS[t]);
            sgd.step();
            values[t] = value(p);
        }
        return values;
    }

    @Test
    void plainStepIsMinusLrTimesGradient() {
        Parameter p = param(1.0, -2.0);
        new SGD(List.of(p), 0.5).step();                      // no gradient: skipped
        assertArrayEquals(new double[] {1, -2}, p.value().toDoubleArray());
        grad(p, 4, -1);
        new SGD(List.of(p), 0.5).step();
        assertArrayEquals(new double[] {-1, -1.5}, p.value().toDoubleArray(), 1e-15);
        assertNull(p.grad(), "a step starts a fresh leaf");
    }

    @Test
    void momentumWithWeightDecayMatchesHandComputation() {
        double d1 = 1 + WD * 1.0;                             // g + λθ
        double b1 = d1;                                       // first buffer: the gradient itself
        double t1 = 1.0 - LR * b1;
        double d2 = 2 + WD * t1;
        double b2 = MU * b1 + d2;
        double t2 = t1 - LR * b2;
        double d3 = -1 + WD * t2;
        double b3 = MU * b2 + d3;
        double t3 = t2 - LR * b3;
        assertArrayEquals(new double[] {t1, t2, t3}, run(false), 1e-15);
        assertEquals(0.899, t1, 1e-15);                       // worked out on paper
        assertEquals(0.607201, t2, 1e-15);
    }

    @Test
    void nesterovMatchesHandComputation() {
        double d1 = 1 + WD * 1.0;
        double b1 = d1;
        double t1 = 1.0 - LR * (d1 + MU * b1);
        double d2 = 2 + WD * t1;
        double b2 = MU * b1 + d2;
        double t2 = t1 - LR * (d2 + MU * b2);
        double d3 = -1 + WD * t2;
        double b3 = MU * b2 + d3;
        double t3 = t2 - LR * (d3 + MU * b3);
        assertArrayEquals(new double[] {t1, t2, t3}, run(true), 1e-15);
        assertEquals(0.8081, t1, 1e-15);
    }

    @Test
    void momentumMinimisesAQuadraticBowl() {
        double[] a = {1, 10};
        double[] c = {3, -2};
        Parameter p = param(0, 0);
        SGD sgd = new SGD(List.of(p), 0.05, 0.9, 0, false);
        for (int t = 0; t < 300; t++) {
            sgd.zeroGrad();
            bowlBackward(p, a, c);
            sgd.step();
        }
        assertArrayEquals(c, p.value().toDoubleArray(), 1e-5);
    }

    @Test
    void badArgumentsAreRejected() {
        List<Parameter> ps = List.of(param(1));
        for (Runnable bad : List.<Runnable>of(
                () -> new SGD(ps, -0.1),
                () -> new SGD(ps, Double.NaN),
                () -> new SGD(ps, 0.1, -0.5, 0, false),
                () -> new SGD(ps, 0.1, 0.9, -1, false),
                () -> new SGD(ps, 0.1, 0, 0, true),
                () -> new SGD(List.of(), 0.1),
                () -> new SGD(List.of(ps.getFirst(), ps.getFirst()), 0.1),
                () -> new SGD(ps, 0.1).setLearningRate(-1))) {
            var e = assertThrows(IllegalArgumentException.class, bad::run);
            assertTrue(e.getMessage().startsWith("SGD: "), e.getMessage());
        }
    }
}
