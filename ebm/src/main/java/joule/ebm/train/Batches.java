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
 * transfer (rather than one copy per row there). Its position ({@link #epochStart}, {@link #position}) is all
 * a resumed run needs to continue with the same batches: the epoch's shuffle is redrawn from the stream's offset.
 */
final class Batches {
    private final Tensor data;
    private final Tensor host;
    private final int batchSize;
    private final RandomStream rng;
    private Tensor epoch;
    private long epochStart;
    private int next;

    Batches(Tensor data, int batchSize, RandomStream rng) {
        this.data = data;
        this.host = data.to(Device.CPU);
        this.batchSize = Math.min(batchSize, data.size(0));
        this.rng = rng;
    }

    Tensor next() {
        if (epoch == null || next + batchSize > epoch.size(0)) {
            epochStart = rng.offset();
            epoch = shuffled(rng);
            next = 0;
        }
        Tensor batch = epoch.narrow(0, next, batchSize);
        next += batchSize;
        return batch;
    }

    /** The stream offset the current epoch's shuffle was drawn at. */
    long epochStart() {
        return epochStart;
    }

    /** Rows of the current epoch handed out so far; -1 before the first batch. */
    int position() {
        return epoch == null ? -1 : next;
    }

    /** Continues as a twin whose {@link #epochStart} and {@link #position} these were, over the same data and stream seed. */
    void restore(long start, int at) {
        if (at < -1 || at > data.size(0)) {
            throw new IllegalArgumentException("Trainer: batch position " + at + " outside the " + data.size(0) + " rows");
        }
        epochStart = start;
        epoch = at < 0 ? null : shuffled(new RandomStream(rng.seed(), start, Device.CPU));
        next = Math.max(at, 0);
    }

    private Tensor shuffled(RandomStream from) {
        return host.indexSelect(0, permutation(from, data.size(0))).to(data.device());
    }

    private static int[] permutation(RandomStream rng, int n) {
        double[] keys = rng.uniform(Device.CPU, DType.FLOAT64, n).toDoubleArray();
        return IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(i -> keys[i]))
                .mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String toString() {
        return "Batches(" + Arrays.toString(data.shape()) + ", " + batchSize + ")";
    }
}
