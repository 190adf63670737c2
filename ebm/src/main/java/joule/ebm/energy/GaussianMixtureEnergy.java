package joule.ebm.energy;

import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * A mixture of isotropic Gaussians,
 * {@code E(x) = −log Σ_k w_k N(x; μ_k, σ_k² I)}, computed stably as
 * {@code −logsumexp_k [log w_k − (D/2) log(2π σ_k²) − ‖x − μ_k‖² / (2σ_k²)]}.
 * This energy is normalised ({@code Z = 1}, so {@code E = −log p}); its score is
 * {@code s(x) = Σ_k r_k(x) (μ_k − x)/σ_k²} with responsibilities {@code r_k ∝ w_k N(x; μ_k, σ_k² I)}
 * (ebm-reference, "Densities, energies, scores").
 *
 * <p>The weights must be positive; they are normalised to sum to 1. Parameters keep the dtype of
 * {@code means} (used by {@link #sample}); {@link #energy(Var)} computes in the dtype of {@code x}.
 */
public final class GaussianMixtureEnergy implements Energy {
    private static final String WHO = "GaussianMixtureEnergy";

    private final int components;
    private final int dim;
    private final DType dtype;
    private final double[] weights;
    private final double[] means;
    private final double[] stds;
    private final Energies.Constant meansConst;
    private final Energies.Constant offsetConst;
    private final Energies.Constant inverseTwoVarConst;

    /**
     * {@code weights [K]} (positive, normalised here), {@code means [K, D]}, {@code stds [K]}
     * (the per-component isotropic standard deviations {@code σ_k > 0}); all of one dtype.
     */
    public GaussianMixtureEnergy(Tensor weights, Tensor means, Tensor stds) {
        if (means.rank() != 2 || means.size(0) < 1 || means.size(1) < 1) {
            throw new IllegalArgumentException(WHO + ": means must be [K, D] with K, D ≥ 1, got "
                    + Shapes.format(means.shape()));
        }
        int k = means.size(0);
        int d = means.size(1);
        if (weights.rank() != 1 || weights.size(0) != k) {
            throw new IllegalArgumentException(WHO + ": weights must be [" + k + "] for means " + Shapes.format(means.shape())
                    + ", got " + Shapes.format(weights.shape()));
        }
        if (stds.rank() != 1 || stds.size(0) != k) {
            throw new IllegalArgumentException(WHO + ": stds must be [" + k + "] for means " + Shapes.format(means.shape())
                    + ", got " + Shapes.format(stds.shape()));
        }
        if (weights.dtype() != means.dtype() || stds.dtype() != means.dtype()) {
            throw new IllegalArgumentException(WHO + ": weights, means and stds must share a dtype, got "
                    + weights.dtype() + ", " + means.dtype() + ", " + stds.dtype());
        }
        this.components = k;
        this.dim = d;
        this.dtype = means.dtype();
        double[] w = weights.toDoubleArray();
        double total = 0;
        for (int i = 0; i < k; i++) {
            Energies.positive(WHO, "weight " + i, w[i]);
            total += w[i];
        }
        for (int i = 0; i < k; i++) {
            w[i] /= total;
        }
        this.weights = w;
        this.means = means.contiguous().toDoubleArray();
        for (double v : this.means) {
            Energies.finite(WHO, "mean entry", v);
        }
        this.stds = stds.toDoubleArray();
        double[] offset = new double[k];
        double[] inv2v = new double[k];
        for (int i = 0; i < k; i++) {
            double s = Energies.positive(WHO, "std " + i, this.stds[i]);
            offset[i] = Math.log(w[i]) - 0.5 * d * Math.log(2 * Math.PI * s * s);
            inv2v[i] = 1 / (2 * s * s);
        }
        this.meansConst = new Energies.Constant(this.means, k, d);
        this.offsetConst = new Energies.Constant(offset, k);
        this.inverseTwoVarConst = new Energies.Constant(inv2v, k);
    }

    /**
     * {@code E(x) = −logsumexp_k [log w_k − (D/2) log(2πσ_k²) − ‖x − μ_k‖²/(2σ_k²)]} per row of
     * {@code x: [B, D]}, giving {@code [B]} ({@code = −log p(x)}, the mixture density above).
     */
    @Override
    public Var energy(Var x) {
        Energies.checkBatch(WHO, x, dim, 1);
        Var sq = x.unsqueeze(1).sub(meansConst.like(x)).square().sum(2);            // [B, K]
        Var logits = offsetConst.like(x).sub(sq.mul(inverseTwoVarConst.like(x)));   // [B, K]
        return logits.logsumexp(new int[] {1}, false).neg();
    }

    /** The number of components {@code K}. */
    public int components() {
        return components;
    }

    /** The dimension {@code D}. */
    public int dim() {
        return dim;
    }

    /** The normalised weights {@code w}, {@code [K]}. */
    public Tensor weights() {
        return Tensor.of(dtype, weights, components);
    }

    /** The means {@code μ}, {@code [K, D]}. */
    public Tensor means() {
        return Tensor.of(dtype, means, components, dim);
    }

    /** The standard deviations {@code σ}, {@code [K]}. */
    public Tensor stds() {
        return Tensor.of(dtype, stds, components);
    }

    /**
     * {@code n} exact draws, {@code [n, D]}: a component {@code k ~ w} from one uniform, then
     * {@code x = μ_k + σ_k ξ}, {@code ξ ~ N(0, I)} (both from {@code rng}); computed on the host,
     * returned on the stream's device.
     */
    public Tensor sample(int n, RandomStream rng) {
        if (n < 0) {
            throw new IllegalArgumentException(WHO + ": sample count must be ≥ 0, got " + n);
        }
        double[] u = rng.uniform(Device.CPU, DType.FLOAT64, n).toDoubleArray();
        double[] xi = rng.normal(Device.CPU, DType.FLOAT64, n, dim).toDoubleArray();
        double[] out = new double[n * dim];
        for (int i = 0; i < n; i++) {
            int c = 0;
            double cum = weights[0];
            while (c < components - 1 && u[i] >= cum) {
                c++;
                cum += weights[c];
            }
            for (int j = 0; j < dim; j++) {
                out[i * dim + j] = means[c * dim + j] + stds[c] * xi[i * dim + j];
            }
        }
        return Tensor.of(dtype, out, n, dim).to(rng.device());
    }

    @Override
    public String toString() {
        return WHO + "(K=" + components + ", D=" + dim + ", " + dtype + ")";
    }
}
