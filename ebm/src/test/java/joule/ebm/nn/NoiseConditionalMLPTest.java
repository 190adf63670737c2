package joule.ebm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import joule.autograd.GradCheck;
import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** NoiseConditionalMLP: {@code f([x, log σ]) / σ}, its shapes and derivatives. */
class NoiseConditionalMLPTest {
    private final NoiseConditionalMLP model =
            new NoiseConditionalMLP(2, Activation.SILU, DType.FLOAT64, new RandomStream(11), 4, 4);
    private final Tensor x = new RandomStream(12).normal(DType.FLOAT64, 3, 2);
    private final Tensor sigma = Tensor.of(new double[] {0.01, 0.3, 1.5});

    @Test
    void energyIsTheMlpOfXAndLogSigmaOverSigma() {
        double[] xs = x.toDoubleArray();
        double[] s = sigma.toDoubleArray();
        double[] features = new double[3 * 3];
        for (int r = 0; r < 3; r++) {
            features[3 * r] = xs[2 * r];
            features[3 * r + 1] = xs[2 * r + 1];
            features[3 * r + 2] = Math.log(s[r]);
        }
        double[] f = model.mlp().forward(Var.constant(Tensor.of(features, 3, 3))).value().toDoubleArray();
        double[] e = model.energy(Var.constant(x), Var.constant(sigma)).value().toDoubleArray();
        assertEquals(3, e.length);
        for (int r = 0; r < 3; r++) {
            assertEquals(f[r] / s[r], e[r], 1e-12);
        }
        assertEquals(3, model.mlp().inFeatures());
        assertEquals(List.of(4, 4, 1), model.mlp().layers().stream().map(Linear::outFeatures).toList());
        assertEquals("layers.0.weight", model.parameters().getFirst().name());
    }

    @Test
    void passesGradcheckAndGradgradcheckInXAndSigma() {
        var first = GradCheck.gradcheck(v -> model.energy(v[0], v[1]), x, sigma);
        assertTrue(first.passed(), first::toString);
        var second = GradCheck.gradgradcheck(v -> model.energy(v[0], v[1]), x, sigma);
        assertTrue(second.passed(), second::toString);
    }

    @Test
    void scoreAtALevelMatchesTheConditionalScore() {
        Tensor levels = Tensor.full(DType.FLOAT64, 0.3, 3);
        assertArrayEquals(model.score(x, levels).toDoubleArray(), model.atLevel(0.3).score(x).toDoubleArray(), 1e-12);
    }

    @Test
    void rejectsMismatchedShapes() {
        for (Tensor[] bad : new Tensor[][] {
            {Tensor.zeros(DType.FLOAT64, 3, 3), sigma},
            {x, Tensor.ones(DType.FLOAT64, 2)},
            {x, Tensor.ones(DType.FLOAT64, 3, 1)}}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> model.energy(Var.constant(bad[0]), Var.constant(bad[1])));
            assertTrue(e.getMessage().startsWith("NoiseConditionalMLP"), e.getMessage());
        }
    }
}
