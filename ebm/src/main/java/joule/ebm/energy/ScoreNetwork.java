package joule.ebm.energy;

import java.util.Arrays;
import java.util.List;
import joule.autograd.Autograd;
import joule.autograd.Var;
import joule.ebm.nn.Parameter;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * A noise-conditional score network {@code s_θ(x, σ): [B, …] × [B] → [B, …]} (the shape of {@code x}),
 * the model that denoising score matching and annealed Langevin need (ebm-reference, "Score networks").
 * A network that outputs the score directly implements it (score_sde's convention: the network's output
 * divided by {@code σ}); an energy is a score network with {@code s_θ = −∇_x E_θ}: every
 * {@link NoiseConditionalEnergy} is one, and {@link #of(Energy)} views an energy without a noise level as
 * one that ignores {@code σ}.
 */
public interface ScoreNetwork {
    /**
     * {@code s_θ(x, σ)} for {@code x: [B, …]} and {@code sigma: [B]} (positive), shaped like {@code x} and
     * recorded, so that losses can differentiate it in {@code θ} (and in {@code x} where {@code x} requires
     * grad); {@code x} need not require grad.
     */
    Var score(Var x, Var sigma);

    /** Learnable parameters ({@code θ}). */
    default List<Parameter> parameters() {
        return List.of();
    }

    /**
     * {@code s_θ(x, σ)} without a graph (for samplers). This default runs {@link #score(Var, Var)} under
     * {@link Autograd#noGrad}; a network that differentiates inside its forward pass (an energy) overrides it.
     */
    default Tensor score(Tensor x, Tensor sigma) {
        return Autograd.noGrad(() -> score(Var.constant(x), Var.constant(sigma)).value());
    }

    /**
     * Rejects a score whose shape is not that of {@code x} (a network's output, checked by the losses and samplers
     * that call it); {@code who} names the caller.
     */
    static void checkShape(String who, int[] score, int[] x) {
        if (!Arrays.equals(score, x)) {
            throw new IllegalArgumentException(who + ": the score network gave " + Shapes.format(score) + " for x of shape "
                    + Shapes.format(x) + "; a score has the shape of x");
        }
    }

    /**
     * The score {@code s(x) = −∇_x E(x)} of an energy without a noise level as a score network that ignores
     * {@code σ}: denoising score matching at one level trains an energy through it.
     */
    static ScoreNetwork of(Energy energy) {
        return new ScoreNetwork() {
            @Override
            public Var score(Var x, Var sigma) {
                return energy.score(x.requiresGrad() ? x : Var.leaf(x.value()));
            }

            @Override
            public Tensor score(Tensor x, Tensor sigma) {
                return energy.score(x);
            }

            @Override
            public List<Parameter> parameters() {
                return energy.parameters();
            }
        };
    }
}
