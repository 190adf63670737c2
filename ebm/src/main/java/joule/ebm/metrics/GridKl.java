package joule.ebm.metrics;

import joule.ebm.energy.Energy;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * {@code KL(p_data ‖ p_θ)} for 2-D models, on a regular {@code cells × cells} grid over a
 * {@link Box}.
 *
 * <p>The model: {@code p_θ ∝ exp(−E(x))} evaluated at the cell centres and normalised numerically
 * over the grid, {@code log p_θ(c_k) = −E(c_k) − logsumexp_l(−E(c_l)) − log ΔA} ({@code ΔA} the
 * cell area); cell {@code k} gets probability {@code Q_k = exp(−E(c_k))/Σ_l exp(−E(c_l))}
 * (midpoint rule). The data: a histogram of the points on the same grid with a pseudo-count
 * {@code ε} per cell, {@code P_k = (count_k + ε)/(N_in + K ε)} over the {@code K = cells²} cells
 * ({@code N_in}: points inside the box; points outside are left out, so choose a box holding the
 * data). The result is {@code Σ_k P_k (log P_k − log Q_k)}, the KL divergence between the two
 * piecewise-constant densities (the cell area cancels), with {@code 0 · log 0 = 0}.
 *
 * <p>Errors: with {@code N} data points and {@code K'} occupied cells the histogram adds a
 * positive bias of about {@code (K' − 1)/(2N)}; the grid adds a discretisation error of order
 * {@code Δ²} times the density's curvature; mass of {@code p_θ} outside the box is ignored.
 */
public final class GridKl {
    /** Default pseudo-count per cell, small enough not to matter beside any real count. */
    public static final double DEFAULT_SMOOTHING = 1e-6;
    /** Grid points per energy evaluation. */
    static final int ENERGY_BATCH = 1 << 16;

    private GridKl() {
    }

    /**
     * {@code KL(p_data ‖ p_θ)} with the {@link #DEFAULT_SMOOTHING}; {@code data: [N, 2]}, whose
     * dtype and device the grid points get when passed to the energy.
     */
    public static double gridKl(Energy energy, Tensor data, Box box, int cells) {
        return gridKl(energy, data, box, cells, DEFAULT_SMOOTHING);
    }

    /** {@code KL(p_data ‖ p_θ)} with pseudo-count {@code smoothing ≥ 0} per cell; {@code data: [N, 2]}. */
    public static double gridKl(Energy energy, Tensor data, Box box, int cells, double smoothing) {
        if (!(smoothing >= 0) || !Double.isFinite(smoothing)) {
            throw new IllegalArgumentException("gridKl: smoothing must be finite and ≥ 0, got " + smoothing);
        }
        double[] p = histogram(data, box, cells, smoothing);
        double[] logQ = logDensity(energy, box, cells, data.dtype(), data.device()).add(Math.log(box.cellArea(cells)))
                .toDoubleArray();
        double kl = 0;
        for (int k = 0; k < p.length; k++) {
            if (p[k] > 0) {
                kl += p[k] * (Math.log(p[k]) - logQ[k]);
            }
        }
        return kl;
    }

    /**
     * {@code log p_θ} at the cell centres, normalised on the grid ({@code Σ_k exp(·)·ΔA = 1}),
     * {@code [cells, cells]} float64 indexed {@code [i, j]} (x, y), for plots and for
     * {@link #gridKl}, on {@code device}; the energy sees the centres as {@code [B, 2]} of
     * {@code dtype} on {@code device}.
     */
    public static Tensor logDensity(Energy energy, Box box, int cells, DType dtype, Device device) {
        Box.checkCells("logDensity", cells);
        Tensor centres = box.cellCentres(cells, dtype).to(device);
        int total = cells * cells;
        Tensor[] parts = new Tensor[(total + ENERGY_BATCH - 1) / ENERGY_BATCH];
        for (int b = 0; b < parts.length; b++) {
            int start = b * ENERGY_BATCH;
            int len = Math.min(ENERGY_BATCH, total - start);
            Tensor e = energy.energy(centres.narrow(0, start, len));
            if (e.rank() != 1 || e.size(0) != len) {
                throw new IllegalArgumentException("logDensity: energy of a [" + len + ", 2] batch must be [" + len
                        + "], got " + Shapes.format(e.shape()));
            }
            parts[b] = e.to(DType.FLOAT64);
        }
        Tensor negE = (parts.length == 1 ? parts[0] : Tensor.cat(0, parts)).neg();
        double worst = negE.max(new int[0], false).item();
        if (Double.isNaN(worst) || worst == Double.POSITIVE_INFINITY || worst == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("logDensity: the energy is NaN, −∞ somewhere or +∞ everywhere on the grid"
                    + " (max −E = " + worst + ")");
        }
        Tensor logZ = negE.logsumexp(0);
        return negE.sub(logZ).sub(Math.log(box.cellArea(cells))).reshape(cells, cells);
    }

    /**
     * Cell probabilities {@code P_k = (count_k + ε)/(N_in + Kε)} of the points inside the box,
     * {@code [cells²]} in flat-index order.
     */
    static double[] histogram(Tensor data, Box box, int cells, double smoothing) {
        Box.checkCells("gridKl", cells);
        if (data.rank() != 2 || data.size(1) != 2) {
            throw new IllegalArgumentException("gridKl: data must be [N, 2], got shape " + Shapes.format(data.shape()));
        }
        double[] xy = data.toDoubleArray();
        int n = data.size(0);
        double[] p = new double[cells * cells];
        int inside = 0;
        for (int i = 0; i < n; i++) {
            double x = xy[2 * i];
            double y = xy[2 * i + 1];
            if (Double.isNaN(x) || Double.isNaN(y)) {
                throw new IllegalArgumentException("gridKl: data point " + i + " is (" + x + ", " + y + ")");
            }
            int k = box.cellOf(x, y, cells);
            if (k >= 0) {
                p[k]++;
                inside++;
            }
        }
        if (inside == 0) {
            throw new IllegalArgumentException("gridKl: none of the " + n + " data points lies in " + box);
        }
        double norm = inside + smoothing * p.length;
        for (int k = 0; k < p.length; k++) {
            p[k] = (p[k] + smoothing) / norm;
        }
        return p;
    }
}
