package joule.ebm.optim;

import static joule.ebm.optim.OptimizerTestSupport.grad;
import static joule.ebm.optim.OptimizerTestSupport.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import joule.ebm.nn.Parameter;
import org.junit.jupiter.api.Test;

/** Schedule values at chosen steps, and an optimizer driven by one. */
class LearningRateScheduleTest {
    @Test
    void constant() {
        LearningRateSchedule s = LearningRateSchedule.constant(0.1);
        assertEquals(0.1, s.rate(0));
        assertEquals(0.1, s.rate(1_000_000));
    }

    @Test
    void stepDecay() {
        LearningRateSchedule s = LearningRateSchedule.step(1, 0.5, 10);
        assertEquals(1, s.rate(0));
        assertEquals(1, s.rate(9));
        assertEquals(0.5, s.rate(10));
        assertEquals(0.25, s.rate(25));
    }

    @Test
    void cosineDecaysToItsFloorAndStays() {
        LearningRateSchedule s = LearningRateSchedule.cosine(1, 0.1, 100);
        assertEquals(1, s.rate(0), 1e-15);
        assertEquals(0.1 + 0.9 * (1 + Math.cos(Math.PI / 4)) / 2, s.rate(25), 1e-15);
        assertEquals(0.55, s.rate(50), 1e-15);
        assertEquals(0.1, s.rate(100), 1e-15);
        assertEquals(0.1, s.rate(500), 1e-15);
    }

    @Test
    void warmupRampsLinearlyThenRunsTheWrappedScheduleFromItsStart() {
        LearningRateSchedule s = LearningRateSchedule.warmup(4, LearningRateSchedule.constant(0.2));
        assertEquals(0.05, s.rate(0), 1e-15);
        assertEquals(0.1, s.rate(1), 1e-15);
        assertEquals(0.2, s.rate(3), 1e-15);
        assertEquals(0.2, s.rate(4), 1e-15);
        LearningRateSchedule w = LearningRateSchedule.warmup(2, LearningRateSchedule.step(1, 0.5, 1));
        assertEquals(0.5, w.rate(0));
        assertEquals(1, w.rate(1));
        assertEquals(1, w.rate(2));
        assertEquals(0.5, w.rate(3));
    }

    @Test
    void scheduledOptimizerSetsTheRateBeforeEachStep() {
        Parameter p = param(0.0);
        ScheduledOptimizer opt = new ScheduledOptimizer(new SGD(List.of(p), 1), LearningRateSchedule.step(1, 0.5, 1));
        assertEquals(1, opt.learningRate());
        for (int t = 0; t < 3; t++) {
            grad(p, 1);
            opt.step();
        }
        assertEquals(-(1 + 0.5 + 0.25), p.value().item(), 1e-15);
        assertEquals(3, opt.stepCount());
        assertEquals(0.125, opt.learningRate());
        assertThrows(UnsupportedOperationException.class, () -> opt.setLearningRate(0.1));
    }

    @Test
    void badArgumentsAreRejected() {
        for (Runnable bad : List.<Runnable>of(
                () -> LearningRateSchedule.constant(-1),
                () -> LearningRateSchedule.step(1, 0, 10),
                () -> LearningRateSchedule.step(1, 0.5, 0),
                () -> LearningRateSchedule.cosine(0.1, 0.2, 10),
                () -> LearningRateSchedule.cosine(0.1, 0, 0),
                () -> LearningRateSchedule.warmup(0, LearningRateSchedule.constant(1)),
                () -> LearningRateSchedule.constant(1).rate(-1))) {
            var e = assertThrows(IllegalArgumentException.class, bad::run);
            assertTrue(e.getMessage().contains("schedule") || e.getMessage().startsWith("LearningRateSchedule"),
                    e.getMessage());
        }
    }
}
