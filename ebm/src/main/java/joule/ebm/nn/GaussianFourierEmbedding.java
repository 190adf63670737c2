package joule.ebm.nn;

import java.util.List;
import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;

/**
 * Random Fourier features of a scalar per sample, as score_sde's {@code GaussianFourierProjection}
 * (Tancik et al. 2020; Song et al. 2021 embed {@code log σ} with it): fixed frequencies
 * {@code W ~ N(0, scale²)} of size {@code m} and, for {@code t: [B]}, the features
 * {@code [sin(2π W t), cos(2π W t)]: [B, 2m]}. The frequencies are not trained: they are a
 * {@link #buffers() buffer} {@code <name>.W}, saved by a checkpoint so that a loaded model embeds
 * the same way.
 */
public final class GaussianFourierEmbedding implements Layer, Module {
    private final String name;
    private final Parameter frequencies;

    /**
     * Embedding of size {@code 2m}, {@code m ≥ 1}, with frequencies drawn from {@code init} ({@code m} standard
     * normals times {@code scale > 0}; score_sde uses 16).
     */
    public GaussianFourierEmbedding(String name, int m, double scale, DType dtype, RandomStream init) {
        if (m < 1 || !(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("GaussianFourierEmbedding " + name + ": needs m ≥ 1 frequencies and a "
                    + "positive finite scale, got m=" + m + " scale=" + scale);
        }
        this.name = name;
        this.frequencies = new Parameter(name + ".W", init.normal(dtype, m).mul(scale));
    }

    /**
     * The features {@code [sin(2π W t), cos(2π W t)]: [B, 2m]} of {@code t: [B]}.
     *
     * @throws IllegalArgumentException naming this layer and the shape if {@code t} is not {@code [B]}
     */
    @Override
    public Var forward(Var t) {
        if (t.rank() != 1) {
            throw new IllegalArgumentException("GaussianFourierEmbedding " + name + ": input " + Shapes.format(t.shape())
                    + " should be [B]");
        }
        Var angles = t.unsqueeze(1).mul(Var.constant(frequencies.value()).unsqueeze(0)).mul(2 * Math.PI);
        return Var.cat(1, angles.sin(), angles.cos());
    }

    /** The embedding's size, {@code 2m}. */
    public int size() {
        return 2 * frequencies.value().size(0);
    }

    /** None: the frequencies are fixed. */
    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    /** The frequencies {@code <name>.W: [m]}. */
    @Override
    public List<Parameter> buffers() {
        return List.of(frequencies);
    }
}
