package joule.autograd;

import java.util.function.Function;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import joule.tensor.random.Distribution;

/**
 * Function transformations in the style of JAX: derivatives of {@code f: Var → Var} at a point.
 *
 * <p><b>Batched energies.</b> The trace and diagonal functions take {@code f: [B, ...] → [B]}
 * (one value per sample, samples independent) and return one result per sample; they
 * differentiate the batch sum {@code Σ_b f(x)_b}, whose Hessian is block-diagonal, so each
 * Hessian-vector product serves the whole batch at once. A 0-d {@code f} is one sample over all
 * of {@code x}.
 *
 * <p>Results, and the directions and probes made along the way, are on the device of {@code x}.
 */
public final class Functional {
    /** Graphs here are local to one call, used several times, and inputs may be unused (zero gradient). */
    private static final GradOptions KEEP = new GradOptions(false, true, true);

    private Functional() {
    }

    private static Var[] constant(Tensor t) {
        return new Var[] {Var.constant(t)};
    }

    /** Value and gradient of a scalar function at a point. */
    public record ValueAndGrad(Tensor value, Tensor grad) {
    }

    /** {@code x ↦ ∇f(x)} for scalar {@code f}. Cost: one forward and one backward pass. */
    public static Function<Tensor, Tensor> grad(Function<Var, Var> f) {
        return x -> valueAndGrad(f, x).grad();
    }

    /** {@code f(x)} and {@code ∇f(x)} for scalar {@code f}, from one forward and one backward pass. */
    public static ValueAndGrad valueAndGrad(Function<Var, Var> f, Tensor x) {
        Var in = Var.leaf(x);
        Var y = f.apply(in);
        return new ValueAndGrad(y.value(), Autograd.grad(new Var[] {y}, new Var[] {in}, (Var[]) null, KEEP)[0]
                .value());
    }

    /** Vector-Jacobian product {@code vᵀ J_f(x)}, shaped like {@code x}; {@code v} shaped like {@code f(x)}. One backward pass. */
    public static Tensor vjp(Function<Var, Var> f, Tensor x, Tensor v) {
        Var in = Var.leaf(x);
        return Autograd.grad(new Var[] {f.apply(in)}, new Var[] {in}, constant(v), KEEP)[0].value();
    }

    /**
     * Jacobian-vector product {@code J_f(x) t}, shaped like {@code f(x)}; {@code t} shaped like
     * {@code x}. Built from two VJPs: {@code w(u) = J_fᵀ u} is linear in {@code u}, and
     * {@code J t = ∇_u ⟨w(u), t⟩}. Cost: about three backward passes.
     */
    public static Tensor jvp(Function<Var, Var> f, Tensor x, Tensor t) {
        Var in = Var.leaf(x);
        Var y = f.apply(in);
        checkShape("jvp", "tangent", t, x);
        Var u = Var.leaf(y.value().zerosLike());
        Var w = Autograd.grad(new Var[] {y}, new Var[] {in}, new Var[] {u}, KEEP.withCreateGraph(true))[0];
        return Autograd.grad(new Var[] {w}, new Var[] {u}, constant(t), KEEP)[0].value();
    }

    /** Hessian-vector product {@code ∇²f(x) v} for scalar {@code f}, shaped like {@code x}. Cost: about two backward passes. */
    public static Tensor hvp(Function<Var, Var> f, Tensor x, Tensor v) {
        checkShape("hvp", "vector", v, x);
        Var in = Var.leaf(x);
        Var g = gradWithGraph(f, in);
        return Autograd.grad(new Var[] {g}, new Var[] {in}, constant(v), KEEP)[0].value();
    }

    /**
     * The full Hessian of scalar {@code f}, shaped {@code x.shape ++ x.shape}; for small inputs.
     * Cost: {@code numel(x)} Hessian-vector products through one recorded gradient.
     */
    public static Tensor hessian(Function<Var, Var> f, Tensor x) {
        Var in = Var.leaf(x);
        Var g = gradWithGraph(f, in);
        int n = x.numel();
        Tensor[] rows = new Tensor[n];
        for (int i = 0; i < n; i++) {
            Tensor e = x.unitLike(n, i).reshape(x.shape());
            rows[i] = Autograd.grad(new Var[] {g}, new Var[] {in}, constant(e), KEEP)[0].value().flatten();
        }
        int[] shape = new int[2 * x.rank()];
        System.arraycopy(x.shape(), 0, shape, 0, x.rank());
        System.arraycopy(x.shape(), 0, shape, x.rank(), x.rank());
        return n == 0 ? Tensor.zeros(x.device(), x.dtype(), shape) : Tensor.stack(0, rows).reshape(shape);
    }

    /**
     * Exact Hessian trace {@code tr ∇²_x f} per sample of a batched {@code f: [B, ...] → [B]}
     * (or of a 0-d {@code f}). Cost: {@code D} Hessian-vector products for the whole batch, where
     * {@code D} is the number of elements per sample, through one recorded gradient.
     */
    public static Tensor hessianTrace(Function<Var, Var> f, Tensor x) {
        Batch b = Batch.of("hessianTrace", f, x);
        return b.diagonal().sum(new int[] {1}, false).reshape(b.outShape);
    }

    /**
     * Exact Hessian diagonal {@code ∂²f/∂x_i²}, shaped like {@code x}, of a batched
     * {@code f: [B, ...] → [B]} (or a 0-d {@code f}). Cost: {@code D} Hessian-vector products for
     * the whole batch.
     */
    public static Tensor hessianDiagonal(Function<Var, Var> f, Tensor x) {
        return Batch.of("hessianDiagonal", f, x).diagonal().reshape(x.shape());
    }

    /**
     * Hutchinson's estimate {@code tr(H) ≈ (1/m) Σ_k v_kᵀ H v_k} per sample of a batched
     * {@code f: [B, ...] → [B]} (or a 0-d {@code f}), with {@code m = probes} independent probes
     * per sample, Rademacher or standard normal (both have {@code E[v vᵀ] = I}). Rademacher probes
     * make it exact for a diagonal Hessian; the variance of one probe is
     * {@code 2 Σ_{i≠j} H_ij²} (Rademacher) or {@code 2 ‖H‖_F²} (Gaussian). Cost: {@code m}
     * Hessian-vector products for the whole batch. The probes are drawn from {@code rng}, one
     * {@code x}-shaped tensor per probe in order.
     */
    public static Tensor hutchinsonTrace(Function<Var, Var> f, Tensor x, int probes, Distribution distribution,
                                         RandomStream rng) {
        if (rng == null) {
            throw new IllegalArgumentException("hutchinsonTrace: rng must not be null");
        }
        if (probes < 1) {
            throw new IllegalArgumentException("hutchinsonTrace: need at least 1 probe, got " + probes);
        }
        if (distribution == Distribution.UNIFORM) {
            throw new IllegalArgumentException("hutchinsonTrace: probes need E[v vᵀ] = I; use RADEMACHER or NORMAL, "
                    + "not UNIFORM");
        }
        Batch b = Batch.of("hutchinsonTrace", f, x);
        Tensor sum = null;
        for (int k = 0; k < probes; k++) {
            Tensor v = distribution == Distribution.NORMAL ? rng.normal(x.device(), x.dtype(), x.shape())
                    : rng.rademacher(x.device(), x.dtype(), x.shape());
            Tensor quad = b.hvp(v).mul(v).reshape(b.samples, -1).sum(1);
            sum = sum == null ? quad : sum.add(quad);
        }
        return sum.div(probes).reshape(b.outShape);
    }

    private static Var gradWithGraph(Function<Var, Var> f, Var in) {
        Var y = f.apply(in);
        if (y.value().numel() != 1) {
            throw new IllegalArgumentException("hvp: f must return one value, got shape " + Shapes.format(y.shape()));
        }
        return Autograd.grad(new Var[] {y}, new Var[] {in}, (Var[]) null, KEEP.withCreateGraph(true))[0];
    }

    private static void checkShape(String op, String what, Tensor v, Tensor x) {
        if (!java.util.Arrays.equals(v.shape(), x.shape())) {
            throw new IllegalArgumentException(op + ": " + what + " has shape " + Shapes.format(v.shape())
                    + " but x has shape " + Shapes.format(x.shape()));
        }
    }

    /** The gradient of the batch sum, recorded once, and Hessian-vector products through it. */
    private static final class Batch {
        final Var in;
        final Var grad;
        final int samples;
        final int perSample;
        final int[] outShape;

        private Batch(Var in, Var grad, int samples, int[] outShape) {
            this.in = in;
            this.grad = grad;
            this.samples = samples;
            this.perSample = samples == 0 ? 0 : in.value().numel() / samples;
            this.outShape = outShape;
        }

        static Batch of(String op, Function<Var, Var> f, Tensor x) {
            Var in = Var.leaf(x);
            Var y = f.apply(in);
            int samples;
            if (y.rank() == 0) {
                samples = 1;
            } else if (y.rank() == 1 && x.rank() >= 1 && y.size(0) == x.size(0)) {
                samples = y.size(0);
            } else {
                throw new IllegalArgumentException(op + ": f must map [B, ...] to [B] or to a scalar; got x "
                        + Shapes.format(x.shape()) + " → " + Shapes.format(y.shape()));
            }
            Var g = Autograd.grad(new Var[] {y.sum()}, new Var[] {in}, (Var[]) null, KEEP.withCreateGraph(true))[0];
            return new Batch(in, g, samples, y.shape());
        }

        Tensor hvp(Tensor v) {
            return Autograd.grad(new Var[] {grad}, new Var[] {in}, constant(v), KEEP)[0].value();
        }

        /** {@code [samples, perSample]}: the Hessian diagonal of each sample, one HVP per coordinate. */
        Tensor diagonal() {
            Tensor x = in.value();
            Tensor[] columns = new Tensor[perSample];
            for (int i = 0; i < perSample; i++) {
                Tensor e = x.unitLike(perSample, i).expand(samples, perSample).reshape(in.shape());
                columns[i] = hvp(e).reshape(samples, perSample).select(1, i);
            }
            return perSample == 0 ? Tensor.zeros(x.device(), x.dtype(), samples, 0) : Tensor.stack(1, columns);
        }
    }
}
