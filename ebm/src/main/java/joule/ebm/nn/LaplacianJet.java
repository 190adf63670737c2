package joule.ebm.nn;

import joule.autograd.Var;

/**
 * A layer's output carried forward together with its first and second derivatives in the network
 * input {@code x: [B, D]} ("forward Laplacian"): the value {@code h: [B, H]}, the tangents
 * {@code ∂h/∂x_d} laid out {@code [B, D, H]} (or {@code [1, D, H]} while they are the same for every
 * sample), and the Laplacian {@code Σ_d ∂²h/∂x_d²: [B, H]}.
 *
 * <p>One pass gives the gradient and the Hessian trace of the output, with the {@code D} directions
 * stacked into one matrix product per layer instead of {@code D} Hessian-vector products. Everything
 * is recorded with {@link Var} ops, so the results can be differentiated further (in the parameters,
 * for a loss).
 */
final class LaplacianJet {
    private final Var value;
    /** null: the identity (the jet of the input itself). */
    private final Var tangents;
    /** null: zero (nothing nonlinear has been applied yet). */
    private final Var laplacian;

    private LaplacianJet(Var value, Var tangents, Var laplacian) {
        this.value = value;
        this.tangents = tangents;
        this.laplacian = laplacian;
    }

    /** The jet of the input {@code x: [B, D]}: tangents the identity, Laplacian zero. */
    static LaplacianJet input(Var x) {
        return new LaplacianJet(x, null, null);
    }

    /** Through {@code y = h Wᵀ + b}: tangents and Laplacian go through {@code Wᵀ} (the bias has no derivative). */
    LaplacianJet linear(Linear layer) {
        Var wt = layer.weight().var().mT();
        Var t;
        if (tangents == null) {
            t = wt.unsqueeze(0);
        } else {
            int[] s = tangents.shape();
            t = tangents.reshape(s[0] * s[1], s[2]).matmul(wt).reshape(s[0], s[1], wt.size(1));
        }
        return new LaplacianJet(layer.forward(value), t, laplacian == null ? null : laplacian.matmul(wt));
    }

    /**
     * Through an elementwise {@code σ}: tangents {@code σ'(h) ∂h/∂x_d}; Laplacian
     * {@code σ'(h) Δh + σ''(h) Σ_d (∂h/∂x_d)²}.
     */
    LaplacianJet activate(Activation sigma) {
        if (tangents == null) {
            throw new IllegalStateException("LaplacianJet: an activation on the raw input is not an MLP layer");
        }
        Var d1 = sigma.derivative(value);
        Var curvature = sigma.secondDerivative(value).mul(tangents.square().sum(1));
        Var lap = laplacian == null ? curvature : d1.mul(laplacian).add(curvature);
        return new LaplacianJet(sigma.apply(value), d1.unsqueeze(1).mul(tangents), lap);
    }

    /** The value {@code [B, H]}. */
    Var value() {
        return value;
    }

    /** The tangents {@code [B, D, H]}, broadcast to the batch if they are shared. */
    Var tangents() {
        int[] s = tangents.shape();
        return s[0] == value.size(0) ? tangents : tangents.expand(value.size(0), s[1], s[2]);
    }

    /** The Laplacian {@code [B, H]} (zeros if the network is affine). */
    Var laplacian() {
        return laplacian != null ? laplacian : Var.constant(value.value().mul(0));
    }
}
