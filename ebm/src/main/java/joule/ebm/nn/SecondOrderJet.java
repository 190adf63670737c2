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
    private final Var value;
    /** null: the directions themselves are the coordinate axes (the jet of the input). */
    private final Var tangents;
    /** null: zero (nothing nonlinear has been applied yet). */
    private final Var curvature;

    private SecondOrderJet(Var value, Var tangents, Var curvature) {
        this.value = value;
        this.tangents = tangents;
        this.curvature = curvature;
    }

    /** The jet of the input {@code x: [B, D]} along the {@code D} coordinate axes. */
    static SecondOrderJet input(Var x) {
        return new SecondOrderJet(x, null, null);
    }

    /** The jet of the input {@code x: [B, D]} along directions {@code [B, M, D]}. */
    static SecondOrderJet input(Var x, Var directions) {
        return new SecondOrderJet(x, directions, null);
    }

    /** Through {@code y = h Wᵀ + b}: tangents and curvature go through {@code Wᵀ} (the bias has no derivative). */
    SecondOrderJet linear(Linear layer) {
        Var wt = layer.weight().var().mT();
        Var t;
        if (tangents == null) {
            t = wt.unsqueeze(0);
        } else {
            int[] s = tangents.shape();
            t = tangents.reshape(s[0] * s[1], s[2]).matmul(wt).reshape(s[0], s[1], wt.size(1));
        }
        return new SecondOrderJet(layer.forward(value), t, curvature == null ? null : curvature.matmul(wt));
    }

    /**
     * Through an elementwise {@code σ}: tangents {@code σ'(h) t_m}; curvature
     * {@code σ'(h) c + σ''(h) Σ_m t_m²}.
     */
    SecondOrderJet activate(Activation sigma) {
        if (tangents == null) {
            throw new IllegalStateException("SecondOrderJet: an activation on the raw input is not an MLP layer");
        }
        Var d1 = sigma.derivative(value);
        Var bend = sigma.secondDerivative(value).mul(tangents.square().sum(1));
        Var c = curvature == null ? bend : d1.mul(curvature).add(bend);
        return new SecondOrderJet(sigma.apply(value), d1.unsqueeze(1).mul(tangents), c);
    }

    /** The tangents {@code [B, M, H]}, broadcast to the batch if they are shared. */
    Var tangents() {
        int[] s = tangents.shape();
        return s[0] == value.size(0) ? tangents : tangents.expand(value.size(0), s[1], s[2]);
    }

    /** The curvature {@code [B, H]} (zeros if the network is affine). */
    Var curvature() {
        return curvature != null ? curvature : Var.constant(value.value().mul(0));
    }
}
