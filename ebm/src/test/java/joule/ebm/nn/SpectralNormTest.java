package joule.ebm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import joule.autograd.GradCheck;
import joule.autograd.Var;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** SpectralNorm: σ̂ = uᵀWv tends to the largest singular value, the layer runs with W/σ̂, u and v are buffers. */
class SpectralNormTest {
    /** The largest singular value of a row-major {@code [rows, cols]} matrix: √ of W Wᵀ's top eigenvalue, by 20000 power steps. */
    private static double largestSingularValue(double[] w, int rows, int cols) {
        double[][] gram = new double[rows][rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < rows; j++) {
                for (int k = 0; k < cols; k++) {
                    gram[i][j] += w[i * cols + k] * w[j * cols + k];
                }
            }
        }
        double[] q = new double[rows];
        java.util.Arrays.fill(q, 1);
        double lambda = 0;
        for (int it = 0; it < 20000; it++) {
            double[] next = new double[rows];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < rows; j++) {
                    next[i] += gram[i][j] * q[j];
                }
            }
            double norm = 0;
            for (double v : next) {
                norm += v * v;
            }
            lambda = Math.sqrt(norm);
            for (int i = 0; i < rows; i++) {
                q[i] = next[i] / lambda;
            }
        }
        return Math.sqrt(lambda);
    }

    @Test
    void sigmaHatApproachesTheLargestSingularValueOfTheReshapedConvWeight() {
        RandomStream rng = new RandomStream(1);
        Conv2d conv = new Conv2d("conv", 2, 4, 3, Conv2dSpec.of(1, 1), true, DType.FLOAT64, rng);
        SpectralNorm sn = new SpectralNorm(conv, rng);
        double exact = largestSingularValue(conv.weight().value().toDoubleArray(), 4, 18);   // [C_out, C_in·k·k]
        Var x = Var.constant(rng.normal(DType.FLOAT64, 1, 2, 4, 4));
        sn.forward(x);
        double afterOne = Math.abs(sn.sigma() - exact);
        for (int pass = 2; pass <= 30; pass++) {
            sn.forward(x);
            assertTrue(sn.sigma() <= exact * (1 + 1e-12), "σ̂ = uᵀWv of unit u, v can't exceed σ_max");
        }
        assertEquals(exact, sn.sigma(), 1e-9 * exact);
        assertTrue(afterOne > 1e3 * Math.abs(sn.sigma() - exact), "one iteration: off by " + afterOne);
    }

    @Test
    void theLayerRunsWithTheWeightDividedBySigmaHat() {
        RandomStream rng = new RandomStream(2);
        Conv2d conv = new Conv2d("conv", 2, 3, 3, Conv2dSpec.of(1, 1), true, DType.FLOAT64, rng);
        SpectralNorm sn = new SpectralNorm(conv, rng);
        Var x = Var.constant(rng.normal(DType.FLOAT64, 2, 2, 4, 4));
        Tensor y = sn.forward(x).value();                      // one iteration, then σ̂ from the updated u, v
        Tensor expected = conv.forward(x, Var.constant(conv.weight().value().div(sn.sigma()))).value();
        assertArrayEquals(expected.toDoubleArray(), y.toDoubleArray(), 1e-12);
        assertEquals(List.of("conv.weight", "conv.bias"), sn.parameters().stream().map(Parameter::name).toList());
        assertEquals(List.of("conv.weight_u", "conv.weight_v"), sn.buffers().stream().map(Parameter::name).toList());
        assertArrayEquals(new int[] {3}, sn.buffers().get(0).value().shape());
        assertArrayEquals(new int[] {18}, sn.buffers().get(1).value().shape());
    }

    /** With the iteration stopped, u and v are constants and W ↦ layer(x; W/uᵀWv) passes gradcheck in x and W. */
    @Test
    void withTheIterationStoppedItPassesGradcheck() {
        RandomStream rng = new RandomStream(3);
        Linear fc = new Linear("fc", 3, 2, DType.FLOAT64, rng);
        SpectralNorm sn = new SpectralNorm(fc, rng);
        sn.setIterating(false);
        Tensor x = rng.normal(DType.FLOAT64, 2, 3);
        double[] u = sn.buffers().get(0).value().toDoubleArray();
        double[] v = sn.buffers().get(1).value().toDoubleArray();
        var report = GradCheck.gradcheck(ParameterInputs.bound(sn.parameters(), 1, in -> sn.forward(in[0])),
                ParameterInputs.values(sn.parameters(), x));
        assertTrue(report.passed(), report::toString);
        assertArrayEquals(u, sn.buffers().get(0).value().toDoubleArray(), 0, "no forward pass moved u");
        assertArrayEquals(v, sn.buffers().get(1).value().toDoubleArray(), 0, "no forward pass moved v");
    }
}
