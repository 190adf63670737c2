package joule.tensor;

import joule.tensor.random.Distribution;
import joule.tensor.random.PhiloxSampler;

/**
 * A seeded source of random tensors: a Philox4x32-10 stream {@code (seed, offset)} whose offset
 * advances past the counters each draw uses, so consecutive draws never overlap and the same seed
 * gives the same sequence of tensors on any thread count (and, by design, on any device).
 *
 * <p>Each draw can name the device its tensor is created on, so code that draws noise for some
 * data draws it where the data lives ({@code rng.normal(x.device(), x.dtype(), x.shape())}); draws
 * that name none use the stream's own device. Where a tensor lands changes none of the numbers nor
 * the offsets.
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

    /** The device that draws without a device of their own create tensors on. */
    public Device device() {
        return device;
    }

    /** Standard normal values N(0, 1), on this stream's device. */
    public Tensor normal(DType dtype, int... shape) {
        return normal(device, dtype, shape);
    }

    /** Standard normal values N(0, 1), on {@code device} (the numbers are the same on any device). */
    public Tensor normal(Device device, DType dtype, int... shape) {
        return draw(Distribution.NORMAL, device, dtype, shape);
    }

    /** Uniform values on [0, 1), on this stream's device. */
    public Tensor uniform(DType dtype, int... shape) {
        return uniform(device, dtype, shape);
    }

    /** Uniform values on [0, 1), on {@code device}. */
    public Tensor uniform(Device device, DType dtype, int... shape) {
        return draw(Distribution.UNIFORM, device, dtype, shape);
    }

    /**
     * Uniform values on [lo, hi), on this stream's device (the bounds come first, so that integer
     * bounds can't be read as a shape).
     */
    public Tensor uniform(double lo, double hi, DType dtype, int... shape) {
        return uniform(device, lo, hi, dtype, shape);
    }

    /** Uniform values on [lo, hi), on {@code device}. */
    public Tensor uniform(Device device, double lo, double hi, DType dtype, int... shape) {
        if (!(lo < hi) || !Double.isFinite(hi - lo)) {
            throw new IllegalArgumentException("uniform: need finite lo < hi, got lo=" + lo + " hi=" + hi);
        }
        return uniform(device, dtype, shape).mul(hi - lo).add(lo);
    }

    /** Rademacher values: -1 or +1 with probability ½ each, on this stream's device. */
    public Tensor rademacher(DType dtype, int... shape) {
        return rademacher(device, dtype, shape);
    }

    /** Rademacher values: -1 or +1 with probability ½ each, on {@code device}. */
    public Tensor rademacher(Device device, DType dtype, int... shape) {
        return draw(Distribution.RADEMACHER, device, dtype, shape);
    }

    private Tensor draw(Distribution distribution, Device device, DType dtype, int[] shape) {
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
