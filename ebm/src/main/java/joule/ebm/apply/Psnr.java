package joule.ebm.apply;

import java.util.Arrays;
import joule.tensor.DType;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/** Peak signal-to-noise ratio {@code 10 log₁₀(R² / MSE)}, {@code R} the data range (2 for {@code [−1, 1]}; ebm-reference, "Applications"). */
public final class Psnr {
    private Psnr() {
    }

    /** PSNR of {@code estimate} against {@code truth} (same shape), MSE over all values, in dB. */
    public static double of(Tensor estimate, Tensor truth, double range) {
        check(estimate, truth, range);
        double mse = estimate.to(DType.FLOAT64).sub(truth.to(DType.FLOAT64)).square().mean().item();
        return 10 * Math.log10(range * range / mse);
    }

    /**
     * PSNR over the values where {@code mask} (same shape as the data, or of one row, broadcast over the rows) is 0:
     * the coordinates an inpainting filled in.
     */
    public static double ofMissing(Tensor estimate, Tensor truth, Tensor mask, double range) {
        check(estimate, truth, range);
        Tensor missing = Masks.broadcast("Psnr", mask, truth).to(DType.FLOAT64).neg().add(1);
        double count = missing.sum().item();
        Tensor diff = estimate.to(DType.FLOAT64).sub(truth.to(DType.FLOAT64));
        double mse = diff.square().mul(missing).sum().item() / count;
        return 10 * Math.log10(range * range / mse);
    }

    private static void check(Tensor estimate, Tensor truth, double range) {
        if (!Arrays.equals(estimate.shape(), truth.shape())) {
            throw new IllegalArgumentException("Psnr: estimate " + Shapes.format(estimate.shape()) + " and truth "
                    + Shapes.format(truth.shape()) + " must have the same shape");
        }
        Rows.positive("Psnr", "range", range);
    }
}
