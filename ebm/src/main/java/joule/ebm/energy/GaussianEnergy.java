package joule.ebm.energy;

import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * The Gaussian energy {@code E(x) = ½ (x − μ)ᵀ Λ (x − μ)} with precision {@code Λ = C⁻¹}
 * (ebm-reference, "Results to test against": the Gaussian energy), so {@code p = N(μ, C)} and the
 * score is {@code s(x) = −Λ (x − μ)}. No normalising constant is included in {@code E}; it is
 * {@link #logPartition()}.
 *
 * <p>The inverse (and the positive-definiteness check) is computed in double on the host by a
 * Cholesky factorisation. The parameters keep the dtype of {@code mean}, which {@link #mean()},
 * {@link #precision()} and {@link #sample} use; {@link #energy(Var)} accepts float32 and float64
 * inputs alike and computes in the dtype of {@code x}.
 */
public final class GaussianEnergy implements Energy {
    private static final String WHO = "GaussianEnergy";

    private final int dim;
    private final DType dtype;
    private final double[] mean;
    private final double[] covariance;
    private final double[] precision;
    private final double[] covCholesky;
    private final double logDetCovariance;
    private final Energies.Constant meanConst;
    private final Energies.Constant precisionConst;

    /**
     * {@code N(mean, covariance)}: {@code mean} is {@code [D]}, {@code covariance} is {@code [D, D]},
     * of the same dtype, symmetric positive definite (otherwise an {@link IllegalArgumentException}).
     */
    public GaussianEnergy(Tensor mean, Tensor covariance) {
        this(mean, covariance, false);
    }

    /** {@code N(mean, covariance)}; the same as the constructor. */
    public static GaussianEnergy fromCovariance(Tensor mean, Tensor covariance) {
        return new GaussianEnergy(mean, covariance, false);
    }

    /** {@code N(mean, precision⁻¹)}: {@code precision} {@code Λ} is {@code [D, D]}, symmetric positive definite. */
    public static GaussianEnergy fromPrecision(Tensor mean, Tensor precision) {
        return new GaussianEnergy(mean, precision, true);
    }

    private GaussianEnergy(Tensor mean, Tensor matrix, boolean isPrecision) {
        String what = isPrecision ? "precision" : "covariance";
        if (mean.rank() != 1 || mean.size(0) < 1) {
            throw new IllegalArgumentException(WHO + ": mean must be [D] with D ≥ 1, got " + Shapes.format(mean.shape()));
        }
        int d = mean.size(0);
        if (matrix.rank() != 2 || matrix.size(0) != d || matrix.size(1) != d) {
            throw new IllegalArgumentException(WHO + ": " + what + " must be [" + d + ", " + d + "] for a mean of shape ["
                    + d + "], got " + Shapes.format(matrix.shape()));
        }
        if (matrix.dtype() != mean.dtype()) {
            throw new IllegalArgumentException(WHO + ": mean is " + mean.dtype() + " but " + what + " is " + matrix.dtype());
        }
        this.dim = d;
        this.dtype = mean.dtype();
        this.mean = mean.toDoubleArray();
        for (double v : this.mean) {
            Energies.finite(WHO, "mean entry", v);
        }
        double symTol = dtype == DType.FLOAT32 ? 1e-6 : 1e-12;
        double[] m = matrix.contiguous().toDoubleArray();
        double[] lm = Energies.cholesky(WHO, what, m, d, symTol);
        double[] inv = Energies.inverseFromCholesky(lm, d);
        if (isPrecision) {
            this.precision = symmetrised(m, d);
            this.covariance = inv;
            this.covCholesky = Energies.cholesky(WHO, "covariance (inverse of the precision)", inv, d, 1e-9);
            this.logDetCovariance = -Energies.logDetFromCholesky(lm, d);
        } else {
            this.covariance = symmetrised(m, d);
            this.precision = inv;
            this.covCholesky = lm;
            this.logDetCovariance = Energies.logDetFromCholesky(lm, d);
        }
        this.meanConst = new Energies.Constant(this.mean, d);
        this.precisionConst = new Energies.Constant(this.precision, d, d);
    }

    private static double[] symmetrised(double[] a, int n) {
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i]);
            }
        }
        return s;
    }

    /**
     * {@code E(x) = ½ (x − μ)ᵀ Λ (x − μ)} per row of {@code x: [B, D]}, giving {@code [B]} (the
     * Gaussian energy of ebm-reference); its score is {@code −Λ (x − μ)}.
     */
    @Override
    public Var energy(Var x) {
        Energies.checkBatch(WHO, x, dim, 1);
        Var diff = x.sub(meanConst.like(x));
        return diff.matmul(precisionConst.like(x)).mul(diff).sum(1).mul(0.5);
    }

    /** The dimension {@code D}. */
    public int dim() {
        return dim;
    }

    /** {@code μ}, {@code [D]}, in the dtype of the constructor's mean, on the host (as are {@link #covariance()} and {@link #precision()}). */
    public Tensor mean() {
        return Tensor.of(dtype, mean, dim);
    }

    /** {@code C}, {@code [D, D]}. */
    public Tensor covariance() {
        return Tensor.of(dtype, covariance, dim, dim);
    }

    /** {@code Λ = C⁻¹}, {@code [D, D]}. */
    public Tensor precision() {
        return Tensor.of(dtype, precision, dim, dim);
    }

    /**
     * {@code log Z = ∫ exp(−E) dx = (D/2) log 2π + ½ log det C}, so that
     * {@code log p(x) = −E(x) − log Z} (ebm-reference, "Densities, energies, scores").
     */
    public double logPartition() {
        return 0.5 * dim * Math.log(2 * Math.PI) + 0.5 * logDetCovariance;
    }

    /**
     * {@code n} exact draws {@code x = μ + L ξ} ({@code L Lᵀ = C}, {@code ξ ~ N(0, I)} from
     * {@code rng}), {@code [n, D]} in the mean's dtype, on the stream's device.
     */
    public Tensor sample(int n, RandomStream rng) {
        if (n < 0) {
            throw new IllegalArgumentException(WHO + ": sample count must be ≥ 0, got " + n);
        }
        Tensor xi = rng.normal(dtype, n, dim);
        Tensor lT = Tensor.of(dtype, transpose(covCholesky, dim), dim, dim).to(xi.device());
        return xi.matmul(lT).add(Tensor.of(dtype, mean, dim).to(xi.device()));
    }

    private static double[] transpose(double[] a, int n) {
        double[] t = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                t[j * n + i] = a[i * n + j];
            }
        }
        return t;
    }

    @Override
    public String toString() {
        return WHO + "(D=" + dim + ", " + dtype + ")";
    }
}
