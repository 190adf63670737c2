package joule.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import joule.autograd.Autograd;
import joule.autograd.GradCheck.Tolerance;
import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * The default suite of checks for a differentiable op {@code y = op(x)} (a user's function of one {@link Var},
 * or one of Joule's ops) at a float64 input: gradcheck, gradgradcheck, the VJP/JVP identity, and the same
 * value and gradient whatever the input's memory layout (contiguous, offset, permuted, strided, expanded).
 * One call, {@code OpSuite.check(op, x)}, runs them all and fails listing every check that failed.
 */
public final class OpSuite {
    private OpSuite() {
    }

    /** Runs the suite with {@link Tolerance#DEFAULT} and seed 0. */
    public static void check(Function<Var, Var> op, Tensor x) {
        check(op, Tolerance.DEFAULT, 0, x);
    }

    /** Runs the suite at {@code x} (float64, any shape and layout). */
    public static void check(Function<Var, Var> op, Tolerance tol, long seed, Tensor x) {
        if (x.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("OpSuite: x must be float64, got " + x.dtype());
        }
        Function<Var[], Var> f = xs -> op.apply(xs[0]);
        List<String> failures = new ArrayList<>();
        run(failures, "gradcheck", () -> DerivativeAssertions.assertGradcheck(f, tol, x));
        run(failures, "gradgradcheck", () -> DerivativeAssertions.assertGradgradcheck(f, tol, seed, x));
        run(failures, "VJP/JVP identity", () -> DerivativeAssertions.assertVjpJvpIdentity(f, tol, seed, x));
        run(failures, "layouts", () -> assertLayoutIndependent(op, tol, x));
        if (!failures.isEmpty()) {
            throw new AssertionError("OpSuite: " + failures.size() + " check(s) failed at x " + Shapes.format(x.shape())
                    + " (strides " + Arrays.toString(x.strides()) + "):\n  " + String.join("\n  ", failures));
        }
    }

    /**
     * The op's value and its gradient (of the sum of its output) are the same for every memory layout of the
     * input's values as for the contiguous input.
     */
    public static void assertLayoutIndependent(Function<Var, Var> op, Tolerance tol, Tensor x) {
        double[] values = x.toDoubleArray();
        for (TensorSamples.Layout layout : TensorSamples.Layout.values()) {
            TensorSamples.Sample laid = TensorSamples.build(
                    new TensorSamples.Spec(DType.FLOAT64, x.device(), x.shape(), layout, 1), values);
            Tensor plain = Tensor.of(laid.values()).reshape(x.shape()).to(x.device());
            String as = " of x laid out " + layout + " (strides " + Arrays.toString(laid.tensor().strides())
                    + ", offset " + laid.tensor().offset() + ")";
            Tensor[] onLaid = valueAndGrad(op, laid.tensor());
            Tensor[] onPlain = valueAndGrad(op, plain);
            Mismatch.check("layout independence", "op(x)" + as, onLaid[0].toDoubleArray(), onPlain[0].toDoubleArray(),
                    onPlain[0].shape(), tol.atol(), tol.rtol());
            Mismatch.check("layout independence", "gradient" + as, onLaid[1].toDoubleArray(), onPlain[1].toDoubleArray(),
                    x.shape(), tol.atol(), tol.rtol());
        }
    }

    private static Tensor[] valueAndGrad(Function<Var, Var> op, Tensor x) {
        Var in = Var.leaf(x);
        Var y = op.apply(in);
        if (!y.requiresGrad()) {
            return new Tensor[] {y.value(), x.zerosLike()};
        }
        return new Tensor[] {y.value(), Autograd.grad(y.sum(), in)[0].value()};
    }

    private static void run(List<String> failures, String name, Runnable check) {
        try {
            check.run();
        } catch (AssertionError e) {
            failures.add(e.getMessage());
        } catch (RuntimeException e) {
            failures.add(name + ": threw " + e);
        }
    }
}
