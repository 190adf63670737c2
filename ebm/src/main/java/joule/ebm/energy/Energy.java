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

    /**
     * The score {@code s(x) = −∇_x E(x)} {@code [B, D]} and the Laplacian {@code tr ∇²_x E(x)}
     * {@code [B]} of a batch {@code x: [B, D]} that requires grad, both recorded (differentiable in
     * {@code θ}, as exact score matching needs).
     *
     * <p>This default takes {@code D} Hessian-vector products for the whole batch (samples are
     * independent, so one product with a coordinate vector repeated over the batch gives one Hessian
     * row per sample). Energies with structure override it: an MLP energy carries its derivatives
     * forward through the layers in one pass. A score that does not depend on {@code x} (a linear energy)
     * gives a Laplacian of 0.
     */
    default ScoreAndLaplacian scoreAndLaplacian(Var x) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("scoreAndLaplacian: x must be a batch [B, D], got "
                    + joule.tensor.Shapes.format(x.shape()));
        }
        Var score = score(x);
        int d = x.size(1);
        if (!score.requiresGrad()) {
            // the score is constant in x (a linear energy): no curvature, and nothing recorded to differentiate
            return new ScoreAndLaplacian(score, Var.constant(x.value().narrow(1, 0, 1).squeeze(1).zerosLike()));
        }
        Var trace = null;
        for (int i = 0; i < d; i++) {
            Tensor e = x.value().unitLike(d, i).expand(x.size(0), d);
            Var row = Autograd.grad(new Var[] {score}, new Var[] {x}, new Var[] {Var.constant(e)},
                    GradOptions.CREATE_GRAPH.withAllowUnused(true))[0];
            Var diag = row.select(1, i).neg();
            trace = trace == null ? diag : trace.add(diag);
        }
        return new ScoreAndLaplacian(score, trace);
    }

    /**
     * The first and second directional derivatives {@code vᵀ∇_x E(x)} and {@code vᵀ∇²_x E(x) v},
     * each {@code [B]}, of a batch {@code x: [B, D]} along one direction per sample {@code v: [B, D]},
     * both recorded (sliced score matching's terms: {@code vᵀs = −first}, {@code vᵀ∇s v = −second}).
     *
     * <p>This default (for {@code x} that requires grad) takes a recorded backward pass and one
     * vector-Jacobian product; an MLP energy carries the direction forward through its layers instead.
     */
    default DirectionalDerivatives directionalDerivatives(Var x, Tensor v) {
        checkDirections(x, v);
        return directionalDerivatives(x, score(x), v);
    }

    /**
     * {@link #directionalDerivatives(Var, Tensor)} from a score {@code s = −∇E} already recorded for {@code x}
     * (as sliced score matching's variance-reduced form has it): one vector-Jacobian product, recorded.
     */
    static DirectionalDerivatives directionalDerivatives(Var x, Var score, Tensor v) {
        Var slope = score.mul(Var.constant(v)).sum(1).neg();
        if (!slope.requiresGrad()) {
            // the score is constant in x (a linear energy): the second directional derivative is 0
            return new DirectionalDerivatives(slope, Var.constant(slope.value().zerosLike()));
        }
        Var row = Autograd.grad(new Var[] {slope.sum()}, new Var[] {x}, (Var[]) null,
                GradOptions.CREATE_GRAPH.withAllowUnused(true))[0];
        return new DirectionalDerivatives(slope, row.mul(Var.constant(v)).sum(1));
    }

    /** Rejects directions that are not one per sample of {@code x: [B, D]}. */
    static void checkDirections(Var x, Tensor v) {
        if (x.rank() != 2 || !java.util.Arrays.equals(x.shape(), v.shape())) {
            throw new IllegalArgumentException("directionalDerivatives: x " + joule.tensor.Shapes.format(x.shape())
                    + " and v " + joule.tensor.Shapes.format(v.shape()) + " must both be [B, D]");
        }
    }

    /** First {@code vᵀ∇E} and second {@code vᵀ∇²E v} directional derivatives {@code [B]}, recorded. */
    record DirectionalDerivatives(Var first, Var second) {
    }

    /** Scores {@code [B, D]} and Laplacians {@code [B]} of one batch, recorded. */
    record ScoreAndLaplacian(Var score, Var laplacian) {
    }
}
