package joule.ebm.nn;

import joule.autograd.Var;

/**
 * A layer's output carried forward together with its first and second derivatives in the network
 * input {@code x: [B, D]} along {@code M} directions {@code v_m} (Taylor mode, or "forward
 * Laplacian" when the directions are the {@code D} coordinate axes): the value {@code h: [B, H]},
 * the tangents {@code ∂h/∂x · v_m} laid out {@code [B, M, H]} (or {@code [1, M, H]} while the same
 * for every sample), and the curvature {@code Σ_m v_mᵀ ∇²h v_m: [B, H]} (the Laplacian of {@code h}
 * for the coordinate axes).
 *
 * <p>One pass gives first and second directional derivatives of the output, with the {@code M}
 * directions stacked into one matrix product per layer instead of a backward pass per direction.
 * Everything is recorded with {@link Var} ops, so the results can be differentiated further (in the
 * parameters, for a loss).
 */
final class SecondOrderJet {
    /** Directions from which a one-output layer takes a pending scale into its weights (below: one product per sample). */
    private static final int PER_SAMPLE_WEIGHTS = 16;

    private final Var value;
    /** null: the directions themselves are the coordinate axes (the jet of the input). */
    private final Var tangents;
    /**
     * null, or an activation's derivative {@code σ'(h): [B, H]} not yet multiplied into {@link #tangents}: the
     * tangents are {@code scale ⊙ tangents}, formed only when the next layer needs them.
     */
    private final Var scale;
    /** null: zero (nothing nonlinear has been applied yet). */
    private final Var curvature;

    private SecondOrderJet(Var value, Var tangents, Var scale, Var curvature) {
        this.value = value;
        this.tangents = tangents;
        this.scale = scale;
        this.curvature = curvature;
    }

    /** The jet of the input {@code x: [B, D]} along the {@code D} coordinate axes. */
    static SecondOrderJet input(Var x) {
        return new SecondOrderJet(x, null, null, null);
    }

    /** The jet of the input {@code x: [B, D]} along directions {@code [B, M, D]}. */
    static SecondOrderJet input(Var x, Var directions) {
        return new SecondOrderJet(x, directions, null, null);
    }

    /**
     * Through {@code y = h Wᵀ + b}: tangents and curvature go through {@code Wᵀ} (the bias has no derivative).
     * A layer with one output and at least {@value #PER_SAMPLE_WEIGHTS} directions takes a pending activation
     * scale into its weights instead, {@code (σ' ⊙ t) Wᵀ = t (σ' ⊙ w)ᵀ} per sample, which never forms the
     * {@code [B, M, H]} product (with fewer directions the per-sample products cost more than it).
     */
    SecondOrderJet linear(Linear layer) {
        Var wt = layer.weight().var().mT();
        Var t;
        if (tangents == null) {
            t = wt.unsqueeze(0);
        } else if (scale != null && wt.size(1) == 1 && tangents.size(1) >= PER_SAMPLE_WEIGHTS) {
            t = tangents.matmul(scale.unsqueeze(2).mul(wt));
        } else {
            Var full = scaled();
            int[] s = full.shape();
            t = full.reshape(s[0] * s[1], s[2]).matmul(wt).reshape(s[0], s[1], wt.size(1));
        }
        return new SecondOrderJet(layer.forward(value), t, null, curvature == null ? null : curvature.matmul(wt));
    }

    /**
     * Through an elementwise {@code σ}: tangents {@code σ'(h) t_m} (kept as a pending scale); curvature
     * {@code σ'(h) c + σ''(h) Σ_m t_m²}.
     */
    SecondOrderJet activate(Activation sigma) {
        if (tangents == null || scale != null) {
            throw new IllegalStateException("SecondOrderJet: an activation must follow a linear layer");
        }
        Var d1 = sigma.derivative(value);
        Var bend = sigma.secondDerivative(value).mul(tangents.square().sum(1));
        Var c = curvature == null ? bend : d1.mul(curvature).add(bend);
        return new SecondOrderJet(sigma.apply(value), tangents, d1, c);
    }

    /** The tangents with any pending scale multiplied in. */
    private Var scaled() {
        return scale == null ? tangents : scale.unsqueeze(1).mul(tangents);
    }

    /** The tangents {@code [B, M, H]}, broadcast to the batch if they are shared. */
    Var tangents() {
        Var t = scaled();
        int[] s = t.shape();
        return s[0] == value.size(0) ? t : t.expand(value.size(0), s[1], s[2]);
    }

    /** The curvature {@code [B, H]} (zeros if the network is affine). */
    Var curvature() {
        return curvature != null ? curvature : Var.constant(value.value().zerosLike());
    }
}
