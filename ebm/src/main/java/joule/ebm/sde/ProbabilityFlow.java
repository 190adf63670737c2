package joule.ebm.sde;

import java.util.function.UnaryOperator;
import joule.autograd.Autograd;
import joule.autograd.Var;
import joule.ebm.energy.ScoreNetwork;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * The probability-flow ODE {@code dx/dt = f(x, t) − ½ g(t)² s_θ(x, σ(t))} of an {@link Sde} and a score network
 * conditioned on {@code σ(t) = std(t)} (Song et al. 2021, eq. 13; ebm-reference, "Probability-flow ODE"): its
 * solutions carry the marginals {@code p_t} into each other, so integrating from the prior at {@code T} down to
 * {@code ε} samples, and integrating a data point up to {@code T} together with the divergence gives its exact
 * log-density under the model (the instantaneous change of variables):
 * {@code log p_ε(x(ε)) = log p_T(x(T)) + ∫_ε^T ∇·(f − ½ g² s_θ)(x(t), t) dt}. Both solve with a
 * {@link DormandPrince} over the whole batch.
 */
public final class ProbabilityFlow {
    private static final String WHO = "ProbabilityFlow";
    private static final double LN2 = Math.log(2);

    private final Sde sde;
    private final ScoreNetwork network;

    /** The flow of {@code sde} with the scores of {@code network}. */
    public ProbabilityFlow(Sde sde, ScoreNetwork network) {
        if (sde == null || network == null) {
            throw new IllegalArgumentException(WHO + ": SDE and network must be given");
        }
        this.sde = sde;
        this.network = network;
    }

    /** Samples {@code x(ε)} and the solver's step counts. */
    public record Samples(Tensor x, DormandPrince.Solution solution) {
    }

    /**
     * Per-sample {@code log p_ε(x)} in nats ({@code [B]}), the end point {@code x(T)}, and the solver's step
     * counts.
     */
    public record Likelihood(Tensor logDensity, Tensor terminal, DormandPrince.Solution solution) {
        /**
         * Bits per dimension of data {@code y = 2x − 1 ∈ [−1, 1]^D} from 8-bit images dequantised uniformly
         * ({@code x = (k + u)/256}, ebm-reference, "Bits per dimension"): {@code −log p(y) / (D ln 2) + 7}, per
         * sample; {@code D} the coordinates per sample.
         */
        public Tensor bitsPerDimSymmetric() {
            int d = terminal.numel() / terminal.size(0);
            return logDensity.mul(-1 / (d * LN2)).add(7);
        }
    }

    /** The ODE's velocity {@code f(x, t) − ½ g(t)² s_θ(x, σ(t))}, shaped like {@code x: [B, …]}. */
    public Tensor velocity(Tensor x, double t) {
        sde.checkTime(WHO, t);
        Tensor s = network.score(x, sde.noiseLevel(x, t));
        ScoreNetwork.checkShape(WHO, s.shape(), x.shape());
        double g = sde.diffusion(t);
        return sde.drift(x, t).sub(s.mul(0.5 * g * g));
    }

    /** Integrates from {@code xT} at {@code T} ({@code [B, …]}, such as prior draws) down to {@code ε}. */
    public Samples sample(Tensor xT, DormandPrince solver) {
        DormandPrince.Solution sol = solver.solve((t, y) -> velocity(y, t), Sde.T, sde.epsilon(), xT);
        return new Samples(sol.y(), sol);
    }

    /** {@link #sample(Tensor, DormandPrince)} from {@code n} prior draws of shape {@code sampleShape}, like {@code like}'s dtype and device. */
    public Samples sample(int n, int[] sampleShape, Tensor like, RandomStream rng, DormandPrince solver) {
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = n;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return sample(sde.samplePrior(rng, like.device(), like.dtype(), shape), solver);
    }

    /** {@link #logLikelihood(Tensor, Divergence, DormandPrince, UnaryOperator)} with the SDE's prior as {@code p_T}. */
    public Likelihood logLikelihood(Tensor x, Divergence divergence, DormandPrince solver) {
        return logLikelihood(x, divergence, solver, sde::priorLogDensity);
    }

    /**
     * {@code log p_ε(x)} per sample of {@code x: [B, …]} by the instantaneous change of variables: the state
     * {@code [x, δ]} is integrated from {@code ε} to {@code T} with {@code dδ/dt = ∇·(f − ½ g² s_θ) =
     * a(t) D − ½ g² tr ∂s_θ/∂x}, and {@code log p_ε(x) = terminalLogDensity(x(T)) + δ(T)}.
     * {@code terminalLogDensity} maps {@code [B, …] → [B]} (the prior for a model; the exact {@code p_T} in tests).
     */
    public Likelihood logLikelihood(Tensor x, Divergence divergence, DormandPrince solver,
                                    UnaryOperator<Tensor> terminalLogDensity) {
        if (x.rank() < 2 || x.size(0) < 1) {
            throw new IllegalArgumentException(WHO + ": x must be a batch [B, …] with B ≥ 1, got rank " + x.rank());
        }
        int b = x.size(0);
        int d = x.numel() / b;
        int[] shape = x.shape();
        Tensor probes = divergence.probes(x);
        DormandPrince.Derivative f = (t, y) -> {
            Tensor xt = y.narrow(1, 0, d).contiguous().reshape(shape);
            Tensor[] vd = velocityAndDivergence(xt, t, divergence, probes);
            return Tensor.cat(1, vd[0].reshape(b, d), vd[1].unsqueeze(1));
        };
        Tensor y0 = Tensor.cat(1, x.reshape(b, d), x.zerosLike().reshape(b, d).narrow(1, 0, 1));
        DormandPrince.Solution sol = solver.solve(f, sde.epsilon(), Sde.T, y0);
        Tensor xT = sol.y().narrow(1, 0, d).contiguous().reshape(shape);
        Tensor delta = sol.y().select(1, d);
        return new Likelihood(terminalLogDensity.apply(xT).add(delta), xT, sol);
    }

    /** The velocity and its divergence {@code [B]} at {@code (x, t)}, from one recorded evaluation of the network. */
    private Tensor[] velocityAndDivergence(Tensor x, double t, Divergence divergence, Tensor probes) {
        sde.checkTime(WHO, t);
        double g2 = sde.diffusion(t) * sde.diffusion(t);
        int d = x.numel() / x.size(0);
        if (!Autograd.isGradEnabled()) {
            throw new IllegalStateException(WHO + ": likelihoods differentiate the network; called under noGrad");
        }
        Var in = Var.leaf(x);
        Var s = network.score(in, Var.constant(sde.noiseLevel(x, t)));
        ScoreNetwork.checkShape(WHO, s.shape(), x.shape());
        Tensor trace = divergence.of(s, in, probes);
        Tensor velocity = sde.drift(x, t).sub(s.value().mul(0.5 * g2));
        return new Tensor[] {velocity, trace.mul(-0.5 * g2).add(sde.driftRate(t) * d)};
    }

    @Override
    public String toString() {
        return WHO + "(" + sde + ")";
    }
}
