package joule.ebm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Linear: PyTorch's names, layouts and init bounds; forward against a loop. */
class LinearTest {
    /** {@code x Wᵀ + b} by loops, in double. */
    static double[] manual(double[] x, int batch, double[] w, double[] b, int in, int out) {
        double[] y = new double[batch * out];
        for (int r = 0; r < batch; r++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = s;
            }
        }
        return y;
    }

    @Property(tries = 30)
    void forwardEqualsLoops(@ForAll @IntRange(min = 1, max = 5) int batch, @ForAll @IntRange(min = 1, max = 7) int in,
                            @ForAll @IntRange(min = 1, max = 7) int out, @ForAll long seed) {
        RandomStream rng = new RandomStream(seed);
        Linear layer = new Linear("fc", in, out, DType.FLOAT64, rng);
        Tensor x = rng.normal(DType.FLOAT64, batch, in);
        Tensor y = layer.forward(Var.constant(x)).value();
        assertArrayEquals(new int[] {batch, out}, y.shape());
        assertArrayEquals(manual(x.toDoubleArray(), batch, layer.weight().value().toDoubleArray(),
                layer.bias().value().toDoubleArray(), in, out), y.toDoubleArray(), 1e-12);
    }

    @Test
    void namesShapesAndInitBoundsFollowPyTorch() {
        Linear layer = new Linear("layers.0", 16, 3, DType.FLOAT32, new RandomStream(1));
        assertEquals("layers.0.weight", layer.parameters().get(0).name());
        assertEquals("layers.0.bias", layer.parameters().get(1).name());
        assertArrayEquals(new int[] {3, 16}, layer.weight().value().shape());
        assertArrayEquals(new int[] {3}, layer.bias().value().shape());
        assertEquals(DType.FLOAT32, layer.weight().value().dtype());
        for (Parameter p : layer.parameters()) {
            for (double v : p.value().toDoubleArray()) {
                assertTrue(Math.abs(v) < 0.25, p.name() + " value " + v + " outside U(-1/4, 1/4)");
            }
        }
    }

    @Test
    void rejectsWrongInputSize() {
        Linear layer = new Linear("fc", 3, 2, DType.FLOAT64, new RandomStream(1));
        var e = assertThrows(IllegalArgumentException.class,
                () -> layer.forward(Var.constant(Tensor.zeros(DType.FLOAT64, 4, 5))));
        assertTrue(e.getMessage().startsWith("Linear fc"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Linear("fc", 0, 2, DType.FLOAT64, new RandomStream(1)));
    }
}
