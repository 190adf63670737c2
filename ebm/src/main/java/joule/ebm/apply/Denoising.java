package joule.ebm.apply;

import java.util.Arrays;
import joule.ebm.energy.ScoreNetwork;
import joule.ebm.sample.AnnealedLangevin;
import joule.ebm.sample.SamplerOptions;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Denoising inputs {@code x̃ = x + σ ε} with a learned score (ebm-reference, "Applications"): one Tweedie step
 * {@code E[x | x̃] ≈ x̃ + σ² s_θ(x̃, σ)}, or annealed Langevin refinement started at {@code x̃} over the levels from
 * {@code σ} down, ending with that Tweedie step at the last level.
 */
public final class Denoising {
    private static final String WHO = "Denoising";

    private Denoising() {
    }

    /** One Tweedie step {@code x̃ + σ² s_θ(x̃, σ)} for {@code noisy: [B, …]} (evaluated a few hundred rows at a time). */
    public static Tensor tweedie(ScoreNetwork network, Tensor noisy, double sigma) {
        Rows.checkBatch(WHO + ".tweedie", noisy);
        Rows.positive(WHO + ".tweedie", "sigma", sigma);
        return Rows.map(noisy, rows -> {
            Tensor s = network.score(rows, rows.scalarLike(sigma).expand(rows.size(0)));
            ScoreNetwork.checkShape(WHO + ".tweedie", s.shape(), rows.shape());
            return rows.add(s.mul(sigma * sigma));
        });
    }

    /**
     * Annealed Langevin refinement ({@link AnnealedLangevin} with its final denoising step) started at {@code noisy},
     * over {@link #levelsFrom}{@code (sigma, modelLevels)}: base step {@code eta} (the step at the last level), {@code steps}
     * ULA steps per level, the chains clamped to {@code options}' box if it has one.
     */
    public static Tensor refine(ScoreNetwork network, Tensor noisy, double sigma, double[] modelLevels, double eta,
            int steps, SamplerOptions options, RandomStream rng) {
        Rows.checkBatch(WHO + ".refine", noisy);
        AnnealedLangevin sampler = new AnnealedLangevin(levelsFrom(sigma, modelLevels), eta, steps, true);
        return sampler.sample(network, noisy, rng, options).state();
    }

    /**
     * The noise levels that refine an input of noise level {@code σ}: {@code σ} itself, then the model's levels
     * below it (decreasing); just {@code σ} when none is below.
     */
    public static double[] levelsFrom(double sigma, double[] modelLevels) {
        Rows.positive(WHO, "sigma", sigma);
        double[] below = Arrays.stream(modelLevels).filter(s -> s < sigma).sorted().toArray();
        double[] out = new double[below.length + 1];
        out[0] = sigma;
        for (int i = 0; i < below.length; i++) {
            out[i + 1] = below[below.length - 1 - i];
        }
        return out;
    }
}
