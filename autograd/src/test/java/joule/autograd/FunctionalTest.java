package joule.autograd;

import static joule.autograd.SmoothFunctions.assertClose;
import static joule.autograd.SmoothFunctions.batchSum;
import static joule.autograd.SmoothFunctions.centralDifference;
import static joule.autograd.SmoothFunctions.energy;
import static joule.autograd.SmoothFunctions.fdHessian;
import static joule.autograd.SmoothFunctions.fdJacobian;
import static joule.autograd.SmoothFunctions.gradient;
import static joule.autograd.SmoothFunctions.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The functional API against finite differences, on random smooth functions ({@link SmoothFunctions}:
 * an MLP energy and a composition of sin/tanh/exp/softplus/sigmoid of mixed coordinates), over
 * random dimensions, batch sizes and seeds. Finite-difference tolerances are derived in
 * {@link SmoothFunctions}: {@code |a − n| ≤ 1e-7 + 1e-6·|n|} with {@code ε = 1e-5}.
 */
class FunctionalTest {
    /** Rounding-only comparisons (two exact computations of the same quantity by different op orders). */
    private static final double ROUNDING = 1e-11;

    private static Tensor normal(long seed, int... shape) {
        return new RandomStream(seed).normal(DType.FLOAT64, shape);
    }

    // ---------------------------------------------------------------- hvp and hessian

    @Property(tries = 40)
    void hvpEqualsCentralDifferenceOfGradients(@ForAll @IntRange(min = 1, max = 8) int d,
                                               @ForAll @IntRange(min = 1, max = 3) int batch,
                                               @ForAll boolean mlp, @ForAll long seed) {
        Function<Var, Var> f = batchSum(energy(mlp, d, seed));
        Tensor x = normal(seed + 1, batch, d);
        Tensor v = normal(seed + 2, batch, d);
        Tensor hv = Functional.hvp(f, x, v);
        assertArrayEquals(x.shape(), hv.shape());
        Tensor fd = centralDifference(p -> gradient(f, p), x, v);   // (∇f(x+εv) − ∇f(x−εv)) / 2ε
        assertClose("hvp vs difference of gradients", fd.toDoubleArray(), hv.toDoubleArray());
    }

    @Property(tries = 25)
    void hessianEqualsFiniteDifferenceHessianAndIsSymmetric(@ForAll @IntRange(min = 1, max = 6) int d,
                                                            @ForAll @IntRange(min = 1, max = 3) int batch,
                                                            @ForAll boolean mlp, @ForAll long seed) {
        Function<Var, Var> f = batchSum(energy(mlp, d, seed));
        Tensor x = normal(seed + 1, batch, d);
        Tensor h = Functional.hessian(f, x);
        assertArrayEquals(new int[] {batch, d, batch, d}, h.shape());
        int n = batch * d;
        double[] hv = h.toDoubleArray();
        double[][] fd = fdHessian(f, x);
        assertClose("hessian vs finite differences", SmoothFunctions.flatten(fd), hv);
        double scale = 1;
        for (double e : hv) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                assertEquals(hv[i * n + j], hv[j * n + i], ROUNDING * scale, "H[" + i + "][" + j + "] vs H[" + j + "][" + i + "]");
                if (i / d != j / d) {
                    assertEquals(0, hv[i * n + j], 0, "samples are independent: cross-sample entries vanish");
                }
            }
        }
    }

    @Test
    void hessianOfAQuadraticIsItsMatrix() {
        // f(x) = ½ xᵀ A x with symmetric A: ∇²f = A exactly (up to rounding)
        Tensor m = normal(3, 4, 4);
        Tensor a = m.add(m.mT()).mul(0.5);
        Var av = Var.constant(a);
        Tensor h = Functional.hessian(x -> x.matmul(av).mul(x).sum().mul(0.5), normal(4, 4));
        assertArrayEquals(a.toDoubleArray(), h.toDoubleArray(), 1e-14);
    }

    // ---------------------------------------------------------------- trace and diagonal of batched f

    @Property(tries = 25)
    void hessianTraceAndDiagonalEqualTheFiniteDifferenceHessianPerSample(
            @ForAll @IntRange(min = 1, max = 6) int d, @ForAll @IntRange(min = 1, max = 4) int batch,
            @ForAll boolean mlp, @ForAll long seed) {
        Function<Var, Var> f = energy(mlp, d, seed);
        Tensor x = normal(seed + 1, batch, d);
        Tensor trace = Functional.hessianTrace(f, x);
        Tensor diagonal = Functional.hessianDiagonal(f, x);
        assertArrayEquals(new int[] {batch}, trace.shape());
        assertArrayEquals(new int[] {batch, d}, diagonal.shape());
        double[][] fd = fdHessian(batchSum(f), x);   // block-diagonal, one D×D block per sample
        double[] fdDiagonal = new double[batch * d];
        double[] fdTrace = new double[batch];
        for (int i = 0; i < batch * d; i++) {
            fdDiagonal[i] = fd[i][i];
            fdTrace[i / d] += fd[i][i];
        }
        assertClose("hessianDiagonal vs finite differences", fdDiagonal, diagonal.toDoubleArray());
        // the trace sums D differences: D times the tolerance
        assertClose("hessianTrace vs finite differences", fdTrace, trace.toDoubleArray(),
                d * SmoothFunctions.ATOL, SmoothFunctions.RTOL);
        assertClose("hessianTrace = Σ hessianDiagonal", diagonal.sum(1).toDoubleArray(), trace.toDoubleArray(),
                ROUNDING, ROUNDING);
    }

    @Property(tries = 20)
    void perSampleResultsDoNotDependOnTheRestOfTheBatch(@ForAll @IntRange(min = 1, max = 6) int d,
                                                       @ForAll @IntRange(min = 2, max = 5) int batch,
                                                       @ForAll boolean mlp, @ForAll long seed) {
        Function<Var, Var> f = energy(mlp, d, seed);
        Tensor x = normal(seed + 1, batch, d);
        double[] trace = Functional.hessianTrace(f, x).toDoubleArray();
        double[] diagonal = Functional.hessianDiagonal(f, x).toDoubleArray();
        for (int b = 0; b < batch; b++) {
            Tensor alone = x.narrow(0, b, 1).contiguous();
            assertEquals(trace[b], Functional.hessianTrace(f, alone).item(), ROUNDING * (1 + Math.abs(trace[b])),
                    "sample " + b + " alone vs in the batch");
            double[] diagonalAlone = Functional.hessianDiagonal(f, alone).toDoubleArray();
            for (int i = 0; i < d; i++) {
                assertEquals(diagonal[b * d + i], diagonalAlone[i], ROUNDING * (1 + Math.abs(diagonalAlone[i])));
            }
        }
        // and changing another sample changes nothing
        if (batch > 1) {
            Tensor moved = Tensor.cat(0, x.narrow(0, 0, 1), x.narrow(0, 1, batch - 1).mul(-3));
            assertEquals(trace[0], Functional.hessianTrace(f, moved).toDoubleArray()[0],
                    ROUNDING * (1 + Math.abs(trace[0])));
        }
    }

    @Test
    void zeroDimensionalFunctionIsOneSample() {
        // f(x) = Σ sin(x) over all of x [2, 3]: one sample, tr = −Σ sin x
        Tensor x = normal(5, 2, 3);
        Tensor trace = Functional.hessianTrace(v -> v.sin().sum(), x);
        assertArrayEquals(new int[0], trace.shape());
        assertEquals(-x.sin().sum().item(), trace.item(), 1e-13);
        Tensor diagonal = Functional.hessianDiagonal(v -> v.sin().sum(), x);
        assertArrayEquals(x.sin().neg().toDoubleArray(), diagonal.toDoubleArray(), 1e-15);
    }

    @Test
    void ebmReferenceTraceOfTheStandardGaussianEnergyIsD() {
        // E(x) = ½‖x‖² on x ~ N(0, I_D): ∇²E = I, so tr = D for every sample, exactly; and the exact
        // score-matching objective −tr + ½‖∇E‖² = −D + ½‖x‖² has mean −D/2, with standard
        // deviation √(D/2) per sample (½ a χ²_D), so the batch mean is within 5·√(D/2)/√B of it.
        int batch = 400;
        for (int d : new int[] {1, 2, 16, 64}) {
            Tensor x = normal(d, batch, d);
            Function<Var, Var> energy = v -> v.square().sum(1).mul(0.5);
            Tensor trace = Functional.hessianTrace(energy, x);
            for (double t : trace.toDoubleArray()) {
                assertEquals(d, t, 0, "trace of the identity Hessian, D = " + d);
            }
            Tensor score = Functional.grad(v -> energy.apply(v).sum()).apply(x).neg();
            assertArrayEquals(x.neg().toDoubleArray(), score.toDoubleArray(), 0, "the score of N(0, I) is −x");
            double esm = trace.neg().add(score.square().sum(1).mul(0.5)).mean().item();
            assertEquals(-d / 2.0, esm, 5 * Math.sqrt(d / 2.0) / Math.sqrt(batch), "J_ESM, D = " + d);
        }
    }

    @Test
    void float32Works() {
        // E(x) = Σ_i (½x_i² + sin x_i) per sample, in float32: tr = Σ_i (1 − sin x_i). float32 rounding
        // (u ≈ 6e-8) on D = 10 terms of size ≤ 2 gives errors ≲ 1e-6.
        Tensor x = new RandomStream(9).normal(DType.FLOAT32, 4, 10);
        Function<Var, Var> f = v -> v.square().mul(0.5).add(v.sin()).sum(1);
        Tensor trace = Functional.hessianTrace(f, x);
        assertEquals(DType.FLOAT32, trace.dtype());
        double[] expected = x.to(DType.FLOAT64).sin().neg().add(1).sum(1).toDoubleArray();
        assertClose("float32 trace", expected, trace.toDoubleArray(), 1e-5, 1e-6);
        Tensor hv = Functional.hvp(v -> f.apply(v).sum(), x, Tensor.ones(DType.FLOAT32, 4, 10));
        assertEquals(DType.FLOAT32, hv.dtype());
        assertClose("float32 hvp", x.to(DType.FLOAT64).sin().neg().add(1).toDoubleArray(), hv.toDoubleArray(),
                1e-6, 1e-6);
    }

    // ---------------------------------------------------------------- jvp, vjp, grad

    /** A vector-valued map {@code [B, d] → [B, k]} coupling all coordinates. */
    private static Function<Var, Var> vectorMap(int d, int k, long seed) {
        RandomStream rng = new RandomStream(seed);
        Var w = Var.constant(rng.normal(DType.FLOAT64, d, k).div(Math.sqrt(d)));
        Var b = Var.constant(rng.normal(DType.FLOAT64, k));
        return x -> x.matmul(w).add(b).tanh().mul(x.sum(new int[] {1}, true).sin()).add(x.exp().sum(new int[] {1}, true).mul(0.1));
    }

    @Property(tries = 40)
    void jvpEqualsCentralDifference(@ForAll @IntRange(min = 1, max = 6) int d,
                                    @ForAll @IntRange(min = 1, max = 5) int k,
                                    @ForAll @IntRange(min = 1, max = 3) int batch, @ForAll long seed) {
        Function<Var, Var> f = vectorMap(d, k, seed);
        Tensor x = normal(seed + 1, batch, d);
        Tensor t = normal(seed + 2, batch, d);
        Tensor jt = Functional.jvp(f, x, t);
        assertArrayEquals(new int[] {batch, k}, jt.shape());
        Tensor fd = centralDifference(p -> value(f, p), x, t);   // (f(x+εt) − f(x−εt)) / 2ε
        assertClose("jvp vs central difference", fd.toDoubleArray(), jt.toDoubleArray());
    }

    @Property(tries = 40)
    void vjpEqualsVTransposeTimesTheFiniteDifferenceJacobian(@ForAll @IntRange(min = 1, max = 6) int d,
                                                             @ForAll @IntRange(min = 1, max = 5) int k,
                                                             @ForAll @IntRange(min = 1, max = 3) int batch,
                                                             @ForAll long seed) {
        Function<Var, Var> f = vectorMap(d, k, seed);
        Tensor x = normal(seed + 1, batch, d);
        Tensor v = normal(seed + 2, batch, k);
        Tensor vj = Functional.vjp(f, x, v);
        assertArrayEquals(x.shape(), vj.shape());
        double[][] j = fdJacobian(f, x);
        double[] vv = v.toDoubleArray();
        double[] expected = new double[x.numel()];
        for (int o = 0; o < vv.length; o++) {
            for (int p = 0; p < expected.length; p++) {
                expected[p] += vv[o] * j[o][p];
            }
        }
        // a sum of k·batch differences weighted by |v| ≲ 3
        assertClose("vjp vs vᵀJ", expected, vj.toDoubleArray(), 3 * k * batch * SmoothFunctions.ATOL,
                SmoothFunctions.RTOL);
    }

    @Property(tries = 30)
    void valueAndGradAndGradAgree(@ForAll @IntRange(min = 1, max = 8) int d,
                                  @ForAll @IntRange(min = 1, max = 3) int batch, @ForAll boolean mlp,
                                  @ForAll long seed) {
        Function<Var, Var> f = batchSum(energy(mlp, d, seed));
        Tensor x = normal(seed + 1, batch, d);
        Functional.ValueAndGrad vg = Functional.valueAndGrad(f, x);
        assertArrayEquals(new int[0], vg.value().shape());
        assertEquals(value(f, x).item(), vg.value().item(), 0, "the value is f(x)");
        assertArrayEquals(vg.grad().toDoubleArray(), Functional.grad(f).apply(x).toDoubleArray(), 0);
        assertArrayEquals(vg.grad().toDoubleArray(), gradient(f, x).toDoubleArray(), 0);
        // and the gradient is the one finite differences see: ∂f/∂x_p ≈ (f(x+εe_p) − f(x−εe_p)) / 2ε
        double[] fd = new double[x.numel()];
        for (int p = 0; p < fd.length; p++) {
            fd[p] = centralDifference(q -> value(f, q), x, SmoothFunctions.unit(x, p)).item();
        }
        assertClose("grad vs finite differences", fd, vg.grad().toDoubleArray());
    }

    @Test
    void functionalCallsLeaveNoGradientsBehind() {
        Var w = Var.leaf(normal(1, 3));
        Function<Var, Var> f = x -> x.mul(w).sin().sum();
        Tensor x = normal(2, 3);
        Functional.valueAndGrad(f, x);
        Functional.hvp(f, x, normal(3, 3));
        Functional.hessian(f, x);
        assertEquals(null, w.grad(), "a parameter used inside f gets no accumulated gradient");
    }

    // ---------------------------------------------------------------- errors

    @Test
    void badArgumentsAreRejected() {
        Tensor x = normal(1, 2, 3);
        Function<Var, Var> scalar = v -> v.square().sum();
        IllegalArgumentException hvpShape = assertThrows(IllegalArgumentException.class,
                () -> Functional.hvp(scalar, x, normal(2, 3, 2)));
        assertTrue(hvpShape.getMessage().contains("[3, 2]"), hvpShape.getMessage());
        IllegalArgumentException hvpVector = assertThrows(IllegalArgumentException.class,
                () -> Functional.hvp(v -> v.square(), x, normal(2, 2, 3)));
        assertTrue(hvpVector.getMessage().contains("one value"), hvpVector.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Functional.hessian(v -> v.square(), x));
        IllegalArgumentException jvpShape = assertThrows(IllegalArgumentException.class,
                () -> Functional.jvp(v -> v.square(), x, normal(2, 6)));
        assertTrue(jvpShape.getMessage().contains("tangent"), jvpShape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Functional.vjp(v -> v.square(), x, normal(2, 3, 2)));
        assertThrows(IllegalArgumentException.class, () -> Functional.valueAndGrad(v -> v.square(), x));
        IllegalArgumentException traceShape = assertThrows(IllegalArgumentException.class,
                () -> Functional.hessianTrace(v -> v.square(), x));   // [2, 3] → [2, 3]
        assertTrue(traceShape.getMessage().contains("[B]"), traceShape.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Functional.hessianDiagonal(v -> v.square().sum(0), x));   // [2, 3] → [3]
    }
}
