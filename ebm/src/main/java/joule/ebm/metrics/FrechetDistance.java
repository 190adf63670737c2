package joule.ebm.metrics;

import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Tensor;

/**
 * Fréchet distance between two feature samples, the FID recipe with any feature map
 * (ebm-reference, "Metrics"; Heusel et al. 2017): the squared 2-Wasserstein distance between the
 * Gaussians fitted to the two samples,
 *
 * <pre>
 * FD = ‖μ₁ − μ₂‖² + tr(C₁ + C₂ − 2 (C₁ C₂)^{1/2})
 * </pre>
 *
 * with {@code μ} the sample means and {@code C} the unbiased sample covariances (divisor
 * {@code n − 1}). The trace of the matrix square root is computed without forming it:
 * {@code C₁ C₂} is similar to the symmetric positive semi-definite {@code C₁^{1/2} C₂ C₁^{1/2}},
 * so {@code tr (C₁ C₂)^{1/2} = Σ_i sqrt(λ_i)} over the eigenvalues of the latter, each clamped at
 * 0 (rounding makes some of a singular product slightly negative). Both eigen-decompositions
 * ({@code C₁} for its square root, then the product) are {@link SymmetricEigen}'s.
 *
 * <p>Everything is float64 on the host: features {@code [n, d]} of any dtype and device are copied
 * to the CPU; {@code n ≥ 2}. FD is ≥ 0 up to rounding: identical samples give about
 * {@code 1e-12 · tr C}, never exactly 0. It is biased upwards for finite {@code n}, more so for
 * large {@code d} (compare values only at the same sample sizes).
 */
public final class FrechetDistance {
    private FrechetDistance() {
    }

    /**
     * The Gaussian fitted to a feature sample: {@code count} points, {@code mean [d]} and the
     * unbiased {@code covariance [d, d]} (row-major, symmetric).
     */
    public record Moments(int count, double[] mean, double[] covariance) {
        /** Checks that {@code mean} is {@code [d]} and {@code covariance} {@code [d, d]}, {@code d ≥ 1}, {@code count ≥ 2}. */
        public Moments {
            if (count < 2 || mean.length < 1 || covariance.length != (long) mean.length * mean.length) {
                throw new IllegalArgumentException("FrechetDistance.Moments: expected count ≥ 2, mean [d] and covariance"
                        + " [d, d] with d ≥ 1, got count " + count + ", mean of " + mean.length + " and covariance of "
                        + covariance.length + " values");
            }
        }

        /** Feature dimension {@code d}. */
        public int dim() {
            return mean.length;
        }
    }

    /** {@code FD} between the samples {@code x: [m, d]} and {@code y: [n, d]}. */
    public static double distance(Tensor x, Tensor y) {
        Tensor a = hostSample("x", x);
        Tensor b = hostSample("y", y);
        Pairwise.sameDim("frechetDistance", a, b);
        return distance(fit(a), fit(b));
    }

    /**
     * {@code FD} between two fitted Gaussians; fit a fixed reference (a test set) once with
     * {@link #moments(Tensor)} and compare many samples against it.
     */
    public static double distance(Moments a, Moments b) {
        int d = a.dim();
        if (b.dim() != d) {
            throw new IllegalArgumentException("frechetDistance: features differ in dimension (" + d + " ≠ " + b.dim() + ")");
        }
        double meanTerm = 0;
        double traces = 0;
        for (int i = 0; i < d; i++) {
            double t = a.mean[i] - b.mean[i];
            meanTerm += t * t;
            traces += a.covariance[i * d + i] + b.covariance[i * d + i];
        }
        return meanTerm + traces - 2 * traceSqrtOfProduct(a.covariance, b.covariance, d);
    }

    /** The fitted Gaussian of {@code features: [n, d]}, {@code n ≥ 2}: mean and unbiased covariance. */
    public static Moments moments(Tensor features) {
        return fit(hostSample("features", features));
    }

    /** {@code t} checked ({@code [n ≥ 2, d ≥ 1]}, finite) and copied to the host in float64. */
    private static Tensor hostSample(String name, Tensor t) {
        return Pairwise.sample("frechetDistance", name, t.to(Device.CPU), 2);
    }

    private static Moments fit(Tensor x) {
        int n = x.size(0);
        Tensor mean = x.mean(new int[] {0}, true);
        Tensor centred = x.sub(mean);
        double[] cov = centred.mT().matmul(centred).div(n - 1).toDoubleArray();
        int d = x.size(1);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                // The product's two triangles may round differently: make it exactly symmetric.
                double s = 0.5 * (cov[i * d + j] + cov[j * d + i]);
                cov[i * d + j] = s;
                cov[j * d + i] = s;
            }
        }
        return new Moments(n, mean.toDoubleArray(), cov);
    }

    /** {@code tr (C₁ C₂)^{1/2} = Σ sqrt(max(λ_i, 0))}, {@code λ} the eigenvalues of {@code C₁^{1/2} C₂ C₁^{1/2}}. */
    static double traceSqrtOfProduct(double[] c1, double[] c2, int d) {
        double[] root = SymmetricEigen.decompose(c1, d).mapValues(l -> Math.sqrt(Math.max(l, 0)));
        Tensor s = Tensor.of(DType.FLOAT64, root, d, d);
        Tensor product = s.matmul(Tensor.of(DType.FLOAT64, c2, d, d)).matmul(s);
        double sum = 0;
        for (double l : SymmetricEigen.eigenvalues(product.toDoubleArray(), d)) {
            sum += Math.sqrt(Math.max(l, 0));
        }
        return sum;
    }
}
