package joule.ebm.optim;

import static joule.ebm.optim.OptimizerTestSupport.bowlBackward;
import static joule.ebm.optim.OptimizerTestSupport.grad;
import static joule.ebm.optim.OptimizerTestSupport.param;
import static joule.ebm.optim.OptimizerTestSupport.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import joule.ebm.nn.Parameter;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Adam and AdamW: first steps against PyTorch's formulas by hand, the two kinds of weight decay, convergence. */
class AdamTest {
    private static final double LR = 0.1;
    private static final double B1 = 0.9;
    private static final double B2 = 0.999;
    private static final double EPS = 1e-8;
    private static final double WD = 0.1;
    private static final double[] GRADS = {1, 2, -1};

    private static double[] run(Function<List<Parameter>, Optimizer> make) {
        Parameter p = param(1.0);
        Optimizer opt = make.apply(List.of(p));
        double[] values = new double[GRADS.length];
        for (int t = 0; t < GRADS.length; t++) {
            grad(p, GRADS[t]);
            opt.step();
            values[t] = value(p);
        }
        return values;
    }

    /** One Adam update of θ by hand: returns {θ', m', v'}. */
    private static double[] adamByHand(double theta, double g, double m, double v, int t) {
        double m1 = B1 * m + (1 - B1) * g;
        double v1 = B2 * v + (1 - B2) * g * g;
        double stepSize = LR / (1 - Math.pow(B1, t));
        double denominator = Math.sqrt(v1) / Math.sqrt(1 - Math.pow(B2, t)) + EPS;
        return new double[] {theta - stepSize * m1 / denominator, m1, v1};
    }

    @Test
    void firstAdamStepMovesByAboutLr() {
        // m̂ = g and v̂ = g² after bias correction, so the first step is lr·g/(|g| + ε)
        assertEquals(1 - LR / (1 + EPS), run(ps -> new Adam(ps, LR, B1, B2, EPS, 0))[0], 1e-15);
    }

    @Test
    void adamWithL2WeightDecayMatchesHandComputation() {
        double[] s = {1.0, 0, 0};
        double[] expected = new double[3];
        for (int t = 1; t <= 3; t++) {
            double g = GRADS[t - 1] + WD * s[0];               // L2: added to the gradient
            s = adamByHand(s[0], g, s[1], s[2], t);
            expected[t - 1] = s[0];
        }
        assertArrayEquals(expected, run(ps -> new Adam(ps, LR, B1, B2, EPS, WD)), 1e-14);
    }

    @Test
    void adamWWithDecoupledWeightDecayMatchesHandComputation() {
        double[] s = {1.0, 0, 0};
        double[] expected = new double[3];
        for (int t = 1; t <= 3; t++) {
            double shrunk = s[0] * (1 - LR * WD);            // decoupled: θ shrinks, the gradient stays raw
            s = adamByHand(shrunk, GRADS[t - 1], s[1], s[2], t);
            expected[t - 1] = s[0];
        }
        assertArrayEquals(expected, run(ps -> new AdamW(ps, LR, B1, B2, EPS, WD)), 1e-14);
    }

    @Test
    void adamWAndAdamDifferExactlyAsDecoupledVersusL2Decay() {
        Parameter l2 = param(1.0, -3.0);
        Parameter l2ByHand = param(1.0, -3.0);
        Parameter decoupled = param(1.0, -3.0);
        Parameter decoupledByHand = param(1.0, -3.0);
        Adam adamL2 = new Adam(List.of(l2), LR, B1, B2, EPS, WD);
        Adam adamL2ByHand = new Adam(List.of(l2ByHand), LR, B1, B2, EPS, 0);
        AdamW adamW = new AdamW(List.of(decoupled), LR, B1, B2, EPS, WD);
        Adam adamWByHand = new Adam(List.of(decoupledByHand), LR, B1, B2, EPS, 0);
        double[][] grads = {{1, 0.5}, {2, -1}, {-1, 3}};
        for (double[] g : grads) {
            grad(l2, g);
            l2ByHand.setGrad(l2ByHand.value().mul(WD).add(Tensor.of(g)));
            grad(decoupled, g);
            decoupledByHand.set(decoupledByHand.value().mul(1 - LR * WD));
            grad(decoupledByHand, g);
            for (Optimizer o : List.of(adamL2, adamL2ByHand, adamW, adamWByHand)) {
                o.step();
            }
            assertArrayEquals(l2ByHand.value().toDoubleArray(), l2.value().toDoubleArray(), 1e-15);
            assertArrayEquals(decoupledByHand.value().toDoubleArray(), decoupled.value().toDoubleArray(), 1e-15);
        }
        assertTrue(Math.abs(l2.value().get(1) - decoupled.value().get(1)) > 1e-3, "the two decays differ");
    }

    @Test
    void parametersWithoutGradientKeepTheirValueAndStepCount() {
        Parameter a = param(0.0);
        Parameter b = param(0.0);
        Adam adam = new Adam(List.of(a, b), LR);
        grad(a, 1);
        adam.step();
        assertEquals(0.0, value(b));
        grad(a, 1);
        grad(b, -4);
        adam.step();
        assertEquals(LR * 4 / (4 + EPS), value(b), 1e-15, "b's first update is bias-corrected as a first step");
    }

    @Test
    void adamMinimisesAQuadraticBowl() {
        double[] a = {1, 10};
        double[] c = {3, -2};
        Parameter p = param(0, 0);
        Optimizer adam = new ScheduledOptimizer(new Adam(List.of(p), 0.1), LearningRateSchedule.cosine(0.1, 0, 1000));
        for (int t = 0; t < 1000; t++) {
            adam.zeroGrad();
            bowlBackward(p, a, c);
            adam.step();
        }
        assertArrayEquals(c, p.value().toDoubleArray(), 1e-4);
    }

    @Test
    void badArgumentsAreRejected() {
        List<Parameter> ps = List.of(param(1));
        for (Runnable bad : List.<Runnable>of(
                () -> new Adam(ps, -1e-3),
                () -> new Adam(ps, 1e-3, 1.0, 0.999, 1e-8, 0),
                () -> new Adam(ps, 1e-3, 0.9, -0.1, 1e-8, 0),
                () -> new Adam(ps, 1e-3, 0.9, 0.999, -1, 0),
                () -> new Adam(ps, 1e-3, 0.9, 0.999, 1e-8, -0.1))) {
            var e = assertThrows(IllegalArgumentException.class, bad::run);
            assertTrue(e.getMessage().startsWith("Adam: "), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> new AdamW(ps, 1e-3, 0.9, 1.5, 1e-8, 0));
        assertEquals("AdamW: beta2 must be in [0, 1), got 1.5", e.getMessage());
    }
}
