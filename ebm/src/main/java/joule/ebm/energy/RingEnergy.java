package joule.ebm.energy;

import joule.autograd.Var;

/**
 * A ring (a spherical shell in {@code D ≥ 2} dimensions, two bumps at {@code ±r} for {@code D = 1}):
 * {@code E(x) = (‖x‖ − r)² / (2σ²)}, with score {@code s(x) = −(‖x‖ − r) x / (σ² ‖x‖)}
 * (conventions of ebm-reference, "Densities, energies, scores"). The score is undefined at
 * {@code x = 0} (autograd gives NaN there), a set of measure zero. The computation follows the
 * dtype of {@code x}.
 */
public final class RingEnergy implements Energy {
    private static final String WHO = "RingEnergy";

    private final double radius;
    private final double sigma;

    /** The ring of radius {@code r ≥ 0} and width {@code σ > 0}. */
    public RingEnergy(double radius, double sigma) {
        if (!(radius >= 0) || !Double.isFinite(radius)) {
            throw new IllegalArgumentException(WHO + ": radius r must be finite and ≥ 0, got " + radius);
        }
        this.radius = radius;
        this.sigma = Energies.positive(WHO, "sigma", sigma);
    }

    /** {@code E(x) = (‖x‖ − r)² / (2σ²)} per row of {@code x: [B, D]}, giving {@code [B]}. */
    @Override
    public Var energy(Var x) {
        Energies.checkBatch(WHO, x, -1, 1);
        Var norm = x.square().sum(1).sqrt();
        return norm.sub(radius).square().mul(1 / (2 * sigma * sigma));
    }

    /** The radius {@code r}. */
    public double radius() {
        return radius;
    }

    /** The width {@code σ}. */
    public double sigma() {
        return sigma;
    }

    @Override
    public String toString() {
        return WHO + "(r=" + radius + ", sigma=" + sigma + ")";
    }
}
