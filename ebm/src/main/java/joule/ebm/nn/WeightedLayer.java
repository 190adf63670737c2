package joule.ebm.nn;

import joule.autograd.Var;

/**
 * A layer computed from one weight tensor whose axis 0 indexes the outputs ({@link Linear}'s
 * {@code [out, in]}, {@link Conv2d}'s {@code [C_out, C_in/G, kh, kw]}), which can run with another
 * weight in its place: what {@link SpectralNorm} needs to compute with {@code W / σ̂}.
 */
public interface WeightedLayer extends Layer, Module {
    /** The weight, axis 0 the outputs. */
    Parameter weight();

    /** The layer's output for {@code x} computed with {@code weight} (shaped like {@link #weight()}) in place of its own. */
    Var forward(Var x, Var weight);

    /** The layer's output for {@code x} with its own weight. */
    @Override
    default Var forward(Var x) {
        return forward(x, weight().var());
    }
}
