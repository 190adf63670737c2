package joule.ebm.train;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Mini-batches of a data set: each epoch is a fresh seeded shuffle, cut into consecutive batches.
 * The shuffle is done on a host copy of the data, and each epoch goes to the data's device in one
 * transfer (rather than one copy per row there).
 */
final class Batches {
    private final Tensor data;
    private final Tensor host;
    private final int batchSize;
    private final RandomStream rng;
    private Tensor epoch;
    private int next;

    Batches(Tensor data, int batchSize, RandomStream rng) {
        this.data = data;
        this.host = data.to(Device.CPU);
        this.batchSize = Math.min(batchSize, data.size(0));
        this.rng = rng;
    }

    Tensor next() {
        if (epoch == null || next + batchSize > epoch.size(0)) {
            epoch = host.indexSelect(0, permutation(data.size(0))).to(data.device());
            next = 0;
        }
        Tensor batch = epoch.narrow(0, next, batchSize);
        next += batchSize;
        return batch;
    }

    private int[] permutation(int n) {
        double[] keys = rng.uniform(Device.CPU, DType.FLOAT64, n).toDoubleArray();
        return IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(i -> keys[i]))
                .mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String toString() {
        return "Batches(" + Arrays.toString(data.shape()) + ", " + batchSize + ")";
    }
}
