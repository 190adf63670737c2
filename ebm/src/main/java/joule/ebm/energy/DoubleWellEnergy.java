package joule.ebm.energy;

import joule.autograd.Var;

/**
 * A double well in the first coordinate, Gaussian in the others:
 * {@code E(x) = a (x₁² − 1)² + ½ Σ_{i>1} x_i²} for {@code x ∈ ℝ^D}, {@code D ≥ 1}. The two
 * minima are {@code x₁ = ±1} (other coordinates 0), separated by a barrier of height {@code a}
 * at {@code x₁ = 0}; the score is {@code s(x)₁ = −4a x₁ (x₁² − 1)}, {@code s(x)_i = −x_i} for
 * {@code i > 1} (conventions of ebm-reference, "Densities, energies, scores"). Any {@code D}
 * and either dtype: the computation follows {@code x}.
 */
public final class DoubleWellEnergy implements Energy {
    private static final String WHO = "DoubleWellEnergy";

    private final double barrier;

    /** The double well with barrier height {@code a > 0}. */
    public DoubleWellEnergy(double a) {
        this.barrier = Energies.positive(WHO, "barrier height a", a);
    }

    /** The double well with {@code a = 1}. */
    public DoubleWellEnergy() {
        this(1.0);
    }

    /** {@code E(x) = a (x₁² − 1)² + ½ Σ_{i>1} x_i²} per row of {@code x: [B, D]}, giving {@code [B]}. */
    @Override
    public Var energy(Var x) {
        Energies.checkBatch(WHO, x, -1, 1);
        int d = x.size(1);
        Var well = x.narrow(1, 0, 1).square().sub(1).square().sum(1).mul(barrier);
        if (d == 1) {
            return well;
        }
        return well.add(x.narrow(1, 1, d - 1).square().sum(1).mul(0.5));
    }

    /** The barrier height {@code a}. */
    public double barrier() {
        return barrier;
    }

    @Override
    public String toString() {
        return WHO + "(a=" + barrier + ")";
    }
}
