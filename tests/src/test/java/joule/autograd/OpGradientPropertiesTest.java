package joule.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import joule.autograd.GradCheck.Report;
import joule.autograd.OpTable.Case;
import joule.autograd.OpTable.Entry;
import joule.tensor.DType;
import joule.tensor.Tensor;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;

/**
 * Gradient properties of every op in {@link OpTable}: first derivatives against central
 * differences (gradcheck), second derivatives the same way (gradgradcheck), the VJP identity
 * {@code ⟨J t, c⟩ = ⟨t, Jᵀ c⟩}, and gradient shapes; plus the check that the table has an entry
 * for every op of {@link Var}.
 *
 * <p>Each property draws all ops' cases from one seed per try (the op's case from
 * {@code new Random(seed·31 + signature.hashCode())}), so every op is checked on every try, and a
 * failure names the op, its case and the seed. Shrinking is off: a seed has no smaller form.
 */
class OpGradientPropertiesTest {
    /** Tries per property; each try checks every op once. */
    private static final int TRIES = 100;

    /**
     * Public {@code Var} methods that return a {@code Var} but are not differentiable ops:
     * {@code leaf} and {@code constant} make graph roots from a {@code Tensor} (no Var goes in, so
     * there is nothing to differentiate through); {@code detach} cuts the graph on purpose (its
     * gradient is nothing, checked in {@link #detachPassesNoGradient()}). Object's methods never
     * return a Var, and are skipped by their declaring class anyway.
     */
    private static final Set<String> NOT_OPS = Set.of("leaf(Tensor)", "constant(Tensor)", "detach()");

    // ---------------------------------------------------------------- the table is complete

    @Example
    void everyVarOpHasATableEntry() {
        TreeMap<String, Method> ops = new TreeMap<>();
        for (Method m : Var.class.getMethods()) {
            if (m.getReturnType() == Var.class && m.getDeclaringClass() != Object.class
                    && !NOT_OPS.contains(signature(m))) {
                ops.put(signature(m), m);
            }
        }
        Set<String> inTable = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (Entry e : OpTable.ENTRIES) {
            if (!inTable.add(e.signature())) {
                problems.add("duplicate table entry " + e.signature());
            }
            Method m = ops.get(e.signature());
            if (m == null) {
                problems.add("table entry " + e.signature() + " matches no public Var method returning Var");
            } else if (!m.isVarArgs() && e.arity() != varInputs(m)) {
                problems.add(e.signature() + " has arity " + e.arity() + " in the table, " + varInputs(m) + " Var inputs");
            }
        }
        Set<String> missing = new TreeSet<>(ops.keySet());
        missing.removeAll(inTable);
        if (!missing.isEmpty()) {
            problems.add("ops without a table entry in OpTable: " + String.join(", ", missing));
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** {@code name(ParamType,...)} with simple type names: {@code sum(int[],boolean)}, {@code cat(int,Var[])}. */
    static String signature(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    /** Var inputs of a fixed-arity method: its Var parameters, and the receiver unless static. */
    private static int varInputs(Method m) {
        int n = Modifier.isStatic(m.getModifiers()) ? 0 : 1;
        for (Class<?> p : m.getParameterTypes()) {
            n += p == Var.class ? 1 : 0;
        }
        return n;
    }

    // ---------------------------------------------------------------- derivatives of every op

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void gradcheckPassesForEveryOp(@ForAll long seed) {
        checkEveryOp(seed, (e, c) -> GradCheck.gradcheck(e.function(c.args()), e.tolerance(), c.inputs()));
    }

    /** Piecewise-linear ops (relu, abs, max, clamp, …) have zero second derivatives away from their kinks. */
    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void gradgradcheckPassesForEveryOp(@ForAll long seed) {
        checkEveryOp(seed, (e, c) -> GradCheck.gradgradcheck(e.function(c.args()), e.tolerance(), seed, c.inputs()));
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void vjpIdentityHoldsForEveryOp(@ForAll long seed) {
        checkEveryOp(seed, (e, c) -> GradCheck.vjpIdentity(e.function(c.args()), e.tolerance(), seed, c.inputs()));
    }

    /** Gradients come back in each input's shape and dtype, broadcast inputs included. */
    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void gradientsHaveTheInputsShapes(@ForAll long seed) {
        checkEveryOp(seed, (e, c) -> {
            Var[] xs = leaves(c.inputs());
            Var y = e.function(c.args()).apply(xs);
            Tensor ones = Tensor.ones(DType.FLOAT64, y.shape());
            Var[] g = Autograd.grad(new Var[] {y}, xs, new Tensor[] {ones}, false);
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < xs.length; i++) {
                if (!Arrays.equals(g[i].shape(), xs[i].shape()) || g[i].dtype() != DType.FLOAT64) {
                    wrong.add("input " + i + " " + Arrays.toString(xs[i].shape()) + " got a " + g[i].dtype()
                            + " gradient of shape " + Arrays.toString(g[i].shape()));
                }
            }
            return new Report("gradient shapes", wrong.isEmpty(), wrong.isEmpty() ? 0 : 1,
                    wrong.isEmpty() ? "all match" : String.join("; ", wrong));
        });
    }

    /** Runs {@code check} on one case of every op; fails listing each op that failed or threw. */
    private static void checkEveryOp(long seed, BiFunction<Entry, Case, Report> check) {
        List<String> failures = new ArrayList<>();
        for (Entry e : OpTable.ENTRIES) {
            Case c = e.draw(new Random(seed * 31 + e.signature().hashCode()));
            try {
                Report report = check.apply(e, c);
                if (!report.passed()) {
                    failures.add(e.signature() + " on " + c.describe() + ": " + report);
                }
            } catch (RuntimeException ex) {
                failures.add(e.signature() + " on " + c.describe() + ": threw " + ex);
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " of " + OpTable.ENTRIES.size() + " ops failed (seed "
                + seed + "):\n  " + String.join("\n  ", failures));
    }

    private static Var[] leaves(Tensor[] inputs) {
        Var[] xs = new Var[inputs.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = Var.leaf(inputs[i]);
        }
        return xs;
    }

    // ---------------------------------------------------------------- examples

    @Example
    void broadcastGradientsAreSummedBackToTheInputShape() {
        Var a = Var.leaf(Tensor.of(new double[] {1, 2, 3}, 3, 1));
        Var b = Var.leaf(Tensor.of(new double[] {10, 20, 30, 40}));
        Var[] g = Autograd.grad(a.add(b).sum(), a, b);
        assertArrayEquals(new int[] {3, 1}, g[0].shape());
        assertArrayEquals(new int[] {4}, g[1].shape());
        assertArrayEquals(new double[] {4, 4, 4}, g[0].value().toDoubleArray());
        assertArrayEquals(new double[] {3, 3, 3, 3}, g[1].value().toDoubleArray());

        // d Σ a·b / da = Σ_j b_j per row, d / db = Σ_i a_i per column
        Var[] h = Autograd.grad(a.mul(b).sum(), a, b);
        assertArrayEquals(new int[] {3, 1}, h[0].shape());
        assertArrayEquals(new int[] {4}, h[1].shape());
        assertArrayEquals(new double[] {100, 100, 100}, h[0].value().toDoubleArray());
        assertArrayEquals(new double[] {6, 6, 6, 6}, h[1].value().toDoubleArray());
    }

    /**
     * {@code f = sin(x)·eˣ}: {@code f' = eˣ(sin x + cos x)}, {@code f'' = 2eˣ cos x},
     * {@code f''' = 2eˣ(cos x - sin x)}, through three nested gradients.
     */
    @Example
    void thirdDerivativeOfSinTimesExpMatchesTheFormula() {
        double[] xs = {-1.3, -0.4, 0, 0.7, 1.9};
        Var x = Var.leaf(Tensor.of(xs));
        Var f = x.sin().mul(x.exp());
        Var d1 = Autograd.grad(new Var[] {f.sum()}, new Var[] {x}, (Var[]) null, GradOptions.CREATE_GRAPH)[0];
        Var d2 = Autograd.grad(new Var[] {d1.sum()}, new Var[] {x}, (Var[]) null, GradOptions.CREATE_GRAPH)[0];
        Var d3 = Autograd.grad(new Var[] {d2.sum()}, new Var[] {x}, (Var[]) null, GradOptions.CREATE_GRAPH)[0];
        for (int i = 0; i < xs.length; i++) {
            double e = Math.exp(xs[i]);
            double s = Math.sin(xs[i]);
            double c = Math.cos(xs[i]);
            assertEquals(e * (s + c), d1.value().toDoubleArray()[i], 1e-12, "f' at " + xs[i]);
            assertEquals(2 * e * c, d2.value().toDoubleArray()[i], 1e-12, "f'' at " + xs[i]);
            assertEquals(2 * e * (c - s), d3.value().toDoubleArray()[i], 1e-12, "f''' at " + xs[i]);
        }
        assertTrue(d3.requiresGrad(), "the third derivative is itself differentiable");
    }

    /** {@code detach} has no table entry: no gradient flows through it. */
    @Example
    void detachPassesNoGradient() {
        double[] v = {-1.5, 0.5, 2};
        Var x = Var.leaf(Tensor.of(v));
        Var d = x.detach();
        assertFalse(d.requiresGrad());
        assertArrayEquals(v, d.value().toDoubleArray());

        // d/dx Σ (x² + 3·detach(x)) = 2x: the detached term contributes nothing
        Var g = Autograd.grad(x.square().add(x.detach().mul(3)).sum(), x)[0];
        assertArrayEquals(new double[] {-3, 1, 4}, g.value().toDoubleArray());

        // x reaches the output only through detach: unused, so its gradient is zero (or an error)
        Var w = Var.leaf(Tensor.of(new double[] {1, 2, 3}));
        Var y = x.detach().mul(w).sum();
        Var[] gs = Autograd.grad(new Var[] {y}, new Var[] {x, w}, (Var[]) null,
                GradOptions.DEFAULT.withAllowUnused(true));
        assertArrayEquals(new double[] {0, 0, 0}, gs[0].value().toDoubleArray());
        assertArrayEquals(v, gs[1].value().toDoubleArray());
        try {
            Autograd.grad(x.detach().mul(w).sum(), x);
            throw new AssertionError("grad through detach alone should report x as unused");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("not used"), expected.getMessage());
        }
    }

    /** {@code to(DType)} across dtypes (the table checks float64 → float64): the gradient comes back in the input's dtype. */
    @Example
    void conversionGradientsComeBackInTheInputDtype() {
        double[] v = {-1.25, 0.5, 2};
        Var x64 = Var.leaf(Tensor.of(v));
        Var y32 = x64.to(DType.FLOAT32);
        assertEquals(DType.FLOAT32, y32.dtype());
        Var g64 = Autograd.grad(y32.square().sum(), x64)[0];
        assertEquals(DType.FLOAT64, g64.dtype());
        assertArrayEquals(new double[] {-2.5, 1, 4}, g64.value().toDoubleArray());

        Var x32 = Var.leaf(Tensor.of(new float[] {-1.25f, 0.5f, 2f}));
        Var g32 = Autograd.grad(x32.to(DType.FLOAT64).square().sum(), x32)[0];
        assertEquals(DType.FLOAT32, g32.dtype());
        assertArrayEquals(new double[] {-2.5, 1, 4}, g32.value().toDoubleArray());
    }
}
