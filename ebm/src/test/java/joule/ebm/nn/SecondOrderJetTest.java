package joule.ebm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.loss.ExactScoreMatching;
import joule.ebm.loss.Loss;
import joule.ebm.loss.Projection;
import joule.ebm.loss.SlicedScoreMatching;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An MLP energy's derivatives in x from its forward pass ({@link SecondOrderJet}) against the
 * generic paths of {@link Energy} (recorded backward passes), in float64: values, and the gradients
 * in the parameters that exact and sliced score matching take from them.
 */
class SecondOrderJetTest {
    private static final double TOL = 1e-10;

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], TOL * (1 + Math.abs(e[i])), what + " at " + i);
        }
    }

    private static final int[][] SIZES = {{3, 7, 1}, {5, 8, 6, 1}, {2, 1}, {4, 9, 9, 9, 1}, {17, 6, 5, 1}};

    @ParameterizedTest
    @EnumSource(Activation.class)
    void directionalDerivativesMatchAVectorJacobianProduct(Activation activation) {
        for (int[] sizes : SIZES) {
            MLP mlp = new MLP(activation, DType.FLOAT64, new RandomStream(sizes.length), sizes);
            Energy structured = mlp.asEnergy();
            Energy generic = NeuralEnergy.of(mlp, x -> mlp.forward(x).squeeze(-1));
            RandomStream rng = new RandomStream(12);
            Tensor x = rng.normal(DType.FLOAT64, 6, sizes[0]);
            Tensor v = rng.normal(DType.FLOAT64, 6, sizes[0]);

            Energy.DirectionalDerivatives fast = structured.directionalDerivatives(Var.leaf(x), v);
            Energy.DirectionalDerivatives slow = generic.directionalDerivatives(Var.leaf(x), v);
            String what = activation + " " + java.util.Arrays.toString(sizes);
            assertClose(slow.first().value(), fast.first().value(), what + " vᵀ∇E");
            assertClose(slow.second().value(), fast.second().value(), what + " vᵀ∇²E v");

            Loss structuredLoss = new SlicedScoreMatching(structured, 2, Projection.GAUSSIAN, false);
            Loss genericLoss = new SlicedScoreMatching(generic, 2, Projection.GAUSSIAN, false);
            List<Tensor> fastGrads = parameterGradients(structuredLoss, mlp, x);
            List<Tensor> slowGrads = parameterGradients(genericLoss, mlp, x);
            for (int i = 0; i < fastGrads.size(); i++) {
                assertClose(slowGrads.get(i), fastGrads.get(i), what + " ∂J_SSM/∂" + mlp.parameters().get(i).name());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void scoreAndLaplacianMatchHessianVectorProducts(Activation activation) {
        for (int[] sizes : SIZES) {
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

    private static List<Tensor> parameterGradients(Loss loss, MLP mlp, Tensor x) {
        mlp.zeroGrad();
        loss.compute(x, new RandomStream(0)).backward();
        // the last bias moves neither score nor Laplacian: no gradient on either path
        return mlp.parameters().stream().map(p -> p.grad() == null ? p.value().mul(0) : p.grad().copy()).toList();
    }
}
