package joule.autograd;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Random smooth test functions and finite-difference references for the functional API tests.
 *
 * <p><b>Functions.</b> Both families map {@code x: [B, D] → [B]} one row at a time (so samples are
 * independent, and the Hessian of the batch sum is block-diagonal), are smooth everywhere, and have
 * derivatives of every order bounded by small constants (weights scaled by {@code 1/√fan-in}):
 * <ul>
 *   <li>{@link #mlpEnergy}: {@code E(x) = w₃ᵀ silu(W₂ tanh(W₁x + b₁) + b₂) + ⟨a, sin x⟩ + ⅛‖x‖²};</li>
 *   <li>{@link #mixedEnergy}: {@code E(x) = Σ_j c_j φ_j((Wx)_j)} with {@code φ_j} cycling through
 *       sin, tanh, exp(·/2), softplus and sigmoid, a dense {@code W} coupling every pair of
 *       coordinates (so the Hessian is not diagonal).</li>
 * </ul>
 *
 * <p><b>Finite differences and their tolerance.</b> Central differences with step {@code ε} have
 * truncation error {@code ε²/6 · M₃} (M₃ a bound on the third derivative of the differenced
 * function along the step) and rounding error about {@code δ/ε}, where {@code δ} is the absolute
 * rounding error of one evaluation: float64 with {@code u ≈ 1.1e-16} and a few dozen ops on
 * values of size ≤ 10 gives {@code δ ≲ 1e-14}. With {@link #EPS} {@code = 1e-5} the two add up to
 * {@code ≲ 2e-11·M₃ + 1e-9}; for these functions {@code M₃ ≲ 100}, so the total is below
 * {@code 3e-9}. The tests accept {@code |analytical − numerical| ≤ ATOL + RTOL·|numerical|} with
 * {@link #ATOL} {@code = 1e-7}, {@link #RTOL} {@code = 1e-6}: a margin of 30× or more, while a wrong
 * derivative (a missing term, a factor of 2) is off by {@code 1e-2} or more.
 */
final class SmoothFunctions {
    static final double EPS = 1e-5;
    static final double ATOL = 1e-7;
    static final double RTOL = 1e-6;

    private SmoothFunctions() {
    }

    /** A random MLP energy {@code [B, d] → [B]} (hidden width 8), float64, weights from {@code seed}. */
    static Function<Var, Var> mlpEnergy(int d, long seed) {
        RandomStream rng = new RandomStream(seed);
        int h = 8;
        Var w1 = Var.constant(rng.normal(DType.FLOAT64, d, h).mul(1.5 / Math.sqrt(d)));
        Var b1 = Var.constant(rng.normal(DType.FLOAT64, h).mul(0.5));
        Var w2 = Var.constant(rng.normal(DType.FLOAT64, h, h).mul(1.5 / Math.sqrt(h)));
        Var b2 = Var.constant(rng.normal(DType.FLOAT64, h).mul(0.5));
        Var w3 = Var.constant(rng.normal(DType.FLOAT64, h, 1).div(Math.sqrt(h)));
        Var a = Var.constant(rng.normal(DType.FLOAT64, d).mul(0.5));
        return x -> {
            Var hidden = x.matmul(w1).add(b1).tanh().matmul(w2).add(b2).silu();
            Var mlp = hidden.matmul(w3).squeeze(1);
            Var sines = x.sin().mul(a).sum(1);
            Var quad = x.square().sum(1).mul(0.125);
            return mlp.add(sines).add(quad);
        };
    }

    /** A random composition of sin, tanh, exp, softplus and sigmoid of mixed coordinates, {@code [B, d] → [B]}. */
    static Function<Var, Var> mixedEnergy(int d, long seed) {
        RandomStream rng = new RandomStream(seed ^ 0x5DEECE66DL);
        int k = d + 2;
        Var w = Var.constant(rng.normal(DType.FLOAT64, d, k).div(Math.sqrt(d)));
        Var c = Var.constant(rng.normal(DType.FLOAT64, k));
        return x -> {
            Var s = x.matmul(w);
            Var[] parts = new Var[k];
            for (int j = 0; j < k; j++) {
                Var col = s.select(1, j);
                parts[j] = switch (j % 5) {
                    case 0 -> col.sin();
                    case 1 -> col.tanh();
                    case 2 -> col.mul(0.5).exp();
                    case 3 -> col.softplus();
                    default -> col.sigmoid();
                };
            }
            return Var.stack(1, parts).mul(c).sum(1);
        };
    }

    /** One of the two families. */
    static Function<Var, Var> energy(boolean mlp, int d, long seed) {
        return mlp ? mlpEnergy(d, seed) : mixedEnergy(d, seed);
    }

    /** Batch sum {@code Σ_b f(x)_b}, a scalar function. */
    static Function<Var, Var> batchSum(Function<Var, Var> f) {
        return x -> f.apply(x).sum();
    }

    /** {@code f(x)} without recording a graph. */
    static Tensor value(Function<Var, Var> f, Tensor x) {
        return Autograd.noGrad(() -> f.apply(Var.constant(x)).value());
    }

    /** {@code ∇f(x)} of a scalar {@code f} from one backward pass. */
    static Tensor gradient(Function<Var, Var> f, Tensor x) {
        Var in = Var.leaf(x);
        return Autograd.grad(f.apply(in), in)[0].value();
    }

    /** {@code (g(x + εt) − g(x − εt)) / 2ε}. */
    static Tensor centralDifference(Function<Tensor, Tensor> g, Tensor x, Tensor t) {
        Tensor up = g.apply(x.add(t.mul(EPS)));
        Tensor down = g.apply(x.sub(t.mul(EPS)));
        return up.sub(down).div(2 * EPS);
    }

    /** The {@code n × n} finite-difference Hessian of scalar {@code f} (n = numel x): column j = difference of gradients along e_j. */
    static double[][] fdHessian(Function<Var, Var> f, Tensor x) {
        int n = x.numel();
        double[][] h = new double[n][];
        for (int j = 0; j < n; j++) {
            h[j] = centralDifference(p -> gradient(f, p), x, unit(x, j)).toDoubleArray();
        }
        // h[j][i] = ∂g_i/∂x_j; return it row-major as H[i][j]
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i][j] = h[j][i];
            }
        }
        return out;
    }

    /** The finite-difference Jacobian of {@code f}: {@code J[o][p] = ∂f_o/∂x_p}, flattened indices. */
    static double[][] fdJacobian(Function<Var, Var> f, Tensor x) {
        int n = x.numel();
        double[][] columns = new double[n][];
        for (int p = 0; p < n; p++) {
            columns[p] = centralDifference(q -> value(f, q), x, unit(x, p)).toDoubleArray();
        }
        int m = columns.length == 0 ? 0 : columns[0].length;
        double[][] j = new double[m][n];
        for (int o = 0; o < m; o++) {
            for (int p = 0; p < n; p++) {
                j[o][p] = columns[p][o];
            }
        }
        return j;
    }

    /** The unit tensor {@code e_j} shaped like {@code x}. */
    static Tensor unit(Tensor x, int j) {
        double[] e = new double[x.numel()];
        e[j] = 1;
        return Tensor.of(x.dtype(), e, x.shape());
    }

    /** Asserts {@code |actual − expected| ≤ ATOL + RTOL·|expected|} elementwise, naming the worst element. */
    static void assertClose(String what, double[] expected, double[] actual) {
        assertClose(what, expected, actual, ATOL, RTOL);
    }

    static void assertClose(String what, double[] expected, double[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            fail(what + ": " + expected.length + " expected values, " + actual.length + " actual");
        }
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double ratio = Math.abs(actual[i] - expected[i]) / (atol + rtol * Math.abs(expected[i]));
            if (!(ratio <= worst)) {
                worst = ratio;
                at = i;
            }
        }
        if (!(worst <= 1)) {
            fail(String.format(Locale.ROOT, "%s: element %d is %.12g, expected %.12g (%.3g of the tolerance "
                    + "atol=%.1e rtol=%.1e)", what, at, actual[at], expected[at], worst, atol, rtol));
        }
    }

    static double[] flatten(double[][] m) {
        return Arrays.stream(m).flatMapToDouble(Arrays::stream).toArray();
    }
}
