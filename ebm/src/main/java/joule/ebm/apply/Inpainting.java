package joule.ebm.apply;

import joule.ebm.energy.ScoreNetwork;
import joule.ebm.sample.AnnealedLangevin;
import joule.ebm.sample.SamplerOptions;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Inpainting by annealed Langevin (ebm-reference, "Applications", as NCSN's code does it): over levels
 * {@code σ_1 > … > σ_L} with steps {@code η_i = η (σ_i/σ_L)²} ({@link AnnealedLangevin}'s schedule), before each of
 * the {@code T} steps of level {@code i} the known coordinates are reset to {@code x_known + σ_i z} (fresh
 * {@code z ~ N(0, I)}), then the ULA step {@code x ← x + η_i s_θ(x, σ_i) + sqrt(2 η_i) ξ} moves every coordinate; only
 * the missing ones keep what it did. The missing coordinates start at {@code σ_1 ξ₀}. At the end the known
 * coordinates are set to the data, the missing ones get the Tweedie step {@code x + σ_L² s_θ(x, σ_L)}, and with a box
 * (from {@link SamplerOptions}) the state is clamped to it after every step. Random numbers per step: {@code z},
 * then {@code ξ}.
 */
public final class Inpainting {
    private static final String WHO = "Inpainting";

    private final AnnealedLangevin schedule;
    private final int stepsPerLevel;
    private final SamplerOptions options;

    /** Inpainting over {@code levels} (decreasing), base step {@code eta > 0}, {@code steps ≥ 1} per level, clamped to {@code options}' box. */
    public Inpainting(double[] levels, double eta, int steps, SamplerOptions options) {
        this.schedule = new AnnealedLangevin(levels, eta, steps, true);
        this.stepsPerLevel = steps;
        this.options = options;
    }

    /**
     * Fills the coordinates of {@code data: [B, …]} where {@code mask} is 0 (1 = known; shaped like {@code data} or
     * like one row); the result has the data's shape and equals it where the mask is 1. A mask of the wrong shape,
     * with values other than 0/1, all zeros or all ones is an {@link IllegalArgumentException}.
     */
    public Tensor inpaint(ScoreNetwork network, Tensor data, Tensor mask, RandomStream rng) {
        Rows.checkBatch(WHO, data);
        Tensor known = Masks.broadcast(WHO, mask, data);
        Tensor missing = known.neg().add(1);
        Tensor kept = data.mul(known);
        double[] sigmas = schedule.sigmas();
        Tensor x = clamp(kept.add(rng.normal(data.device(), data.dtype(), data.shape()).mul(sigmas[0]).mul(missing)));
        for (int level = 0; level < sigmas.length; level++) {
            double sigma = sigmas[level];
            double eta = schedule.stepSize(level);
            Tensor sigmaRows = data.scalarLike(sigma).expand(data.size(0));
            for (int t = 0; t < stepsPerLevel; t++) {
                Tensor z = rng.normal(data.device(), data.dtype(), data.shape());
                x = x.mul(missing).add(kept.add(z.mul(sigma).mul(known)));
                Tensor s = network.score(x, sigmaRows);
                ScoreNetwork.checkShape(WHO, s.shape(), x.shape());
                Tensor xi = rng.normal(data.device(), data.dtype(), data.shape());
                x = clamp(Tensor.langevinStep(x, s, xi, eta, Math.sqrt(2 * eta)));
            }
        }
        double last = sigmas[sigmas.length - 1];
        x = x.mul(missing).add(kept);
        Tensor s = network.score(x, data.scalarLike(last).expand(data.size(0)));
        return clamp(x.add(s.mul(last * last))).mul(missing).add(kept);
    }

    /**
     * The mean of {@code draws ≥ 1} inpaintings of each row (run as one batch of {@code draws · B} chains, draw {@code k}
     * in rows {@code k·B … k·B + B − 1}): an estimate of the posterior mean {@code E[x_missing | x_known]}, which PSNR
     * rewards over a single draw (a draw's expected squared error is twice the posterior variance, the mean's once).
     */
    public Tensor posteriorMean(ScoreNetwork network, Tensor data, Tensor mask, int draws, RandomStream rng) {
        if (draws < 1) {
            throw new IllegalArgumentException(WHO + ": draws must be ≥ 1, got " + draws);
        }
        Rows.checkBatch(WHO, data);
        Tensor known = Masks.broadcast(WHO, mask, data);
        Tensor[] copies = new Tensor[draws];
        java.util.Arrays.fill(copies, data);
        Tensor[] masks = new Tensor[draws];
        java.util.Arrays.fill(masks, known);
        Tensor all = inpaint(network, Tensor.cat(0, copies), Tensor.cat(0, masks), rng);
        Tensor sum = all.narrow(0, 0, data.size(0));
        for (int k = 1; k < draws; k++) {
            sum = sum.add(all.narrow(0, k * data.size(0), data.size(0)));
        }
        return sum.div(draws);
    }

    private Tensor clamp(Tensor x) {
        return options.hasBox() ? x.clamp(options.lo(), options.hi()) : x;
    }

    @Override
    public String toString() {
        return WHO + " by " + schedule;
    }
}
