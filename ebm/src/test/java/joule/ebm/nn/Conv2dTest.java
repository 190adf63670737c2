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

/** Conv2d: PyTorch's names, layouts and init bounds; forward against the loop of {@link Conv2dSpec}'s formula. */
class Conv2dTest {
    private static final Conv2dSpec STRIDED_GROUPED = Conv2dSpec.of(2, 1).withGroups(2);

    /** {@code y[n,o,i,j] = b[o] + Σ w[o,c,p,q] x[n, g·C/G + c, i·s − pad + p, j·s − pad + q]}, by loops. */
    static double[] manual(Tensor x, Tensor w, Tensor b, int stride, int pad, int groups) {
        int n = x.size(0);
        int cIn = x.size(1);
        int h = x.size(2);
        int wd = x.size(3);
        int out = w.size(0);
        int cg = w.size(1);
        int k = w.size(2);
        int ho = (h + 2 * pad - k) / stride + 1;
        int wo = (wd + 2 * pad - k) / stride + 1;
        double[] xs = x.toDoubleArray();
        double[] ws = w.toDoubleArray();
        double[] bs = b.toDoubleArray();
        double[] y = new double[n * out * ho * wo];
        for (int s = 0; s < n; s++) {
            for (int o = 0; o < out; o++) {
                int g = o / (out / groups);
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        double acc = bs[o];
                        for (int c = 0; c < cg; c++) {
                            for (int p = 0; p < k; p++) {
                                for (int q = 0; q < k; q++) {
                                    int r = i * stride - pad + p;
                                    int col = j * stride - pad + q;
                                    if (r >= 0 && r < h && col >= 0 && col < wd) {
                                        acc += ws[((o * cg + c) * k + p) * k + q]
                                                * xs[((s * cIn + g * cg + c) * h + r) * wd + col];
                                    }
                                }
                            }
                        }
                        y[((s * out + o) * ho + i) * wo + j] = acc;
                    }
                }
            }
        }
        return y;
    }

    @Test
    void forwardIsTheConvolutionPlusBias() {
        RandomStream rng = new RandomStream(1);
        Conv2d conv = new Conv2d("conv", 4, 6, 3, STRIDED_GROUPED, true, DType.FLOAT64, rng);
        Tensor x = rng.normal(DType.FLOAT64, 2, 4, 7, 5);
        Tensor y = conv.forward(Var.constant(x)).value();
        assertArrayEquals(new int[] {2, 6, 4, 3}, y.shape());
        assertArrayEquals(manual(x, conv.weight().value(), conv.parameters().get(1).value(), 2, 1, 2), y.toDoubleArray(),
                1e-12);
    }

    @Test
    void namesShapesAndInitBoundsFollowPyTorch() {
        Conv2d conv = new Conv2d("layers.0", 4, 6, 3, STRIDED_GROUPED, true, DType.FLOAT32, new RandomStream(2));
        assertEquals("layers.0.weight", conv.parameters().get(0).name());
        assertEquals("layers.0.bias", conv.parameters().get(1).name());
        assertArrayEquals(new int[] {6, 2, 3, 3}, conv.weight().value().shape());
        assertArrayEquals(new int[] {6}, conv.parameters().get(1).value().shape());
        double bound = 1 / Math.sqrt(2 * 3 * 3);                       // fan_in = C_in/G · k · k
        double largest = 0;
        for (Parameter p : conv.parameters()) {
            assertEquals(DType.FLOAT32, p.value().dtype());
            for (double v : p.value().toDoubleArray()) {
                assertTrue(Math.abs(v) < bound, p.name() + " value " + v + " outside U(-1/√18, 1/√18)");
                largest = Math.max(largest, Math.abs(v));
            }
        }
        assertTrue(largest > 0.8 * bound, "the 114 draws should come near the bound, largest " + largest);
        Conv2d again = new Conv2d("layers.0", 4, 6, 3, STRIDED_GROUPED, true, DType.FLOAT32, new RandomStream(2));
        assertArrayEquals(conv.weight().value().toDoubleArray(), again.weight().value().toDoubleArray(), 0);
        Conv2d noBias = new Conv2d("c", 1, 2, 1, Conv2dSpec.DEFAULT, false, DType.FLOAT64, new RandomStream(3));
        assertEquals(1, noBias.parameters().size());
        assertEquals(2, noBias.parameterCount());
    }

    @Test
    void badInputIsAnErrorNamingTheLayerAndTheShapes() {
        Conv2d conv = new Conv2d("down.1", 4, 6, 3, STRIDED_GROUPED, true, DType.FLOAT64, new RandomStream(4));
        var channels = assertThrows(IllegalArgumentException.class,
                () -> conv.forward(Var.constant(Tensor.zeros(DType.FLOAT64, 2, 3, 7, 7))));
        assertEquals("Conv2d down.1: input [2, 3, 7, 7] should be [N, 4, H, W]", channels.getMessage());
        var rank = assertThrows(IllegalArgumentException.class,
                () -> conv.forward(Var.constant(Tensor.zeros(DType.FLOAT64, 4, 7, 7))));
        assertEquals("Conv2d down.1: input [4, 7, 7] should be [N, 4, H, W]", rank.getMessage());
        Conv2d wide = new Conv2d("wide", 1, 1, 5, Conv2dSpec.DEFAULT, true, DType.FLOAT64, new RandomStream(5));
        var small = assertThrows(IllegalArgumentException.class,
                () -> wide.forward(Var.constant(Tensor.zeros(DType.FLOAT64, 1, 1, 3, 3))));
        assertTrue(small.getMessage().startsWith("Conv2d wide: kernel 5×5"), small.getMessage());
        var groups = assertThrows(IllegalArgumentException.class,
                () -> new Conv2d("g", 3, 6, 3, STRIDED_GROUPED, true, DType.FLOAT64, new RandomStream(6)));
        assertTrue(groups.getMessage().startsWith("Conv2d g: 2 groups"), groups.getMessage());
    }
}
