package joule.autograd;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * Checks of analytical derivatives against finite differences, for users' own functions (energies,
 * losses) as much as for Joule's ops. Inputs must be float64: in float32 the difference quotient
 * has too few correct digits to judge anything.
 *
 * <p>{@link #gradcheck} compares the full Jacobian of {@code f: (x_1..x_n) → y} (any shapes),
 * row by row from backward passes, with central differences {@code (f(x + εe) - f(x - εe)) / 2ε};
 * an element passes when {@code |analytical - numerical| ≤ atol + rtol·|numerical|} (PyTorch's
 * defaults: {@code ε = 1e-6, atol = 1e-5, rtol = 1e-3}). {@link #gradgradcheck} does the same for
 * the gradient map {@code x ↦ J_f(x)ᵀ u} with a fixed random {@code u}, which checks every second
 * derivative. {@link #vjpIdentity} checks {@code ⟨J t, c⟩ = ⟨t, Jᵀ c⟩} along random directions.
 *
 * <p>Inputs may live on any device (all on one); the random directions and the perturbed inputs
 * are made there, and the comparison runs on the host.
 */
public final class GradCheck {
    private GradCheck() {
    }

    /** Step and tolerances. */
    public record Tolerance(double eps, double atol, double rtol) {
        /** {@code eps = 1e-6, atol = 1e-5, rtol = 1e-3}. */
        public static final Tolerance DEFAULT = new Tolerance(1e-6, 1e-5, 1e-3);
    }

    /**
     * The outcome: whether every compared value passed, the worst ratio
     * {@code |analytical - numerical| / (atol + rtol·|numerical|)} (≤ 1 passes), and a description
     * of the worst value.
     */
    public record Report(String check, boolean passed, double ratio, String worst) {
        @Override
        public String toString() {
            return check + ": " + (passed ? "passed" : "FAILED") + "; worst: " + worst;
        }
    }

    /** {@link #gradcheck(Function, Tolerance, Tensor...)} with the default tolerance. */
    public static Report gradcheck(Function<Var[], Var> f, Tensor... inputs) {
        return gradcheck(f, Tolerance.DEFAULT, inputs);
    }

    /** Compares the Jacobian of {@code f} at {@code inputs} (float64) with central differences. */
    public static Report gradcheck(Function<Var[], Var> f, Tolerance tol, Tensor... inputs) {
        return compare("gradcheck", f, tol, inputs);
    }

    /** {@link #gradgradcheck(Function, Tolerance, long, Tensor...)} with the default tolerance and seed 0. */
    public static Report gradgradcheck(Function<Var[], Var> f, Tensor... inputs) {
        return gradgradcheck(f, Tolerance.DEFAULT, 0, inputs);
    }

    /**
     * Checks second derivatives: gradcheck of {@code x ↦ (J_f(x)ᵀ u)} (the gradients of all
     * inputs, flattened and joined) for a fixed standard-normal {@code u} drawn with {@code seed}.
     */
    public static Report gradgradcheck(Function<Var[], Var> f, Tolerance tol, long seed, Tensor... inputs) {
        checkInputs("gradgradcheck", inputs);
        Tensor y0 = f.apply(leaves(inputs)).value();
        Tensor u = new RandomStream(seed).normal(y0.device(), DType.FLOAT64, y0.shape());
        Function<Var[], Var> gradientMap = xs -> {
            Var y = f.apply(xs);
            Var[] g = Autograd.grad(new Var[] {y}, xs, new Var[] {Var.constant(u)},
                    new GradOptions(true, true, true));
            Var[] flat = new Var[g.length];
            for (int i = 0; i < g.length; i++) {
                flat[i] = g[i].flatten();
            }
            return Var.cat(0, flat);
        };
        return compare("gradgradcheck", gradientMap, tol, inputs);
    }

    /**
     * Checks {@code ⟨J t, c⟩ = ⟨t, Jᵀ c⟩} for random standard-normal {@code t} (shaped like each
     * input) and {@code c} (shaped like the output): {@code J t} from a central difference along
     * {@code t} and from {@link Functional#jvp}'s double-VJP construction, {@code Jᵀ c} from one
     * backward pass. The report's analytical value is {@code ⟨t, Jᵀ c⟩}; it fails if either
     * {@code J t} disagrees.
     */
    public static Report vjpIdentity(Function<Var[], Var> f, Tolerance tol, long seed, Tensor... inputs) {
        checkInputs("vjpIdentity", inputs);
        RandomStream rng = new RandomStream(seed);
        Tensor[] t = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            t[i] = rng.normal(inputs[i].device(), DType.FLOAT64, inputs[i].shape());
        }
        Var[] xs = leaves(inputs);
        Var y = f.apply(xs);
        Tensor c = rng.normal(y.value().device(), DType.FLOAT64, y.shape());
        Var[] jtc = Autograd.grad(new Var[] {y}, xs, new Var[] {Var.constant(c)}, new GradOptions(false, false, true));
        double viaVjp = 0;
        for (int i = 0; i < inputs.length; i++) {
            viaVjp += jtc[i].value().mul(t[i]).sum().item();
        }
        Tensor[] plus = new Tensor[inputs.length];
        Tensor[] minus = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            plus[i] = inputs[i].add(t[i].mul(tol.eps()));
            minus[i] = inputs[i].sub(t[i].mul(tol.eps()));
        }
        Tensor jtNumeric = evaluate(f, plus).sub(evaluate(f, minus)).div(2 * tol.eps());
        double viaDifference = jtNumeric.mul(c).sum().item();
        double viaJvp = jvp(f, inputs, t).mul(c).sum().item();
        double ratioDiff = Math.abs(viaVjp - viaDifference) / (tol.atol() + tol.rtol() * Math.abs(viaDifference));
        double ratioJvp = Math.abs(viaVjp - viaJvp) / (tol.atol() + tol.rtol() * Math.abs(viaJvp));
        double worst = Math.max(ratioDiff, ratioJvp);
        String detail = String.format(Locale.ROOT, "<t, Jᵀc> = %.10g, <Jt, c> = %.10g by differences and %.10g by "
                + "double VJP (%.3g of the tolerance)", viaVjp, viaDifference, viaJvp, worst);
        return new Report("vjpIdentity", worst <= 1, worst, detail);
    }

    /** {@code J t} of a multi-input function by two VJPs (see {@link Functional#jvp}). */
    private static Tensor jvp(Function<Var[], Var> f, Tensor[] inputs, Tensor[] t) {
        Var[] xs = leaves(inputs);
        Var y = f.apply(xs);
        Var u = Var.leaf(y.value().zerosLike());
        Var[] w = Autograd.grad(new Var[] {y}, xs, new Var[] {u}, new GradOptions(true, true, true));
        Var[] tangents = new Var[t.length];
        for (int i = 0; i < t.length; i++) {
            tangents[i] = Var.constant(t[i]);
        }
        return Autograd.grad(w, new Var[] {u}, tangents, new GradOptions(false, false, true))[0].value();
    }

    private static Report compare(String check, Function<Var[], Var> f, Tolerance tol, Tensor[] inputs) {
        checkInputs(check, inputs);
        Tensor y0 = evaluate(f, inputs);
        int outN = y0.numel();
        int[] outShape = y0.shape();
        // analytical Jacobian, one backward pass per output element
        double[][][] analytical = new double[inputs.length][outN][];
        for (int j = 0; j < outN; j++) {
            Var[] xs = leaves(inputs);
            Var y = f.apply(xs);
            if (!y.requiresGrad()) {
                // no recorded dependence on the inputs (e.g. the gradient map of a linear or piecewise-linear
                // op, which is a constant): the analytical Jacobian is zero, and the differences must agree
                for (int i = 0; i < inputs.length; i++) {
                    analytical[i][j] = new double[inputs[i].numel()];
                }
                continue;
            }
            double[] e = new double[outN];
            e[j] = 1;
            Tensor direction = Tensor.of(e).reshape(outShape).to(y.value().device());
            Var[] g = Autograd.grad(new Var[] {y}, xs, new Var[] {Var.constant(direction)}, new GradOptions(false, false, true));
            for (int i = 0; i < inputs.length; i++) {
                analytical[i][j] = g[i].value().toDoubleArray();
            }
        }
        double worstRatio = 0;
        String worst = "nothing to compare";
        for (int i = 0; i < inputs.length; i++) {
            double[] base = inputs[i].toDoubleArray();
            for (int p = 0; p < base.length; p++) {
                double[] numerical = difference(f, inputs, i, base, p, tol.eps());
                for (int j = 0; j < outN; j++) {
                    double a = analytical[i][j][p];
                    double n = numerical[j];
                    double ratio = Math.abs(a - n) / (tol.atol() + tol.rtol() * Math.abs(n));
                    if (Double.isNaN(ratio)) {
                        ratio = Double.isNaN(a) && Double.isNaN(n) ? 0 : Double.POSITIVE_INFINITY;
                    }
                    if (ratio > worstRatio || i == 0 && p == 0 && j == 0) {
                        worstRatio = ratio;
                        worst = String.format(Locale.ROOT, "d output%s / d input %d%s: analytical %.10g, numerical "
                                        + "%.10g (%.3g of the tolerance)", Arrays.toString(Shapes.unravel(j, outShape)), i,
                                Arrays.toString(Shapes.unravel(p, inputs[i].shape())), a, n, ratio);
                    }
                }
            }
        }
        return new Report(check, worstRatio <= 1, worstRatio, worst);
    }

    /** Central difference of every output element with respect to element {@code p} of input {@code i}. */
    private static double[] difference(Function<Var[], Var> f, Tensor[] inputs, int i, double[] base, int p,
                                       double eps) {
        Tensor[] moved = inputs.clone();
        double[] shifted = base.clone();
        shifted[p] = base[p] + eps;
        moved[i] = Tensor.of(shifted).reshape(inputs[i].shape()).to(inputs[i].device());
        double[] up = evaluate(f, moved).toDoubleArray();
        shifted[p] = base[p] - eps;
        moved[i] = Tensor.of(shifted).reshape(inputs[i].shape()).to(inputs[i].device());
        double[] down = evaluate(f, moved).toDoubleArray();
        double[] d = new double[up.length];
        for (int j = 0; j < d.length; j++) {
            d[j] = (up[j] - down[j]) / (2 * eps);
        }
        return d;
    }

    /** The value of {@code f}; inputs are leaves, since {@code f} may differentiate internally. */
    private static Tensor evaluate(Function<Var[], Var> f, Tensor[] inputs) {
        return f.apply(leaves(inputs)).value();
    }

    private static Var[] leaves(Tensor[] inputs) {
        Var[] xs = new Var[inputs.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = Var.leaf(inputs[i]);
        }
        return xs;
    }

    private static void checkInputs(String check, Tensor[] inputs) {
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException(check + ": input " + i + " is " + inputs[i].dtype()
                        + "; finite differences need float64 (convert with to(DType.FLOAT64))");
            }
        }
    }
}
