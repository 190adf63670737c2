package joule.ebm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import joule.autograd.GradCheck;
import joule.autograd.Var;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Activation values against their formulas; ELU's first and second derivatives. */
class ActivationTest {
    private static final double[] POINTS = {-3.5, -1.2, -0.3, 0.4, 1.1, 2.7};

    private static void assertMatches(Activation a, DoubleUnaryOperator f) {
        double[] got = a.apply(Var.constant(Tensor.of(POINTS))).value().toDoubleArray();
        for (int i = 0; i < POINTS.length; i++) {
            assertEquals(f.applyAsDouble(POINTS[i]), got[i], 1e-12, a + " at " + POINTS[i]);
        }
    }

    @Test
    void valuesFollowTheirFormulas() {
        assertMatches(Activation.SILU, x -> x / (1 + Math.exp(-x)));
        assertMatches(Activation.SOFTPLUS, x -> Math.log1p(Math.exp(x)));
        assertMatches(Activation.TANH, Math::tanh);
        assertMatches(Activation.ELU, x -> x > 0 ? x : Math.expm1(x));
        assertMatches(Activation.RELU, x -> Math.max(x, 0));
    }

    @Test
    void derivativesAreThoseOfApply() {
        for (Activation a : Activation.values()) {
            Var x = Var.leaf(Tensor.of(POINTS));
            Var d1 = joule.autograd.Autograd.grad(new Var[] {a.apply(x).sum()}, new Var[] {x}, null,
                    joule.autograd.GradOptions.CREATE_GRAPH)[0];
            assertArrayEquals(d1.value().toDoubleArray(), a.derivative(x).value().toDoubleArray(), 1e-12, a + "'");
            double[] expected = d1.requiresGrad()
                    ? joule.autograd.Autograd.grad(new Var[] {d1.sum()}, new Var[] {x}, null,
                            joule.autograd.GradOptions.DEFAULT)[0].value().toDoubleArray()
                    : new double[POINTS.length];
            assertArrayEquals(expected, a.secondDerivative(x).value().toDoubleArray(), 1e-12, a + "''");
        }
    }

    @Test
    void smoothDerivativesPassGradcheck() {
        Tensor x = Tensor.of(POINTS);
        for (Activation a : new Activation[] {Activation.SILU, Activation.SOFTPLUS, Activation.TANH}) {
            var first = GradCheck.gradgradcheck(xs -> a.derivative(xs[0]), x);
            assertTrue(first.passed(), () -> a + "': " + first);
            var second = GradCheck.gradgradcheck(xs -> a.secondDerivative(xs[0]), x);
            assertTrue(second.passed(), () -> a + "'': " + second);
        }
    }

    @Test
    void eluPassesGradcheckAndGradgradcheck() {
        Tensor x = Tensor.of(POINTS);
        var first = GradCheck.gradcheck(xs -> Activation.ELU.apply(xs[0]), x);
        assertTrue(first.passed(), first::toString);
        var second = GradCheck.gradgradcheck(xs -> Activation.ELU.apply(xs[0]), x);
        assertTrue(second.passed(), second::toString);
    }

    @Test
    void eluHasFiniteGradientsForLargeInputs() {
        Var x = Var.leaf(Tensor.of(new double[] {800, -800, 0}));
        Activation.ELU.apply(x).sum().backward();
        assertArrayEquals(new double[] {1, 0, Math.exp(0)}, x.grad().toDoubleArray(), 1e-12);
    }
}
