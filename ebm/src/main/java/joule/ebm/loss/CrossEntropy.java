package joule.ebm.loss;

import joule.autograd.Var;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * Cross-entropy of a classifier's logits against class labels, the mean over the batch of the
 * negative log-softmax at the true class (PyTorch's {@code F.cross_entropy} with
 * {@code reduction="mean"}):
 *
 * <pre>
 * L = (1/B) Σ_b [ logsumexp_c z_{b,c} − z_{b,y_b} ]
 * </pre>
 *
 * A supervised loss (it takes labels), so not a {@link Loss}; it is composed of {@code Var} ops
 * (the stable {@link Var#logsumexp} and a one-hot mask), so it has gradients of every order:
 * {@code ∂L/∂z = (softmax(z) − onehot(y))/B}.
 */
public final class CrossEntropy {
    private static final int[] CLASS_AXIS = {1};
    private CrossEntropy() {
    }

    /**
     * The mean cross-entropy, a 0-d Var.
     *
     * @param logits {@code [B, C]}, {@code B, C ≥ 1}
     * @param labels {@code [B]} class indices {@code 0..C−1} as values of any dtype, on the logits' device
     * @throws IllegalArgumentException for other shapes, another device, or a label that is not
     *     an integer in {@code 0..C−1} (one host read checks the labels)
     */
    public static Var loss(Var logits, Tensor labels) {
        Tensor oneHot = oneHot(labels, logits.value());
        Var picked = logits.mul(Var.constant(oneHot)).sum(CLASS_AXIS, false);
        return logits.logsumexp(CLASS_AXIS, false).sub(picked).mean();
    }

    /** {@code [B, C]}: 1 at {@code (b, labels[b])}, else 0, in the dtype and on the device of {@code logits}. */
    static Tensor oneHot(Tensor labels, Tensor logits) {
        if (logits.rank() != 2 || logits.size(0) < 1 || logits.size(1) < 1) {
            throw new IllegalArgumentException("crossEntropy: logits must be [B, C] with B, C ≥ 1, got "
                    + Shapes.format(logits.shape()));
        }
        if (labels.rank() != 1 || labels.size(0) != logits.size(0)) {
            throw new IllegalArgumentException("crossEntropy: labels must be [B] = [" + logits.size(0) + "] for logits "
                    + Shapes.format(logits.shape()) + ", got " + Shapes.format(labels.shape()));
        }
        if (labels.device() != logits.device()) {
            throw new IllegalArgumentException("crossEntropy: labels on " + labels.device() + " and logits on "
                    + logits.device() + " (move one with to(Device))");
        }
        int classes = logits.size(1);
        Tensor classIndex = Tensor.arange(logits.dtype(), classes).to(logits.device()).reshape(1, classes);
        Tensor asLogits = labels.to(logits.dtype());
        Tensor oneHot = asLogits.reshape(labels.size(0), 1).eq(classIndex);
        double fewestHits = oneHot.sum(CLASS_AXIS, false).min(new int[0], false).item();
        if (fewestHits != 1) {
            double[] values = asLogits.toDoubleArray();
            for (int b = 0; b < values.length; b++) {
                double y = values[b];
                if (!(y >= 0 && y < classes && y == Math.rint(y))) {
                    throw new IllegalArgumentException("crossEntropy: label " + y + " at index " + b
                            + " is not a class index 0.." + (classes - 1));
                }
            }
        }
        return oneHot;
    }
}
