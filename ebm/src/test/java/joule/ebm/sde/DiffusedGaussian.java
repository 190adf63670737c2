package joule.ebm.sde;

import joule.autograd.Var;
import joule.ebm.energy.ScoreNetwork;
import joule.tensor.DType;
import joule.tensor.Tensor;

/**
 * Data {@code N(μ, Σ)} with {@code Σ = Q diag(λ) Q} ({@code Q = I − 2 u uᵀ/‖u‖²}, a reflection) diffused by an
 * {@link Sde}: at noise level {@code σ = std(t)} the marginal is {@code N(m μ, m² Σ + σ² I)} with {@code m} the mean
 * scale, a solution of the Fokker–Planck equation of all three SDEs (VE: {@code m = 1}; VP: {@code m² = 1 − σ²};
 * sub-VP: {@code m² = 1 − σ}). Its exact score {@code −C⁻¹ (x − m μ)} is a {@link ScoreNetwork} of {@code σ} (read
 * from the first sample: every caller here passes one level for the batch), in float64.
 */
final class DiffusedGaussian implements ScoreNetwork {
    private final Sde sde;
    private final double[] mu;
    private final double[] lambda;
    private final double[][] q;

    DiffusedGaussian(Sde sde, double[] mu, double[] lambda, double[] u) {
        this.sde = sde;
        this.mu = mu.clone();
        this.lambda = lambda.clone();
        int d = mu.length;
        double uu = 0;
        for (double v : u) {
            uu += v * v;
        }
        q = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                q[i][j] = (i == j ? 1 : 0) - 2 * u[i] * u[j] / uu;
            }
        }
    }

    /** The mean scale {@code m} at noise level {@code σ}. */
    double meanScaleAt(double sigma) {
        return switch (sde) {
            case VeSde ve -> 1;
            case VpSde vp -> Math.sqrt(1 - sigma * sigma);
            case SubVpSde sub -> Math.sqrt(1 - sigma);
        };
    }

    /** {@code C⁻¹ = Q diag(1 / (m² λ + σ²)) Q}. */
    private Tensor precision(double sigma) {
        double m = meanScaleAt(sigma);
        int d = mu.length;
        double[] p = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += q[i][k] * q[j][k] / (m * m * lambda[k] + sigma * sigma);
                }
                p[i * d + j] = s;
            }
        }
        return Tensor.of(DType.FLOAT64, p, d, d);
    }

    private Tensor mean(double sigma) {
        double m = meanScaleAt(sigma);
        double[] out = new double[mu.length];
        for (int i = 0; i < mu.length; i++) {
            out[i] = m * mu[i];
        }
        return Tensor.of(DType.FLOAT64, out, mu.length);
    }

    @Override
    public Var score(Var x, Var sigma) {
        double s = sigma.value().get(0);
        return x.sub(Var.constant(mean(s))).matmul(Var.constant(precision(s))).neg();
    }

    /** {@code log N(x; m μ, C)} per sample at noise level {@code σ}, {@code [B]}. */
    Tensor logDensity(Tensor x, double sigma) {
        double m = meanScaleAt(sigma);
        int d = mu.length;
        double logDet = 0;
        for (double l : lambda) {
            logDet += Math.log(m * m * l + sigma * sigma);
        }
        Tensor centred = x.sub(mean(sigma));
        Tensor quad = centred.matmul(precision(sigma)).mul(centred).sum(1);
        return quad.mul(-0.5).add(-0.5 * (d * Math.log(2 * Math.PI) + logDet));
    }

    /** {@code n} draws from the marginal at noise level {@code σ}. */
    Tensor sample(int n, double sigma, joule.tensor.RandomStream rng) {
        double m = meanScaleAt(sigma);
        int d = mu.length;
        double[] root = new double[d * d];   // C^{1/2} = Q diag(sqrt(m² λ + σ²)) Q
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += q[i][k] * q[j][k] * Math.sqrt(m * m * lambda[k] + sigma * sigma);
                }
                root[i * d + j] = s;
            }
        }
        return rng.normal(DType.FLOAT64, n, d).matmul(Tensor.of(DType.FLOAT64, root, d, d)).add(mean(sigma));
    }
}
