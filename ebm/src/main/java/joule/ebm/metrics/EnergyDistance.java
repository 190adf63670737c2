package joule.ebm.metrics;

import joule.tensor.Tensor;

/**
 * Energy distance between two samples (Székely and Rizzo 2013),
 * {@code D² = 2E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖}, estimated without bias by U-statistics:
 *
 * <pre>
 * D²_u = 2/(mn) Σ_{i,j} ‖x_i − y_j‖ − 1/(m(m−1)) Σ_{i≠j} ‖x_i − x_j‖ − 1/(n(n−1)) Σ_{i≠j} ‖y_i − y_j‖
 * </pre>
 *
 * Its mean is the population value, which is ≥ 0 and 0 only for equal distributions; single
 * values can be slightly negative. (The V-statistic, averaging over all pairs including
 * {@code i = j}, is ≥ 0 but biased upwards.)
 *
 * <p>Samples are {@code [m, d]} and {@code [n, d]} (any dtype, computed in float64), {@code m, n ≥ 2};
 * distances come from {@code ‖x‖² + ‖y‖² − 2xyᵀ}, clamped at 0, in row blocks.
 */
public final class EnergyDistance {
    private EnergyDistance() {
    }

    /** The unbiased energy distance {@code D²_u}. */
    public static double energyDistance(Tensor x, Tensor y) {
        return energyDistance(x, y, Pairwise.DEFAULT_BLOCK);
    }

    static double energyDistance(Tensor x, Tensor y, long blockElements) {
        Tensor a = Pairwise.sample("energyDistance", "x", x, 2);
        Tensor b = Pairwise.sample("energyDistance", "y", y, 2);
        Pairwise.sameDim("energyDistance", a, b);
        int m = a.size(0);
        int n = b.size(0);
        double xy = Pairwise.sum(a, b, false, Tensor::sqrt, blockElements);
        double xx = Pairwise.sum(a, a, true, Tensor::sqrt, blockElements);
        double yy = Pairwise.sum(b, b, true, Tensor::sqrt, blockElements);
        return 2 * xy / ((double) m * n) - xx / ((double) m * (m - 1)) - yy / ((double) n * (n - 1));
    }
}
