package joule.ebm.sample;

import joule.ebm.energy.Energy;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * Hamiltonian Monte Carlo (ebm-reference, "Samplers"): momentum {@code p ~ N(0, M)} with a
 * diagonal mass {@code M = diag(m)} (identity by default), {@code H(x, p) = E(x) + ½ pᵀM⁻¹p};
 * {@code L} leapfrog steps of size {@code h}
 * ({@code p ← p − (h/2)∇E(x); x ← x + h M⁻¹p; p ← p − (h/2)∇E(x)}, the inner half steps merged);
 * accept {@code (x', p')} with {@code min(1, exp(H(x, p) − H(x', p')))}, per chain.
 *
 * <p>{@code L} energy-and-score evaluations per step. Random numbers per step, in order: the
 * momentum normals, then one uniform per chain.
 */
public final class Hmc implements Sampler {
    private static final String WHO = "Hmc";

    private final double h;
    private final int leapfrogSteps;
    private final double[] mass;
    private final int[] massShape;

    /** HMC with leapfrog step {@code h > 0}, {@code L ≥ 1} leapfrog steps per proposal, unit mass. */
    public Hmc(double h, int leapfrogSteps) {
        this(h, leapfrogSteps, null);
    }

    /**
     * HMC with a diagonal mass {@code m} (positive, one entry per coordinate of a chain, e.g.
     * {@code [D]}), or unit mass when {@code mass} is null.
     */
    public Hmc(double h, int leapfrogSteps, Tensor mass) {
        this.h = Samplers.positive(WHO, "step size h", h);
        if (leapfrogSteps < 1) {
            throw new IllegalArgumentException(WHO + ": leapfrog steps L must be ≥ 1, got " + leapfrogSteps);
        }
        this.leapfrogSteps = leapfrogSteps;
        if (mass != null) {
            if (mass.numel() == 0) {
                throw new IllegalArgumentException(WHO + ": mass must not be empty");
            }
            double[] m = mass.contiguous().toDoubleArray();
            for (double v : m) {
                Samplers.positive(WHO, "mass entry", v);
            }
            this.massShape = mass.shape();
            this.mass = m;
        } else {
            this.massShape = null;
            this.mass = null;
        }
    }

    /** The leapfrog step {@code h}. */
    public double stepSize() {
        return h;
    }

    /** The number of leapfrog steps {@code L}. */
    public int leapfrogSteps() {
        return leapfrogSteps;
    }

    /** A point in phase space for all chains: position, momentum, and {@code E} and score at the position. */
    public record PhasePoint(Tensor x, Tensor p, Tensor energy, Tensor score) {
    }

    /**
     * The leapfrog integrator: {@code L} steps of size {@code h} from {@code (x, p)}, both
     * {@code [chains, D]}; returns {@code (x', p')} with {@code E} and the score at {@code x'}.
     * Reversible: from {@code (x', −p')} it returns to {@code (x, −p)} up to rounding.
     */
    public PhasePoint leapfrog(Energy energy, Tensor x, Tensor p) {
        Samplers.notNull(WHO, energy);
        if (!java.util.Arrays.equals(x.shape(), p.shape())) {
            throw new IllegalArgumentException(WHO + ": leapfrog: x " + Shapes.format(x.shape()) + " and p "
                    + Shapes.format(p.shape()) + " differ in shape");
        }
        Energy.EnergyAndScore es = energy.energyAndScore(x);
        return leapfrog(energy, new PhasePoint(x, p, es.energy(), es.score()), inverseMass(x));
    }

    /** {@code H(x, p) = E(x) + ½ pᵀM⁻¹p} per chain, {@code [chains]}, from the energies {@code [chains]}. */
    public Tensor hamiltonian(Tensor energy, Tensor p) {
        return energy.add(kinetic(p, inverseMass(p)));
    }

    private PhasePoint leapfrog(Energy energy, PhasePoint start, Tensor invMass) {
        Tensor x = start.x();
        Tensor p = start.p().add(start.score().mul(h / 2));
        Tensor e = start.energy();
        Tensor s = start.score();
        for (int l = 1; l <= leapfrogSteps; l++) {
            x = x.add(velocity(p, invMass).mul(h));
            Energy.EnergyAndScore es = energy.energyAndScore(x);
            e = es.energy();
            s = es.score();
            p = p.add(s.mul(l < leapfrogSteps ? h : h / 2));
        }
        return new PhasePoint(x, p, e, s);
    }

    private static Tensor velocity(Tensor p, Tensor invMass) {
        return invMass == null ? p : p.mul(invMass);
    }

    private static Tensor kinetic(Tensor p, Tensor invMass) {
        Tensor pp = p.square();
        if (invMass != null) {
            pp = pp.mul(invMass);
        }
        return pp.sum(ChainRunner.sampleAxes(p), false).mul(0.5);
    }

    /** {@code 1/m} shaped to broadcast over {@code [chains, …]}, or null for unit mass. */
    private Tensor inverseMass(Tensor like) {
        if (mass == null) {
            return null;
        }
        int[] perChain = java.util.Arrays.copyOfRange(like.shape(), 1, like.rank());
        if (Shapes.numel(perChain) != mass.length
                || !(java.util.Arrays.equals(perChain, massShape) || massShape.length == 1)) {
            throw new IllegalArgumentException(WHO + ": mass of shape " + Shapes.format(massShape)
                    + " does not match chains of shape " + Shapes.format(like.shape()));
        }
        double[] inv = new double[mass.length];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1 / mass[i];
        }
        return Tensor.of(like.dtype(), inv, perChain).to(like.device());
    }

    /** Runs the chains: fresh momentum, {@code L} leapfrog steps, accept with {@code min(1, exp(H − H'))}. */
    @Override
    public SampleResult sample(Energy energy, Tensor init, int steps, RandomStream rng, SamplerOptions options) {
        Samplers.notNull(WHO, energy);
        ChainRunner runner = new ChainRunner(WHO, options, true);
        Tensor x0 = runner.checkInit(init, steps);
        Tensor invMass = inverseMass(x0);
        Tensor sqrtMass = invMass == null ? null : invMass.rsqrt();
        return runner.run(runner.evaluate(energy, x0), steps, rng, new ChainRunner.Transition() {
            @Override
            public ChainRunner.Proposal propose(ChainRunner.State s, int step, RandomStream r) {
                Tensor p = Samplers.normalLike(r, s.x());
                if (sqrtMass != null) {
                    p = p.mul(sqrtMass);
                }
                PhasePoint end = leapfrog(energy, new PhasePoint(s.x(), p, s.energy(), s.score()), invMass);
                Tensor h0 = s.energy().add(kinetic(p, invMass));
                Tensor h1 = end.energy().add(kinetic(end.p(), invMass));
                ChainRunner.State next = new ChainRunner.State(end.x(), end.energy(), end.score());
                return new ChainRunner.Proposal(next, h0.sub(h1));
            }

            @Override
            public double stepSize(int step) {
                return h;
            }
        });
    }

    @Override
    public String toString() {
        return WHO + "(h=" + h + ", L=" + leapfrogSteps + (mass == null ? "" : ", diagonal mass") + ")";
    }
}
