package joule.ebm.loss;

import joule.tensor.Shapes;
import joule.tensor.Tensor;

/** Checks shared by the losses. */
final class Losses {
    private Losses() {
    }

    static void checkBatch(String loss, Tensor batch) {
        if (batch.rank() != 2 || batch.size(0) == 0 || batch.size(1) == 0) {
            throw new IllegalArgumentException(loss + ": expected a non-empty data batch [B, D], got "
                    + Shapes.format(batch.shape()));
        }
    }

    /** A batch of samples of any shape, {@code [B, …]} (images {@code [B, C, H, W]}), none empty. */
    static void checkSamples(String loss, Tensor batch) {
        if (batch.rank() < 2 || batch.numel() == 0) {
            throw new IllegalArgumentException(loss + ": expected a non-empty data batch [B, D] or [B, …], got "
                    + Shapes.format(batch.shape()));
        }
    }
}
