package joule.ebm.energy;

import joule.autograd.Var;

/**
 * The Rosenbrock ("banana") energy
 * {@code E(x) = (1/T) Σ_{i=1}^{D−1} [ (a − x_i)² + b (x_{i+1} − x_i²)² ]} for {@code D ≥ 2},
 * minimal ({@code E = 0}) at {@code x = (a, a², …)} for {@code D = 2} (and at {@code (1, …, 1)}
 * for {@code a = 1}). The defaults {@code a = 1, b = 100, T = 20} give the 2-D test density
 * {@code p ∝ exp(−[100 (x₂ − x₁²)² + (1 − x₁)²] / 20)} of Goodman and Weare (2010). The score is
 * {@code −∇E}, from autograd (conventions of ebm-reference, "Densities, energies, scores"); the
 * computation follows the dtype of {@code x}.
 */
public final class RosenbrockEnergy implements Energy {
    private static final String WHO = "RosenbrockEnergy";

    private final double a;
    private final double b;
    private final double temperature;

    /** The energy with parameters {@code a} (finite), {@code b > 0} and temperature {@code T > 0}. */
    public RosenbrockEnergy(double a, double b, double temperature) {
        this.a = Energies.finite(WHO, "a", a);
        this.b = Energies.positive(WHO, "b", b);
        this.temperature = Energies.positive(WHO, "temperature T", temperature);
    }

    /** Goodman and Weare's banana: {@code a = 1, b = 100, T = 20}. */
    public RosenbrockEnergy() {
        this(1, 100, 20);
    }

    /**
     * {@code E(x) = (1/T) Σ_{i=1}^{D−1} [(a − x_i)² + b (x_{i+1} − x_i²)²]} per row of
     * {@code x: [B, D]}, {@code D ≥ 2}, giving {@code [B]}.
     */
    @Override
    public Var energy(Var x) {
        Energies.checkBatch(WHO, x, -1, 2);
        int d = x.size(1);
        Var head = x.narrow(1, 0, d - 1);
        Var tail = x.narrow(1, 1, d - 1);
        Var valley = head.neg().add(a).square();
        Var ridge = tail.sub(head.square()).square().mul(b);
        return valley.add(ridge).sum(1).mul(1 / temperature);
    }

    /** The parameter {@code a}. */
    public double a() {
        return a;
    }

    /** The parameter {@code b}. */
    public double b() {
        return b;
    }

    /** The temperature {@code T}. */
    public double temperature() {
        return temperature;
    }

    @Override
    public String toString() {
        return WHO + "(a=" + a + ", b=" + b + ", T=" + temperature + ")";
    }
}
