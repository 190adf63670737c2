package joule.ebm.loss;

import joule.tensor.Shapes;
import joule.tensor.Tensor;

/** Checks shared by the losses. */
final class Losses {
    private Losses() {
    }

    static void checkBatch(String loss, Tensor batch) {
        if (batch == null) {
            throw new IllegalArgumentException(loss + ": batch must not be null");
        }
        if (batch.rank() != 2 || batch.size(0) == 0 || batch.size(1) == 0) {
            throw new IllegalArgumentException(loss + ": expected a non-empty data batch [B, D], got "
                    + Shapes.format(batch.shape()));
        }
    }

    /** A batch of samples of any shape, {@code [B, …]} (images {@code [B, C, H, W]}), none empty. */
    static void checkSamples(String loss, Tensor batch) {
        if (batch == null) {
            throw new IllegalArgumentException(loss + ": batch must not be null");
        }
        if (batch.rank() < 2 || batch.numel() == 0) {
            throw new IllegalArgumentException(loss + ": expected a non-empty data batch [B, D] or [B, …], got "
                    + Shapes.format(batch.shape()));
        }
    }

    /** Given noise {@code what}: the batch's shape, dtype and device. */
    static void checkNoise(String loss, String what, Tensor noise, Tensor batch) {
        if (noise == null || !java.util.Arrays.equals(noise.shape(), batch.shape()) || noise.dtype() != batch.dtype()
                || noise.device() != batch.device()) {
            throw new IllegalArgumentException(loss + ": noise " + what + " should be " + Shapes.format(batch.shape())
                    + " " + batch.dtype() + " on " + batch.device() + " like the batch, got " + (noise == null ? "null"
                    : Shapes.format(noise.shape()) + " " + noise.dtype() + " on " + noise.device()));
        }
    }

    /** {@code value}, or an {@link IllegalArgumentException} saying that {@code loss}'s {@code what} is null. */
    static <T> T required(String loss, String what, T value) {
        if (value == null) {
            throw new IllegalArgumentException(loss + ": " + what + " must not be null");
        }
        return value;
    }
}
