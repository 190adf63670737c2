package joule.ebm.sde;

import java.util.Arrays;
import joule.ebm.energy.ScoreNetwork;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Predictor–corrector sampling of the reverse SDE {@code dx = [f − g² s_θ(x, σ(t))] dt + g dw̄} (Song et al. 2021,
 * Algorithms 2–3; ebm-reference, "Reverse SDE"). {@code N} predictor steps on the grid
 * {@code t_i = T − i Δt}, {@code Δt = (T − ε)/N}; at each {@code t_i}, first {@code M} Langevin corrector steps
 * {@code x ← x + η s + sqrt(2η) z} with the signal-to-noise rule {@code η = 2 (r ‖z‖ / ‖s‖)²}
 * ({@code z ~ N(0, I)}, norms over each sample's coordinates, {@code r} the signal-to-noise ratio; see
 * {@link StepRule} for per-sample or batch-mean norms), then one
 * Euler–Maruyama step of the reverse SDE to {@code t_{i+1}}:
 * {@code x ← x − [f(x, t_i) − g(t_i)² s] Δt + g(t_i) sqrt(Δt) z}. The last predictor step adds no noise (score_sde's
 * {@code denoise}: its mean is returned). {@code M = 0} is the Euler–Maruyama sampler alone. Score evaluations:
 * {@code N (1 + M)}. Random numbers per step: one {@code z} of the chains' shape.
 */
public final class PredictorCorrector {
    private static final String WHO = "PredictorCorrector";

    /** Which norms the corrector's step {@code η = 2 (r ‖z‖ / ‖s‖)²} uses. */
    public enum StepRule {
        /**
         * Each chain's own norms (ebm-reference, "Reverse SDE"). In high dimension {@code ‖s‖} concentrates and this
         * is a Langevin step; in low dimension a chain where {@code ‖s‖ ≈ 0} (a mode's centre, a saddle between modes)
         * takes a huge step, which biases the mixture weights (0.64 for 0.8 on NCSN's 2-D mixture; docs/SDE.md).
         */
        PER_SAMPLE,
        /**
         * The batch means of {@code ‖z‖} and {@code ‖s‖}, one step for all chains, as score_sde's code does
         * ({@code sampling.py}, {@code LangevinCorrector}: {@code torch.norm(grad.reshape(B, -1), dim=-1).mean()}).
         */
        BATCH_MEAN
    }

    private final Sde sde;
    private final int steps;
    private final int correctorSteps;
    private final double snr;
    private final StepRule rule;

    /**
     * {@code steps = N ≥ 1} predictor steps, {@code correctorSteps = M ≥ 0} corrector steps before each, the
     * signal-to-noise ratio {@code r > 0} (score_sde: 0.16 for VE on images) and the corrector's step rule.
     */
    public PredictorCorrector(Sde sde, int steps, int correctorSteps, double snr, StepRule rule) {
        if (sde == null || rule == null) {
            throw new IllegalArgumentException(WHO + ": an SDE and a step rule must be given");
        }
        if (steps < 1 || correctorSteps < 0) {
            throw new IllegalArgumentException(WHO + ": need N ≥ 1 predictor and M ≥ 0 corrector steps, got N = " + steps
                    + ", M = " + correctorSteps);
        }
        if (!(snr > 0) || !Double.isFinite(snr)) {
            throw new IllegalArgumentException(WHO + ": the signal-to-noise ratio must be positive, got " + snr);
        }
        this.sde = sde;
        this.steps = steps;
        this.correctorSteps = correctorSteps;
        this.snr = snr;
        this.rule = rule;
    }

    /** The score evaluations of one run, {@code N (1 + M)}. */
    public int scoreEvaluations() {
        return steps * (1 + correctorSteps);
    }

    /** Draws {@code xT} from the prior (shape {@code [n, sampleShape…]}, {@code like}'s dtype and device) and runs {@link #sample(ScoreNetwork, Tensor, RandomStream)}. */
    public Tensor sample(ScoreNetwork network, int n, int[] sampleShape, Tensor like, RandomStream rng) {
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = n;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return sample(network, sde.samplePrior(rng, like.device(), like.dtype(), shape), rng);
    }

    /**
     * Runs the sampler from {@code xT: [chains, …]} at {@code T}, returns the chains at {@code ε}.
     *
     * @throws IllegalStateException naming the sampler and the time if the chains stop being finite
     */
    public Tensor sample(ScoreNetwork network, Tensor xT, RandomStream rng) {
        if (network == null || xT == null || xT.rank() < 2) {
            throw new IllegalArgumentException(WHO + ": need a network and chains [chains, …]");
        }
        double dt = (Sde.T - sde.epsilon()) / steps;
        Tensor x = xT;
        for (int i = 0; i < steps; i++) {
            double t = i == 0 ? Sde.T : Sde.T - i * dt;
            for (int j = 0; j < correctorSteps; j++) {
                x = correct(network, x, t, rng);
            }
            Tensor s = score(network, x, t);
            double g = sde.diffusion(t);
            Tensor mean = x.sub(sde.drift(x, t).sub(s.mul(g * g)).mul(dt));
            x = i == steps - 1 ? mean : mean.add(normalLike(rng, x).mul(g * Math.sqrt(dt)));
        }
        if (!Double.isFinite(x.abs().sum().item())) {
            throw new IllegalStateException(WHO + ": the chains are not finite at the end (t = " + sde.epsilon()
                    + "); lower the signal-to-noise ratio or take more steps");
        }
        return x;
    }

    /** One Langevin corrector step at time {@code t} with the step {@code η = 2 (r ‖z‖ / ‖s‖)²} of the rule. */
    private Tensor correct(ScoreNetwork network, Tensor x, double t, RandomStream rng) {
        Tensor s = score(network, x, t);
        Tensor z = normalLike(rng, x);
        int b = x.size(0);
        Tensor zNorm = z.reshape(b, -1).square().sum(1).sqrt();
        Tensor sNorm = s.reshape(b, -1).square().sum(1).sqrt().maximum(x.scalarLike(Double.MIN_NORMAL));
        if (rule == StepRule.BATCH_MEAN) {
            zNorm = zNorm.mean();
            sNorm = sNorm.mean();
        }
        Tensor eta = zNorm.div(sNorm).mul(snr).square().mul(2);
        if (rule == StepRule.BATCH_MEAN) {
            eta = eta.expand(b);
        }
        int[] column = new int[x.rank()];
        Arrays.fill(column, 1);
        column[0] = b;
        eta = eta.reshape(column);
        return x.add(s.mul(eta)).add(z.mul(eta.mul(2).sqrt()));
    }

    private Tensor score(ScoreNetwork network, Tensor x, double t) {
        Tensor s = network.score(x, sde.noiseLevel(x, t));
        ScoreNetwork.checkShape(WHO, s.shape(), x.shape());
        return s;
    }

    private static Tensor normalLike(RandomStream rng, Tensor x) {
        return rng.normal(x.device(), x.dtype(), x.shape());
    }

    @Override
    public String toString() {
        return WHO + "(" + sde + ", N = " + steps + ", M = " + correctorSteps + ", snr " + snr + ", " + rule + ")";
    }
}
