package joule.ebm.energy;

import java.util.List;
import joule.autograd.Autograd;
import joule.autograd.GradOptions;
import joule.autograd.Var;
import joule.ebm.nn.Parameter;
import joule.tensor.Tensor;

/**
 * An energy {@code E_θ: [B, D] → [B]}, defining the density {@code p_θ(x) = exp(−E_θ(x)) / Z_θ}
 * (low energy = likely) and the score {@code s_θ(x) = ∇_x log p_θ(x) = −∇_x E_θ(x)}, which never
 * involves {@code Z_θ} (ebm-reference, "Densities, energies, scores").
 */
public interface Energy {
    /** {@code E(x)} for a batch {@code x: [B, D]}, as a differentiable {@code [B]}. */
    Var energy(Var x);

    /** Learnable parameters ({@code θ}); empty for a fixed analytic energy. */
    default List<Parameter> parameters() {
        return List.of();
    }

    /** {@code E(x)} values, {@code [B]}, without recording a graph. */
    default Tensor energy(Tensor x) {
        return Autograd.noGrad(() -> energy(Var.constant(x)).value());
    }

    /** The score {@code s(x) = −∇_x E(x)}, shaped like {@code x}, without a graph (for samplers). */
    default Tensor score(Tensor x) {
        Var in = Var.leaf(x);
        Var e = energy(in).sum();
        return Autograd.grad(new Var[] {e}, new Var[] {in}, (Var[]) null, GradOptions.DEFAULT.withAllowUnused(true))[0]
                .value().neg();
    }

    /** {@code E(x)} and the score {@code −∇_x E(x)} from one forward and one backward pass (for MALA and HMC). */
    default EnergyAndScore energyAndScore(Tensor x) {
        Var in = Var.leaf(x);
        Var e = energy(in);
        Var g = Autograd.grad(new Var[] {e.sum()}, new Var[] {in}, (Var[]) null, GradOptions.DEFAULT.withAllowUnused(true))[0];
        return new EnergyAndScore(e.value(), g.value().neg());
    }

    /** Energies {@code [B]} and scores {@code [B, D]} of one batch. */
    record EnergyAndScore(Tensor energy, Tensor score) {
    }

    /**
     * The score {@code s(x) = −∇_x E(x)} as a differentiable Var (recorded, so losses can
     * differentiate it again in {@code x} and in {@code θ}); {@code x} must require grad, for
     * example a {@link Var#leaf}.
     */
    default Var score(Var x) {
        if (!x.requiresGrad()) {
            throw new IllegalArgumentException("score: x must require grad (pass a Var.leaf), got a constant of shape "
                    + joule.tensor.Shapes.format(x.shape()));
        }
        Var e = energy(x).sum();
        return Autograd.grad(new Var[] {e}, new Var[] {x}, (Var[]) null, GradOptions.CREATE_GRAPH.withAllowUnused(true))[0]
                .neg();
    }
}
