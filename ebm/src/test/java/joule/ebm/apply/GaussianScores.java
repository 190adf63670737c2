package joule.ebm.apply;

import joule.autograd.Var;
import joule.ebm.energy.ScoreNetwork;
import joule.tensor.DType;
import joule.tensor.Tensor;

/**
 * The exact noise-conditional score of a 2-D Gaussian {@code N(μ, C)} smoothed by {@code N(0, σ² I)}:
 * {@code s(x, σ) = −(C + σ² I)⁻¹ (x − μ)}, a test oracle for denoising and inpainting.
 */
record GaussianScores(double[] mean, double[][] cov) implements ScoreNetwork {
    @Override
    public Var score(Var x, Var sigma) {
        return Var.constant(score(x.value(), sigma.value()));
    }

    @Override
    public Tensor score(Tensor x, Tensor sigma) {
        double[] v = x.to(DType.FLOAT64).toDoubleArray();
        double[] s = sigma.to(DType.FLOAT64).toDoubleArray();
        double[] out = new double[v.length];
        for (int b = 0; b < s.length; b++) {
            double a = cov[0][0] + s[b] * s[b];
            double d = cov[1][1] + s[b] * s[b];
            double c = cov[0][1];
            double det = a * d - c * c;
            double u0 = v[2 * b] - mean[0];
            double u1 = v[2 * b + 1] - mean[1];
            out[2 * b] = -(d * u0 - c * u1) / det;
            out[2 * b + 1] = -(-c * u0 + a * u1) / det;
        }
        return Tensor.of(x.dtype(), out, x.shape());
    }
}
