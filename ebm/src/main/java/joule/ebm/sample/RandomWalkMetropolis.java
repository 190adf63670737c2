package joule.ebm.sample;

import joule.ebm.energy.Energy;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Random-walk Metropolis–Hastings (ebm-reference, "Samplers"): propose {@code x' = x + τ ξ},
 * {@code ξ ~ N(0, I)}, accept with probability {@code min(1, exp(E(x) − E(x')))}, independently
 * per chain. One energy evaluation (no gradient) per step.
 *
 * <p>Random numbers per step, in order: {@code ξ} ({@code [chains, D]} normals), then one uniform
 * per chain.
 */
public final class RandomWalkMetropolis implements Sampler {
    private static final String WHO = "RandomWalkMetropolis";

    private final double tau;

    /** The sampler with proposal scale {@code τ > 0}. */
    public RandomWalkMetropolis(double tau) {
        this.tau = Samplers.positive(WHO, "step size tau", tau);
    }

    /** The proposal scale {@code τ}. */
    public double tau() {
        return tau;
    }

    /** Runs the chains; proposals {@code x + τξ}, accepted with {@code min(1, exp(E(x) − E(x')))}. */
    @Override
    public SampleResult sample(Energy energy, Tensor init, int steps, RandomStream rng, SamplerOptions options) {
        Samplers.notNull(WHO, energy);
        ChainRunner runner = new ChainRunner(WHO, options, false);
        Tensor x0 = runner.checkInit(init, steps);
        return runner.run(runner.evaluate(energy, x0), steps, rng, new ChainRunner.Transition() {
            @Override
            public ChainRunner.Proposal propose(ChainRunner.State s, int step, RandomStream r) {
                Tensor xi = Samplers.normalLike(r, s.x());
                ChainRunner.State next = runner.evaluate(energy, s.x().add(xi.mul(tau)));
                return new ChainRunner.Proposal(next, s.energy().sub(next.energy()));
            }

            @Override
            public double stepSize(int step) {
                return tau;
            }
        });
    }

    @Override
    public String toString() {
        return WHO + "(tau=" + tau + ")";
    }
}
