package joule.ebm.loss;

import joule.autograd.Var;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * A Gaussian with diagonal covariance, {@code N(μ, diag(s²))}: the usual NCE noise, fitted to the
 * data with {@link #fit}. {@code log p(y) = −½ Σ_i ((y_i − μ_i)/s_i)² − Σ_i log s_i − (D/2) log 2π}.
 */
public final class GaussianNoise implements NoiseDistribution {
    private final Tensor mean;
    private final Tensor std;
    private final double logNormaliser;

    /**
     * A Gaussian with the given mean {@code [D]} and standard deviations {@code [D]} (all positive),
     * on their device, where its samples are drawn.
     */
    public GaussianNoise(Tensor mean, Tensor std) {
        if (mean.rank() != 1 || !java.util.Arrays.equals(mean.shape(), std.shape())) {
            throw new IllegalArgumentException("GaussianNoise: mean and std must both be [D], got "
                    + Shapes.format(mean.shape()) + " and " + Shapes.format(std.shape()));
        }
        if (std.min().item() <= 0) {
            throw new IllegalArgumentException("GaussianNoise: standard deviations must be positive, got " + std);
        }
        this.mean = mean;
        this.std = std;
        this.logNormaliser = -std.log().sum().item() - 0.5 * mean.size(0) * Math.log(2 * Math.PI);
    }

    /** The Gaussian with the data's mean and per-coordinate standard deviation, widened by {@code scale ≥ 1}. */
    public static GaussianNoise fit(Tensor data, double scale) {
        if (data.rank() != 2 || data.size(0) < 2) {
            throw new IllegalArgumentException("GaussianNoise.fit: need data [N ≥ 2, D], got " + Shapes.format(data.shape()));
        }
        if (!(scale > 0)) {
            throw new IllegalArgumentException("GaussianNoise.fit: scale must be positive, got " + scale);
        }
        Tensor mu = data.mean(0);
        Tensor sd = data.sub(mu).square().mean(0).sqrt().mul(scale).maximum(data.scalarLike(1e-6));
        return new GaussianNoise(mu, sd);
    }

    @Override
    public Tensor sample(int n, RandomStream rng) {
        return rng.normal(mean.device(), mean.dtype(), n, mean.size(0)).mul(std).add(mean);
    }

    @Override
    public Var logDensity(Var y) {
        return y.sub(Var.constant(mean)).div(Var.constant(std)).square().sum(1).mul(-0.5).add(logNormaliser);
    }
}
