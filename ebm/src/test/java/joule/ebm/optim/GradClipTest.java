package joule.ebm.optim;

import static joule.ebm.optim.OptimizerTestSupport.grad;
import static joule.ebm.optim.OptimizerTestSupport.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import joule.ebm.nn.Parameter;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Clipping by the global norm, as PyTorch's clip_grad_norm_. */
class GradClipTest {
    private final Parameter a = param(0, 0);
    private final Parameter b = param(0);
    private final Parameter none = param(0);

    @Test
    void scalesAllGradientsByTheGlobalNorm() {
        grad(a, 3, 4);
        grad(b, 12);
        double norm = GradClip.clipByGlobalNorm(List.of(a, b, none), 1.3);
        assertEquals(13, norm, 1e-12);                          // √(9 + 16 + 144)
        double scale = 1.3 / (13 + 1e-6);
        assertArrayEquals(new double[] {3 * scale, 4 * scale}, a.grad().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {12 * scale}, b.grad().toDoubleArray(), 1e-15);
        assertNull(none.grad());
    }

    @Test
    void leavesGradientsBelowTheLimitAlone() {
        grad(a, 3, 4);
        Tensor before = a.grad();
        assertEquals(5, GradClip.clipByGlobalNorm(List.of(a, none), 10), 1e-12);
        assertSame(before, a.grad());
    }

    @Test
    void rejectsANonPositiveLimit() {
        var e = assertThrows(IllegalArgumentException.class, () -> GradClip.clipByGlobalNorm(List.of(a), 0));
        assertTrue(e.getMessage().startsWith("clipByGlobalNorm"), e.getMessage());
    }
}
