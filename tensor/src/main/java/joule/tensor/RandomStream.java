package joule.tensor;

import joule.tensor.random.Distribution;
import joule.tensor.random.PhiloxSampler;

/**
 * A seeded source of random tensors: a Philox4x32-10 stream {@code (seed, offset)} whose offset
 * advances past the counters each draw uses, so consecutive draws never overlap and the same seed
 * gives the same sequence of tensors on any thread count (and, by design, on any device).
 *
 * <p>Not thread-safe: give each thread its own stream (for example with distinct seeds).
 */
public final class RandomStream {
    private final long seed;
    private final Device device;
    private long offset;

    /** A stream on the CPU starting at offset 0. */
    public RandomStream(long seed) {
        this(seed, 0, Device.CPU);
    }

    /** A stream starting at {@code offset} that creates tensors on {@code device}. */
    public RandomStream(long seed, long offset, Device device) {
        if (offset < 0) {
            throw new IllegalArgumentException("RandomStream: negative offset " + offset);
        }
        this.seed = seed;
        this.offset = offset;
        this.device = device;
    }

    /** The seed (the Philox key). */
    public long seed() {
        return seed;
    }

    /** The counter the next draw starts at. */
    public long offset() {
        return offset;
    }

    /** Standard normal values N(0, 1). */
    public Tensor normal(DType dtype, int... shape) {
        return draw(Distribution.NORMAL, dtype, shape);
    }

    /** Uniform values on [0, 1). */
    public Tensor uniform(DType dtype, int... shape) {
        return draw(Distribution.UNIFORM, dtype, shape);
    }

    /** Uniform values on [lo, hi) (the bounds come first, so that integer bounds can't be read as a shape). */
    public Tensor uniform(double lo, double hi, DType dtype, int... shape) {
        if (!(lo < hi) || !Double.isFinite(hi - lo)) {
            throw new IllegalArgumentException("uniform: need finite lo < hi, got lo=" + lo + " hi=" + hi);
        }
        return uniform(dtype, shape).mul(hi - lo).add(lo);
    }

    /** Rademacher values: -1 or +1 with probability ½ each. */
    public Tensor rademacher(DType dtype, int... shape) {
        return draw(Distribution.RADEMACHER, dtype, shape);
    }

    private Tensor draw(Distribution distribution, DType dtype, int[] shape) {
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(distribution.name().toLowerCase(java.util.Locale.ROOT)
                        + ": negative size in shape " + Shapes.format(shape));
            }
        }
        Tensor t = Backends.of(device).random(distribution, dtype, shape.clone(), seed, offset);
        offset += PhiloxSampler.blocks(distribution, dtype == DType.FLOAT64, Shapes.numel(shape));
        return t;
    }
}
