package joule.ebm.energy;

import java.util.List;
import joule.autograd.Autograd;
import joule.autograd.GradOptions;
import joule.autograd.Var;
import joule.ebm.nn.Parameter;
import joule.tensor.Tensor;

/**
 * A noise-conditional energy {@code E_θ(x, σ): [B, D] × [B] → [B]} for multi-level models
 * (NCSN): one energy per noise level {@code σ}, score {@code s_θ(x, σ) = −∇_x E_θ(x, σ)}
 * (ebm-reference, "NCSN" and "Annealed Langevin"), which makes it a {@link ScoreNetwork}.
 */
public interface NoiseConditionalEnergy extends ScoreNetwork {
    /** {@code E(x, σ)}: {@code x} is {@code [B, D]}, {@code sigma} is {@code [B]} (one level per sample). */
    Var energy(Var x, Var sigma);

    /** The score {@code −∇_x E(x, σ)} without a graph (for samplers). */
    @Override
    default Tensor score(Tensor x, Tensor sigma) {
        Var in = Var.leaf(x);
        Var e = energy(in, Var.constant(sigma)).sum();
        return Autograd.grad(new Var[] {e}, new Var[] {in}, (Var[]) null, GradOptions.DEFAULT.withAllowUnused(true))[0]
                .value().neg();
    }

    /**
     * The score {@code −∇_x E(x, σ)}, recorded so losses can differentiate it in {@code θ}, and in {@code x} where
     * {@code x} requires grad (a constant {@code x} is differentiated through a fresh leaf of its value).
     */
    @Override
    default Var score(Var x, Var sigma) {
        Var in = x.requiresGrad() ? x : Var.leaf(x.value());
        Var e = energy(in, sigma).sum();
        return Autograd.grad(new Var[] {e}, new Var[] {in}, (Var[]) null, GradOptions.CREATE_GRAPH.withAllowUnused(true))[0]
                .neg();
    }

    /** This energy at one fixed noise level, as a plain {@link Energy}. */
    default Energy atLevel(double sigma) {
        NoiseConditionalEnergy self = this;
        return new Energy() {
            @Override
            public Var energy(Var x) {
                Tensor s = x.value().scalarLike(sigma).expand(x.size(0));
                return self.energy(x, Var.constant(s));
            }

            @Override
            public List<Parameter> parameters() {
                return self.parameters();
            }
        };
    }
}
