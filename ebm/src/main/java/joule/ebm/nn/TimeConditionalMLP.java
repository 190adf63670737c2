package joule.ebm.nn;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.ScoreNetwork;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;

/**
 * A score network for points conditioned on the noise level of a score SDE's time, {@code σ = std(t)}:
 * {@code s_θ(x, σ) = f_θ([x, φ(log σ)]) / σ: [B, D] × [B] → [B, D]}, with {@code φ} Gaussian Fourier features
 * of {@code log σ} (the time embedding of score_sde's networks, {@link GaussianFourierEmbedding}) and {@code f_θ}
 * an {@link MLP} {@code D + 2m → hidden… → D}. It outputs the score directly (score_sde's convention: the
 * network's output divided by {@code σ}), so its divergence costs one backward pass per coordinate, not two.
 * Parameters {@code net.0.weight, …}; buffer {@code embed.W}.
 */
public final class TimeConditionalMLP implements ScoreNetwork, Module {
    private final GaussianFourierEmbedding embed;
    private final MLP net;
    private final int dim;

    /**
     * @param dim         data dimension {@code D}
     * @param frequencies Fourier frequencies {@code m} (features {@code 2m})
     * @param scale       their standard deviation (score_sde: 16 on {@code log σ} for images; about 1 suits points)
     * @param hidden      hidden-layer sizes
     */
    public TimeConditionalMLP(int dim, int frequencies, double scale, Activation activation, DType dtype,
                              RandomStream init, int... hidden) {
        if (dim < 1 || hidden.length == 0) {
            throw new IllegalArgumentException("TimeConditionalMLP: needs D ≥ 1 and one or more hidden layers, got D = "
                    + dim + " and " + hidden.length + " hidden layers");
        }
        this.dim = dim;
        this.embed = new GaussianFourierEmbedding("embed", frequencies, scale, dtype, init);
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = dim + embed.size();
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = dim;
        this.net = new MLP("net", activation, dtype, init, sizes);
    }

    /** {@code f_θ([x, φ(log σ)]) / σ} for {@code x: [B, D]} and {@code sigma: [B]} (positive). */
    @Override
    public Var score(Var x, Var sigma) {
        if (x.rank() != 2 || x.size(1) != dim || sigma.rank() != 1 || sigma.size(0) != x.size(0)) {
            throw new IllegalArgumentException("TimeConditionalMLP: x " + Shapes.format(x.shape()) + " and sigma "
                    + Shapes.format(sigma.shape()) + " should be [B, " + dim + "] and [B]");
        }
        Var features = Var.cat(1, x, embed.forward(sigma.log()));
        return net.forward(features).div(sigma.unsqueeze(1));
    }

    @Override
    public List<Parameter> parameters() {
        return net.parameters();
    }

    @Override
    public List<Parameter> buffers() {
        return embed.buffers();
    }
}
