package joule.ebm.nn;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.NoiseConditionalEnergy;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;

/**
 * A noise-conditional energy {@code E_θ(x, σ) = f_θ([x, log σ]) / σ: [B, D] × [B] → [B]}, with
 * {@code f_θ} an {@link MLP} {@code D+1 → hidden… → 1}. The level enters as one extra input feature,
 * {@code log σ} (levels are geometric, so their logs are evenly spaced). Dividing by {@code σ}
 * scales the score {@code s_θ(x, σ) = −∇_x f_θ / σ} like the true noisy score, as NCSNv2 does
 * (Song and Ermon 2020): the DSM target {@code −ε/σ} weighted by {@code λ(σ) = σ²} then asks the
 * network for {@code ∇_x f_θ ≈ ε} at every level. Parameters are the MLP's ({@code layers.0.weight}, …).
 */
public final class NoiseConditionalMLP implements NoiseConditionalEnergy, Module {
    private final MLP mlp;

    /**
     * @param dim    data dimension {@code D}
     * @param hidden hidden-layer sizes (the MLP is {@code D+1 → hidden… → 1})
     */
    public NoiseConditionalMLP(int dim, Activation activation, DType dtype, RandomStream init, int... hidden) {
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = dim + 1;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = 1;
        this.mlp = new MLP(activation, dtype, init, sizes);
    }

    /** The network {@code f_θ}. */
    public MLP mlp() {
        return mlp;
    }

    /** {@code f_θ([x, log σ]) / σ} for {@code x: [B, D]} and {@code sigma: [B]} (positive). */
    @Override
    public Var energy(Var x, Var sigma) {
        int dim = mlp.inFeatures() - 1;
        if (x.rank() != 2 || x.size(1) != dim || sigma.rank() != 1 || sigma.size(0) != x.size(0)) {
            throw new IllegalArgumentException("NoiseConditionalMLP: x " + Shapes.format(x.shape()) + " and sigma "
                    + Shapes.format(sigma.shape()) + " should be [B, " + dim + "] and [B]");
        }
        Var features = Var.cat(1, x, sigma.log().unsqueeze(1));
        return mlp.forward(features).squeeze(-1).div(sigma);
    }

    /** The MLP's parameters. */
    @Override
    public List<Parameter> parameters() {
        return mlp.parameters();
    }
}
