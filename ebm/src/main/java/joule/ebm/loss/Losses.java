package joule.ebm.loss;

import joule.tensor.Shapes;
import joule.tensor.Tensor;

/** Checks and small tensors shared by the losses. */
final class Losses {
    private Losses() {
    }

    static void checkBatch(String loss, Tensor batch) {
        if (batch.rank() != 2 || batch.size(0) == 0 || batch.size(1) == 0) {
            throw new IllegalArgumentException(loss + ": expected a non-empty data batch [B, D], got "
                    + Shapes.format(batch.shape()));
        }
    }

    /** {@code [B, D]} with ones in column {@code i}: coordinate vector {@code e_i} for every sample, made on the batch's device. */
    static Tensor coordinate(Tensor batch, int i) {
        int d = batch.size(1);
        return batch.scalarLike(1).reshape(1).sliceScatter(new int[] {d}, 0, i, i + 1, 1).expand(batch.size(0), d);
    }
}
