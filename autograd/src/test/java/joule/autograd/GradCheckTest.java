package joule.autograd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link GradCheck} passes correct derivatives and catches wrong ones. Wrong derivatives are built
 * from Var ops with {@code detach} ("stop gradient") in them, which changes a derivative without
 * changing the value.
 */
class GradCheckTest {
    private static Tensor vec(double... v) {
        return Tensor.of(v);
    }

    private static void assertContains(String text, String part) {
        assertTrue(text.contains(part), () -> "expected \"" + part + "\" in: " + text);
    }

    // ---------------------------------------------------------------- correct derivatives pass

    @Test
    void correctFunctionsPass() {
        Tensor x = new RandomStream(1).normal(DType.FLOAT64, 2, 3);
        Tensor w = new RandomStream(2).normal(DType.FLOAT64, 3, 2);
        Function<Var[], Var> f = v -> v[0].matmul(v[1]).tanh().mul(v[0].sum(1).sin().unsqueeze(1)).exp();
        GradCheck.Report first = GradCheck.gradcheck(f, x, w);
        assertTrue(first.passed(), first::toString);
        assertTrue(first.ratio() <= 1);
        GradCheck.Report second = GradCheck.gradgradcheck(f, x, w);
        assertTrue(second.passed(), second::toString);
        GradCheck.Report identity = GradCheck.vjpIdentity(f, GradCheck.Tolerance.DEFAULT, 3, x, w);
        assertTrue(identity.passed(), identity::toString);
    }

    @Test
    void functionsWithZeroSecondDerivativePassGradgradcheck() {
        // relu's gradient g·1[x > 0] is built from constants: it does not require grad, and its
        // derivative, 0 away from the kink, is what the finite differences see.
        Tensor x = vec(-1.5, -0.2, 0.3, 2.0);
        GradCheck.Report relu = GradCheck.gradgradcheck(v -> v[0].relu(), x);
        assertTrue(relu.passed(), relu::toString);
        GradCheck.Report linear = GradCheck.gradgradcheck(v -> v[0].mul(3).add(1), x);
        assertTrue(linear.passed(), linear::toString);
        // and gradcheck of a function that does not depend on its input at all
        GradCheck.Report constant = GradCheck.gradcheck(v -> v[0].detach().mul(0).add(1), x);
        assertTrue(constant.passed(), constant::toString);
    }

    // ---------------------------------------------------------------- wrong first derivatives

    @Test
    void gradcheckCatchesAWrongGradientAndNamesTheWorstElement() {
        // f(x) = detach(x)·x: value x², gradient x instead of 2x. The error |x| relative to the
        // tolerance 1e-5 + 1e-3·|2x| grows with |x|, so the worst element is the largest, x[2] = 3.
        Tensor x = vec(0.5, -1.0, 3.0);
        GradCheck.Report report = GradCheck.gradcheck(v -> v[0].detach().mul(v[0]), x);
        assertFalse(report.passed(), report::toString);
        assertTrue(report.ratio() > 1);
        assertContains(report.toString(), "gradcheck: FAILED");
        assertContains(report.worst(), "d output[2] / d input 0[2]");
        assertContains(report.worst(), "analytical 3.00000");
        assertContains(report.worst(), "numerical 6.00000");
        // the vjp identity sees it too: backward gives Jᵀc with the wrong J
        GradCheck.Report identity = GradCheck.vjpIdentity(v -> v[0].detach().mul(v[0]), GradCheck.Tolerance.DEFAULT,
                4, x);
        assertFalse(identity.passed(), identity::toString);
    }

    @Test
    void gradcheckNamesTheInputWithTheWrongGradient() {
        // f(a, b) = a·b with b's gradient cut: d/db is 0 instead of a
        Tensor a = vec(1.0, 2.0);
        Tensor b = vec(0.5, 0.25);
        GradCheck.Report report = GradCheck.gradcheck(v -> v[0].mul(v[1].detach()).add(v[1].mul(0)), a, b);
        assertFalse(report.passed(), report::toString);
        assertContains(report.worst(), "d input 1");
        assertContains(report.worst(), "analytical 0");
    }

    // ---------------------------------------------------------------- wrong second derivatives

    @Test
    void gradgradcheckCatchesAWrongSecondDerivativeWithARightFirst() {
        // f(x) = x²·s + (x − s)·s² with s = detach(x): value x³; gradient 2x·s + s² = 3x² (right);
        // but the gradient as a function of x, seen by the graph, is 2x·s + s², whose derivative
        // is 2s = 2x instead of 6x.
        Function<Var[], Var> f = v -> {
            Var s = v[0].detach();
            return v[0].square().mul(s).add(v[0].sub(s).mul(s.square()));
        };
        Tensor x = vec(0.7, -1.3, 2.1);
        GradCheck.Report first = GradCheck.gradcheck(f, x);
        assertTrue(first.passed(), first::toString);
        GradCheck.Report second = GradCheck.gradgradcheck(f, x);
        assertFalse(second.passed(), second::toString);
        assertContains(second.toString(), "gradgradcheck: FAILED");
        assertContains(second.worst(), "analytical");
    }

    @Test
    void gradgradcheckCatchesAGradientThatIsAConstant() {
        // x² as x·s + (x − s)·s: gradient s + s = 2x (right), built from constants only, so the
        // graph sees a second derivative of 0 instead of 2. The gradient does not even require grad:
        // gradgradcheck must report that, not throw.
        Function<Var[], Var> f = v -> {
            Var s = v[0].detach();
            return v[0].mul(s).add(v[0].sub(s).mul(s));
        };
        Tensor x = vec(0.7, -1.3, 2.1);
        assertTrue(GradCheck.gradcheck(f, x).passed());
        GradCheck.Report second = GradCheck.gradgradcheck(f, x);
        assertFalse(second.passed(), second::toString);
        assertContains(second.worst(), "analytical 0");
    }

    // ---------------------------------------------------------------- inputs

    @Test
    void float32InputsAreRejected() {
        Tensor x64 = vec(1, 2);
        Tensor x32 = Tensor.of(new float[] {1, 2});
        Function<Var[], Var> f = v -> v[0].mul(v[1]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradCheck.gradcheck(f, x64, x32));
        assertContains(e.getMessage(), "gradcheck: input 1 is float32");
        assertContains(e.getMessage(), "float64");
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.gradgradcheck(f, x32, x64));
        assertContains(e2.getMessage(), "gradgradcheck: input 0 is float32");
        assertThrows(IllegalArgumentException.class,
                () -> GradCheck.vjpIdentity(f, GradCheck.Tolerance.DEFAULT, 0, x32, x64));
    }
}
