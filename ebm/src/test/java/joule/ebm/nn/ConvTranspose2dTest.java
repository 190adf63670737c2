package joule.ebm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.autograd.Var;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** ConvTranspose2d: PyTorch's output size, the adjoint of a convolution, init bounds, bad input. */
class ConvTranspose2dTest {
    private static final Conv2dSpec SPEC = Conv2dSpec.of(2, 1).withGroups(2);

    @Test
    void doublesTheSizeAndIsTheAdjointOfTheConvolution() {
        RandomStream rng = new RandomStream(1);
        ConvTranspose2d up = new ConvTranspose2d("up", 4, 6, 3, SPEC, 1, false, DType.FLOAT64, rng);
        Tensor x = rng.normal(DType.FLOAT64, 2, 4, 7, 5);
        Tensor y = up.forward(Var.constant(x)).value();
        assertArrayEquals(new int[] {2, 6, 14, 10}, y.shape());     // (7 − 1)·2 − 2 + 2 + 1 + 1 = 14
        // ⟨convT(x), g⟩ = ⟨x, conv(g)⟩ with the weight read as a convolution from 6 to 4 channels
        Tensor g = rng.normal(DType.FLOAT64, 2, 6, 14, 10);
        double left = y.mul(g).sum().item();
        double right = x.mul(g.conv2d(up.weight().value(), SPEC)).sum().item();
        assertEquals(right, left, 1e-10 * Math.abs(right));
    }

    @Test
    void addsTheBiasAndDrawsWithinPyTorchsBounds() {
        ConvTranspose2d up = new ConvTranspose2d("up", 4, 6, 3, SPEC, 1, true, DType.FLOAT64, new RandomStream(2));
        assertEquals("up.weight", up.parameters().get(0).name());
        assertEquals("up.bias", up.parameters().get(1).name());
        assertArrayEquals(new int[] {4, 3, 3, 3}, up.weight().value().shape());
        double bound = 1 / Math.sqrt(3 * 3 * 3);                       // fan_in = C_out/G · k · k
        for (Parameter p : up.parameters()) {
            for (double v : p.value().toDoubleArray()) {
                assertTrue(Math.abs(v) < bound, p.name() + " value " + v);
            }
        }
        Tensor x = new RandomStream(3).normal(DType.FLOAT64, 1, 4, 2, 2);
        Tensor withBias = up.forward(Var.constant(x)).value();
        Tensor withoutBias = x.conv2dTranspose(up.weight().value(), SPEC, 4, 4);
        Tensor bias = up.parameters().get(1).value().reshape(1, 6, 1, 1);
        assertArrayEquals(withoutBias.add(bias).toDoubleArray(), withBias.toDoubleArray(), 1e-12);
    }

    @Test
    void badInputIsAnErrorNamingTheLayerAndTheShapes() {
        ConvTranspose2d up = new ConvTranspose2d("up.0", 4, 6, 3, SPEC, 1, true, DType.FLOAT64, new RandomStream(4));
        var e = assertThrows(IllegalArgumentException.class,
                () -> up.forward(Var.constant(Tensor.zeros(DType.FLOAT64, 1, 6, 3, 3))));
        assertEquals("ConvTranspose2d up.0: input [1, 6, 3, 3] should be [N, 4, H, W]", e.getMessage());
        var padding = assertThrows(IllegalArgumentException.class,
                () -> new ConvTranspose2d("p", 4, 6, 3, SPEC, 2, true, DType.FLOAT64, new RandomStream(5)));
        assertTrue(padding.getMessage().startsWith("ConvTranspose2d p: output padding 2"), padding.getMessage());
    }
}
