package joule.ebm.sample;

import joule.ebm.energy.Energy;
import joule.ebm.energy.NoiseConditionalEnergy;
import joule.ebm.energy.ScoreNetwork;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Annealed Langevin dynamics (NCSN; ebm-reference, "Samplers"): noise levels
 * {@code σ_1 > … > σ_L} (geometric, {@link #geometricSigmas}); for level {@code i} the step is
 * {@code η_i = η · (σ_i / σ_L)²} and {@code T} ULA steps
 * {@code x ← x + η_i s_θ(x, σ_i) + sqrt(2 η_i) ξ} run with the noise-conditional score, each
 * level starting where the last ended. Optionally one final denoising step
 * {@code x ← x + σ_L² s_θ(x, σ_L)} (applied to the returned state, not to collected samples).
 *
 * <p>NCSN's code writes {@code α_i = ε (σ_i/σ_L)²} and {@code x + (α_i/2) s + sqrt(α_i) z}: that
 * is {@code η = ε/2}. A run has {@code L·T} steps; {@link SamplerOptions} burn-in and thinning
 * count them globally; with a box the state is clamped after every step (and after denoising);
 * acceptance is 1. Random numbers per step: {@code ξ} only. The model is a
 * {@link NoiseConditionalEnergy} or any {@link ScoreNetwork}; the chains may be images {@code [chains, C, H, W]}.
 */
public final class AnnealedLangevin {
    private static final String WHO = "AnnealedLangevin";

    private final double[] sigmas;
    private final double eta;
    private final int stepsPerLevel;
    private final boolean denoise;

    /**
     * The sampler for noise levels {@code sigmas} (finite, positive, strictly decreasing), base
     * step {@code η > 0} (the step at the last level), {@code T ≥ 1} steps per level, and whether
     * to finish with the denoising step.
     */
    public AnnealedLangevin(double[] sigmas, double eta, int stepsPerLevel, boolean finalDenoise) {
        if (sigmas == null || sigmas.length == 0) {
            throw new IllegalArgumentException(WHO + ": need at least one noise level");
        }
        for (int i = 0; i < sigmas.length; i++) {
            Samplers.positive(WHO, "sigma " + i, sigmas[i]);
            if (i > 0 && !(sigmas[i] < sigmas[i - 1])) {
                throw new IllegalArgumentException(WHO + ": noise levels must decrease strictly, got sigma " + (i - 1)
                        + " = " + sigmas[i - 1] + " then sigma " + i + " = " + sigmas[i]);
            }
        }
        this.sigmas = sigmas.clone();
        this.eta = Samplers.positive(WHO, "step size eta", eta);
        if (stepsPerLevel < 1) {
            throw new IllegalArgumentException(WHO + ": steps per level T must be ≥ 1, got " + stepsPerLevel);
        }
        this.stepsPerLevel = stepsPerLevel;
        this.denoise = finalDenoise;
    }

    /**
     * {@code L} geometric levels from {@code σ_1 = sigmaMax} down to {@code σ_L = sigmaMin}:
     * {@code σ_i = σ_1 (σ_L/σ_1)^((i−1)/(L−1))} ({@code L = 1}: just {@code sigmaMin}, which must
     * then equal {@code sigmaMax}).
     */
    public static double[] geometricSigmas(double sigmaMax, double sigmaMin, int levels) {
        Samplers.positive(WHO, "sigmaMax", sigmaMax);
        Samplers.positive(WHO, "sigmaMin", sigmaMin);
        if (levels < 1) {
            throw new IllegalArgumentException(WHO + ": number of levels must be ≥ 1, got " + levels);
        }
        if (levels == 1) {
            if (sigmaMax != sigmaMin) {
                throw new IllegalArgumentException(WHO + ": one level needs sigmaMax = sigmaMin, got " + sigmaMax
                        + " and " + sigmaMin);
            }
            return new double[] {sigmaMax};
        }
        if (!(sigmaMin < sigmaMax)) {
            throw new IllegalArgumentException(WHO + ": need sigmaMin < sigmaMax, got " + sigmaMin + " and " + sigmaMax);
        }
        double[] s = new double[levels];
        double ratio = Math.log(sigmaMin / sigmaMax);
        for (int i = 0; i < levels; i++) {
            s[i] = sigmaMax * Math.exp(ratio * i / (levels - 1));
        }
        s[0] = sigmaMax;
        s[levels - 1] = sigmaMin;
        return s;
    }

    /** The noise levels {@code σ_1 > … > σ_L}. */
    public double[] sigmas() {
        return sigmas.clone();
    }

    /** The step at level {@code i} (0-based): {@code η_i = η (σ_i/σ_L)²}. */
    public double stepSize(int level) {
        double r = sigmas[level] / sigmas[sigmas.length - 1];
        return eta * r * r;
    }

    /** The total number of steps, {@code L·T}. */
    public int totalSteps() {
        return sigmas.length * stepsPerLevel;
    }

    /** {@link #sample(NoiseConditionalEnergy, Tensor, RandomStream, SamplerOptions)} with default options. */
    public SampleResult sample(NoiseConditionalEnergy energy, Tensor init, RandomStream rng) {
        return sample(energy, init, rng, SamplerOptions.DEFAULT);
    }

    /**
     * Runs {@code L·T} annealed steps from {@code init} ({@code [chains, D]}) as above; the trace
     * (if asked) reports {@code E(x, σ_i)} and {@code η_i}; the returned state is denoised when
     * configured.
     */
    public SampleResult sample(NoiseConditionalEnergy energy, Tensor init, RandomStream rng, SamplerOptions options) {
        Samplers.notNull(WHO, energy);
        ChainRunner runner = new ChainRunner(WHO, options, true);
        Energy[] levels = new Energy[sigmas.length];
        for (int i = 0; i < levels.length; i++) {
            levels[i] = energy.atLevel(sigmas[i]);
        }
        return run(runner, init, rng, new Levels() {
            @Override
            public ChainRunner.State evaluate(int level, Tensor x) {
                return runner.evaluate(levels[level], x);
            }

            @Override
            public Tensor score(int level, Tensor x) {
                return levels[level].score(x);
            }
        });
    }

    /** {@link #sample(ScoreNetwork, Tensor, RandomStream, SamplerOptions)} with default options. */
    public SampleResult sample(ScoreNetwork network, Tensor init, RandomStream rng) {
        return sample(network, init, rng, SamplerOptions.DEFAULT);
    }

    /**
     * Runs {@code L·T} annealed steps from {@code init} ({@code [chains, …]}, such as images
     * {@code [chains, C, H, W]}) with the network's score {@code s_θ(x, σ_i)}, as above. A score network has
     * no energy: the trace (if asked) reports a mean energy of NaN.
     */
    public SampleResult sample(ScoreNetwork network, Tensor init, RandomStream rng, SamplerOptions options) {
        Samplers.notNull(WHO, network);
        ChainRunner runner = new ChainRunner(WHO, options, true);
        return run(runner, init, rng, new Levels() {
            @Override
            public ChainRunner.State evaluate(int level, Tensor x) {
                return new ChainRunner.State(x, null, score(level, x));
            }

            @Override
            public Tensor score(int level, Tensor x) {
                Tensor s = network.score(x, x.scalarLike(sigmas[level]).expand(x.size(0)));
                ScoreNetwork.checkShape(WHO, s.shape(), x.shape());
                return s;
            }
        });
    }

    /** The model at each level: the chains' state and the score at level {@code level} (0-based). */
    private interface Levels {
        ChainRunner.State evaluate(int level, Tensor x);

        Tensor score(int level, Tensor x);
    }

    private SampleResult run(ChainRunner runner, Tensor init, RandomStream rng, Levels levels) {
        int steps = totalSteps();
        Tensor x0 = runner.checkInit(init, steps);
        SampleResult r = runner.run(levels.evaluate(0, x0), steps, rng, new ChainRunner.Transition() {
            private int evaluatedLevel = 0;

            @Override
            public ChainRunner.Proposal propose(ChainRunner.State s, int step, RandomStream rng1) {
                int level = (step - 1) / stepsPerLevel;
                if (level != evaluatedLevel) {
                    s = levels.evaluate(level, s.x());
                    evaluatedLevel = level;
                }
                double etaI = AnnealedLangevin.this.stepSize(level);   // not Transition.stepSize(step)
                Tensor xi = Samplers.normalLike(rng1, s.x());
                Tensor next = Tensor.langevinStep(s.x(), s.score(), xi, etaI, Math.sqrt(2 * etaI));
                return new ChainRunner.Proposal(levels.evaluate(level, runner.clamp(next)), null);
            }

            @Override
            public double stepSize(int step) {
                return AnnealedLangevin.this.stepSize((step - 1) / stepsPerLevel);
            }
        });
        if (!denoise) {
            return r;
        }
        double last = sigmas[sigmas.length - 1];
        Tensor x = r.state();
        Tensor s = levels.score(sigmas.length - 1, x);
        Tensor denoised = runner.clamp(x.add(s.mul(last * last)));
        return new SampleResult(denoised, r.samples(), r.acceptance(), r.trace());
    }

    @Override
    public String toString() {
        return WHO + "(L=" + sigmas.length + ", sigma " + sigmas[0] + " → " + sigmas[sigmas.length - 1] + ", eta=" + eta
                + ", T=" + stepsPerLevel + (denoise ? ", denoise" : "") + ")";
    }
}
