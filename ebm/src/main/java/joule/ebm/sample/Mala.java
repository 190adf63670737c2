package joule.ebm.sample;

import joule.ebm.energy.Energy;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * The Metropolis-adjusted Langevin algorithm (MALA, ebm-reference, "Samplers"): the ULA move as a
 * proposal, {@code q(x'|x) = N(x'; x − η∇E(x), 2η I)}, accepted with
 * {@code min(1, exp(E(x) − E(x')) · q(x|x') / q(x'|x))}, where
 * {@code log q(x'|x) = −‖x' − x − η s(x)‖² / (4η) + const}. Unbiased for any {@code η > 0}.
 *
 * <p>One energy-and-score evaluation per step. Random numbers per step, in order: {@code ξ}, then
 * one uniform per chain.
 */
public final class Mala implements Sampler {
    private static final String WHO = "Mala";

    private final double eta;

    /** MALA with step {@code η > 0}. */
    public Mala(double eta) {
        this.eta = Samplers.positive(WHO, "step size eta", eta);
    }

    /** The step {@code η}. */
    public double eta() {
        return eta;
    }

    /** Runs the chains: proposal {@code x' = x + η s(x) + sqrt(2η) ξ}, Metropolis–Hastings correction as above. */
    @Override
    public SampleResult sample(Energy energy, Tensor init, int steps, RandomStream rng, SamplerOptions options) {
        Samplers.notNull(WHO, energy);
        ChainRunner runner = new ChainRunner(WHO, options, true);
        Tensor x0 = runner.checkInit(init, steps);
        double noise = Math.sqrt(2 * eta);
        return runner.run(runner.evaluate(energy, x0), steps, rng, new ChainRunner.Transition() {
            @Override
            public ChainRunner.Proposal propose(ChainRunner.State s, int step, RandomStream r) {
                Tensor xi = Samplers.normalLike(r, s.x());
                Tensor proposed = Tensor.langevinStep(s.x(), s.score(), xi, eta, noise);
                ChainRunner.State next = runner.evaluate(energy, proposed);
                // log q(x'|x) = −‖x' − x − η s(x)‖²/(4η) = −‖ξ‖²/2 (the sqrt(2η) ξ just drawn)
                Tensor logForward = ChainRunner.sumSquares(xi).mul(-0.5);
                // log q(x|x') = −‖x − x' − η s(x')‖²/(4η)
                Tensor back = s.x().sub(proposed).sub(next.score().mul(eta));
                Tensor logBackward = ChainRunner.sumSquares(back).mul(-1 / (4 * eta));
                Tensor logRatio = s.energy().sub(next.energy()).add(logBackward).sub(logForward);
                return new ChainRunner.Proposal(next, logRatio);
            }

            @Override
            public double stepSize(int step) {
                return eta;
            }
        });
    }

    @Override
    public String toString() {
        return WHO + "(eta=" + eta + ")";
    }
}
