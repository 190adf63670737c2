package joule.ebm.apply;

import joule.ebm.energy.Energy;
import joule.ebm.energy.ScoreNetwork;
import joule.tensor.DType;
import joule.tensor.Tensor;

/**
 * Per-input anomaly scores, higher = more anomalous (ebm-reference, "Applications", anomaly scores): the
 * energy {@code E(x)}, or the score norm {@code ‖s_θ(x, σ)‖} at a small {@code σ}. The third score of the
 * reference, {@code −log p(x)} from an AIS-normalised estimate for low-dimensional models, waits for annealed
 * importance sampling (the samplers issue). Inputs are evaluated a few hundred rows at a time; a batch whose
 * shape the model does not take is an {@link IllegalArgumentException} from the model.
 */
public final class AnomalyScores {
    private static final String WHO = "AnomalyScores";

    private AnomalyScores() {
    }

    /** {@code E(x)} per row of {@code x: [B, D]} (low energy = likely), {@code [B]} in float64. */
    public static double[] energy(Energy energy, Tensor x) {
        Rows.checkBatch(WHO + ".energy", x);
        return Rows.map(x, energy::energy).to(DType.FLOAT64).toDoubleArray();
    }

    /**
     * {@code ‖s_θ(x, σ)‖₂} per row of {@code x: [B, …]} (the norm over all coordinates of a row), {@code [B]} in
     * float64: near the data the learned score at a small {@code σ} is small, off it the score pulls hard.
     */
    public static double[] scoreNorm(ScoreNetwork network, Tensor x, double sigma) {
        Rows.checkBatch(WHO + ".scoreNorm", x);
        Rows.positive(WHO + ".scoreNorm", "sigma", sigma);
        int[] axes = new int[x.rank() - 1];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        return Rows.map(x, rows -> {
            Tensor s = network.score(rows, rows.scalarLike(sigma).expand(rows.size(0)));
            ScoreNetwork.checkShape(WHO + ".scoreNorm", s.shape(), rows.shape());
            return s.to(DType.FLOAT64).square().sum(axes).sqrt();
        }).toDoubleArray();
    }
}
