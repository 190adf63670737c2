package joule.ebm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.loss.ExactScoreMatching;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An MLP energy's score and Laplacian from the forward pass ({@link LaplacianJet}) against the
 * generic path (D recorded Hessian-vector products), in float64: values, and the gradients in the
 * parameters that exact score matching takes from them.
 */
class ForwardLaplacianTest {
    private static final double TOL = 1e-10;

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], TOL * (1 + Math.abs(e[i])), what + " at " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void matchesHessianVectorProducts(Activation activation) {
        for (int[] sizes : new int[][] {{3, 7, 1}, {5, 8, 6, 1}, {2, 1}, {4, 9, 9, 9, 1}}) {
            MLP mlp = new MLP(activation, DType.FLOAT64, new RandomStream(sizes.length), sizes);
            Energy structured = mlp.asEnergy();
            Energy generic = NeuralEnergy.of(mlp, x -> mlp.forward(x).squeeze(-1));
            Tensor x = new RandomStream(11).normal(DType.FLOAT64, 6, sizes[0]);

            Energy.ScoreAndLaplacian fast = structured.scoreAndLaplacian(Var.leaf(x));
            Energy.ScoreAndLaplacian slow = generic.scoreAndLaplacian(Var.leaf(x));
            String what = activation + " " + java.util.Arrays.toString(sizes);
            assertClose(slow.score().value(), fast.score().value(), what + " score");
            assertClose(slow.laplacian().value(), fast.laplacian().value(), what + " laplacian");

            List<Tensor> fastGrads = parameterGradients(new ExactScoreMatching(structured), mlp, x);
            List<Tensor> slowGrads = parameterGradients(new ExactScoreMatching(generic), mlp, x);
            for (int i = 0; i < fastGrads.size(); i++) {
                assertClose(slowGrads.get(i), fastGrads.get(i), what + " ∂J/∂" + mlp.parameters().get(i).name());
            }
        }
    }

    private static List<Tensor> parameterGradients(ExactScoreMatching loss, MLP mlp, Tensor x) {
        mlp.zeroGrad();
        loss.compute(x, new RandomStream(0)).backward();
        // the last bias moves neither score nor Laplacian: no gradient on either path
        return mlp.parameters().stream().map(p -> p.grad() == null ? p.value().mul(0) : p.grad().copy()).toList();
    }
}
