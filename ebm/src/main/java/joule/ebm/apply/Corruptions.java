package joule.ebm.apply;

import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * Anomalies made from normal inputs, for measuring anomaly scores: images with a fraction of their pixels replaced
 * by uniform noise, images flipped upside down, and uniform points away from a point cloud. Random numbers come from
 * the given stream in a fixed order.
 */
public final class Corruptions {
    private static final String WHO = "Corruptions";

    private Corruptions() {
    }

    /**
     * {@code images: [B, …]} (values in {@code [lo, hi]}) with each value replaced, with probability {@code fraction},
     * by a uniform draw from {@code [lo, hi]}; draws: one uniform per value for the choice, then one per value for the
     * noise.
     */
    public static Tensor pixelNoise(Tensor images, double fraction, double lo, double hi, RandomStream rng) {
        Rows.checkBatch(WHO + ".pixelNoise", images);
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException(WHO + ".pixelNoise: fraction must be in (0, 1], got " + fraction);
        }
        Tensor replace = rng.uniform(images.device(), images.dtype(), images.shape()).lt(fraction).to(images.dtype());
        Tensor noise = rng.uniform(images.device(), lo, hi, images.dtype(), images.shape());
        return images.mul(replace.neg().add(1)).add(noise.mul(replace));
    }

    /** {@code images: [B, C, H, W]} upside down (row {@code r} becomes row {@code H − 1 − r}). */
    public static Tensor flipVertically(Tensor images) {
        if (images.rank() != 4) {
            throw new IllegalArgumentException(WHO + ".flipVertically: images must be [B, C, H, W], got "
                    + Shapes.format(images.shape()));
        }
        int h = images.size(2);
        Tensor[] rows = new Tensor[h];
        for (int r = 0; r < h; r++) {
            rows[r] = images.narrow(2, h - 1 - r, 1);
        }
        return Tensor.cat(2, rows);
    }

    /**
     * {@code n} points {@code [n, D]} uniform in the bounding box of {@code data: [N, D]} widened by {@code margin} on each
     * side, keeping only those farther than {@code minDistance} (Euclidean) from every row of {@code data}: inputs off
     * the data's manifold. Candidates are drawn {@code n} at a time until enough are kept.
     */
    public static Tensor uniformAwayFrom(Tensor data, int n, double margin, double minDistance, RandomStream rng) {
        Rows.checkBatch(WHO + ".uniformAwayFrom", data);
        if (data.rank() != 2 || n < 1 || !(margin >= 0) || !(minDistance >= 0)) {
            throw new IllegalArgumentException(WHO + ".uniformAwayFrom: need data [N, D], n ≥ 1, margin ≥ 0 and "
                    + "minDistance ≥ 0, got " + Shapes.format(data.shape()) + ", " + n + ", " + margin + ", " + minDistance);
        }
        int d = data.size(1);
        int rows = data.size(0);
        double[] x = data.to(DType.FLOAT64).toDoubleArray();
        double[] lo = new double[d];
        double[] hi = new double[d];
        java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < d; j++) {
                lo[j] = Math.min(lo[j], x[i * d + j]);
                hi[j] = Math.max(hi[j], x[i * d + j]);
            }
        }
        double[] out = new double[n * d];
        int kept = 0;
        for (int round = 0; kept < n; round++) {
            if (round == 1000) {
                throw new IllegalArgumentException(WHO + ".uniformAwayFrom: after 1000 rounds only " + kept + " of " + n
                        + " points lie farther than " + minDistance + " from the data; lower minDistance");
            }
            double[] u = rng.uniform(DType.FLOAT64, n, d).toDoubleArray();
            for (int c = 0; c < n && kept < n; c++) {
                for (int j = 0; j < d; j++) {
                    out[kept * d + j] = lo[j] - margin + u[c * d + j] * (hi[j] - lo[j] + 2 * margin);
                }
                if (farFrom(out, kept, x, rows, d, minDistance)) {
                    kept++;
                }
            }
        }
        return Tensor.of(data.dtype(), out, n, d).to(data.device());
    }

    private static boolean farFrom(double[] p, int k, double[] x, int rows, int d, double minDistance) {
        for (int i = 0; i < rows; i++) {
            double sq = 0;
            for (int j = 0; j < d; j++) {
                double diff = p[k * d + j] - x[i * d + j];
                sq += diff * diff;
            }
            if (sq <= minDistance * minDistance) {
                return false;
            }
        }
        return true;
    }
}
