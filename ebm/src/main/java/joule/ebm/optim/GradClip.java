package joule.ebm.optim;

import java.util.List;
import joule.ebm.nn.Parameter;
import joule.tensor.DType;
import joule.tensor.Tensor;

/** Gradient clipping, as {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradClip {
    private GradClip() {
    }

    /**
     * The Euclidean norm of all gradients together (summed in float64 on their device, read back
     * once); parameters without a gradient are skipped.
     */
    public static double globalNorm(List<Parameter> parameters) {
        Tensor squares = null;
        for (Parameter p : parameters) {
            if (p.grad() != null) {
                Tensor s = p.grad().to(DType.FLOAT64).square().sum();
                squares = squares == null ? s : squares.add(s);
            }
        }
        return squares == null ? 0 : Math.sqrt(squares.item());
    }

    /**
     * Scales every gradient by {@code min(1, maxNorm / (‖g‖ + 1e-6))}, where {@code ‖g‖} is the
     * Euclidean norm of all gradients together (parameters without a gradient are skipped). Below
     * {@code maxNorm} nothing changes. As PyTorch (with {@code error_if_nonfinite = false}), a
     * non-finite norm is returned and makes the scaled gradients non-finite.
     *
     * @return the total norm before clipping
     */
    public static double clipByGlobalNorm(List<Parameter> parameters, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("clipByGlobalNorm: maxNorm must be > 0, got " + maxNorm);
        }
        double total = globalNorm(parameters);
        double scale = maxNorm / (total + 1e-6);
        if (!(scale >= 1)) {
            for (Parameter p : parameters) {
                Tensor g = p.grad();
                if (g != null) {
                    p.setGrad(g.mul(scale));
                }
            }
        }
        return total;
    }
}
