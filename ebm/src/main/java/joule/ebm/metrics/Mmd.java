package joule.ebm.metrics;

import java.util.Arrays;
import joule.tensor.Tensor;

/**
 * Squared maximum mean discrepancy between two samples with a Gaussian (RBF) kernel
 * {@code k(x, y) = exp(−‖x − y‖²/(2σ²))}, unbiased estimator (Gretton et al. 2012, eq. 3):
 *
 * <pre>
 * MMD²_u = 1/(m(m−1)) Σ_{i≠j} k(x_i, x_j) + 1/(n(n−1)) Σ_{i≠j} k(y_i, y_j) − 2/(mn) Σ_{i,j} k(x_i, y_j)
 * </pre>
 *
 * a U-statistic: its mean is the population MMD², 0 when both samples come from one
 * distribution, so single values can be slightly negative.
 *
 * <p>Bandwidth by the median heuristic ({@link #medianBandwidth}): {@code σ} is the median
 * Euclidean distance between distinct points of the pooled sample {@code x ∪ y}, i.e.
 * {@code σ² = median_{i<j} ‖z_i − z_j‖²} (the median of an even count is the mean of the two
 * middle values), so {@code k(x, y) = exp(−‖x − y‖²/(2·median))}. Pooled samples larger than
 * {@value #MEDIAN_MAX_POINTS} points are thinned for the median by a common stride over
 * {@code x} and {@code y}.
 *
 * <p>Samples are {@code [m, d]} and {@code [n, d]} (any dtype, computed in float64), with
 * {@code m, n ≥ 2}. Pairwise squared distances come from {@code ‖x‖² + ‖y‖² − 2xyᵀ} (clamped at 0)
 * in row blocks, so memory stays bounded for large samples.
 */
public final class Mmd {
    /** Most pooled points used for the median heuristic. */
    public static final int MEDIAN_MAX_POINTS = 1000;

    private Mmd() {
    }

    /** {@code MMD²_u} with the median-heuristic bandwidth. */
    public static double mmd2(Tensor x, Tensor y) {
        Tensor a = Pairwise.sample("mmd2", "x", x, 2);
        Tensor b = Pairwise.sample("mmd2", "y", y, 2);
        Pairwise.sameDim("mmd2", a, b);
        return unbiased(a, b, median("mmd2", a, b), Pairwise.DEFAULT_BLOCK);
    }

    /** {@code MMD²_u} with kernel bandwidth {@code sigma > 0}. */
    public static double mmd2(Tensor x, Tensor y, double sigma) {
        return mmd2(x, y, sigma, Pairwise.DEFAULT_BLOCK);
    }

    static double mmd2(Tensor x, Tensor y, double sigma, long blockElements) {
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("mmd2: bandwidth sigma must be finite and > 0, got " + sigma);
        }
        Tensor a = Pairwise.sample("mmd2", "x", x, 2);
        Tensor b = Pairwise.sample("mmd2", "y", y, 2);
        Pairwise.sameDim("mmd2", a, b);
        return unbiased(a, b, sigma * sigma, blockElements);
    }

    /** The median-heuristic bandwidth {@code σ = sqrt(median_{i<j} ‖z_i − z_j‖²)} over the pooled sample. */
    public static double medianBandwidth(Tensor x, Tensor y) {
        Tensor a = Pairwise.sample("medianBandwidth", "x", x, 1);
        Tensor b = Pairwise.sample("medianBandwidth", "y", y, 1);
        Pairwise.sameDim("medianBandwidth", a, b);
        return Math.sqrt(median("medianBandwidth", a, b));
    }

    private static double unbiased(Tensor x, Tensor y, double sigma2, long block) {
        int m = x.size(0);
        int n = y.size(0);
        double scale = -1 / (2 * sigma2);
        double kxx = Pairwise.sum(x, x, true, d -> d.mul(scale).exp(), block);
        double kyy = Pairwise.sum(y, y, true, d -> d.mul(scale).exp(), block);
        double kxy = Pairwise.sum(x, y, false, d -> d.mul(scale).exp(), block);
        return kxx / ((double) m * (m - 1)) + kyy / ((double) n * (n - 1)) - 2 * kxy / ((double) m * n);
    }

    /** Median of the pairwise squared distances of the (thinned) pooled sample. */
    private static double median(String op, Tensor x, Tensor y) {
        int m = x.size(0);
        int n = y.size(0);
        int stride = (m + n + MEDIAN_MAX_POINTS - 1) / MEDIAN_MAX_POINTS;
        Tensor z = Tensor.cat(0, x.slice(0, 0, m, stride), y.slice(0, 0, n, stride));
        int p = z.size(0);
        if (p < 2) {
            throw new IllegalArgumentException(op + ": the median heuristic needs at least 2 points, got " + p);
        }
        Tensor zz = Pairwise.rowSqNorms(z);
        double[] d = Pairwise.sqDist(z, zz, z, zz.mT()).toDoubleArray();
        double[] upper = new double[p * (p - 1) / 2];
        int k = 0;
        for (int i = 0; i < p; i++) {
            for (int j = i + 1; j < p; j++) {
                upper[k++] = d[i * p + j];
            }
        }
        Arrays.sort(upper);
        int h = upper.length / 2;
        double med = upper.length % 2 == 1 ? upper[h] : 0.5 * (upper[h - 1] + upper[h]);
        if (!(med > 0)) {
            throw new IllegalArgumentException(op + ": the median heuristic gives bandwidth 0 (at least half the pairs"
                    + " of points coincide); pass a bandwidth");
        }
        return med;
    }
}
