package joule.ebm.sample;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import joule.ebm.io.StateDict;
import joule.ebm.io.Stateful;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * A replay buffer of persistent chains for contrastive-divergence training (ebm-reference,
 * "Persistent chains / replay buffer"): {@link #draw} returns starting points for a sampler, each
 * row taken uniformly at random from the buffer or, with probability {@code ρ} (always while the
 * buffer is empty), re-initialised from the {@link Prior}; {@link #push} stores the sampler's
 * results, overwriting the oldest entries once {@code capacity} is reached (first in, first out).
 *
 * <pre>{@code
 * ReplayBuffer buffer = new ReplayBuffer(10_000, 0.05, ReplayBuffer.Prior.uniform(-1, 1, DType.FLOAT32, 2));
 * Tensor init = buffer.draw(128, rng);
 * Tensor xModel = new UnadjustedLangevin(0.01).sample(energy, init, 60, rng).state();
 * buffer.push(xModel);
 * }</pre>
 *
 * <p>Samples are held on the host; all randomness comes from the stream passed to {@code draw}.
 * Not thread-safe. Its {@link #stateDict()} holds the stored samples in storage order ({@code "rows"},
 * {@code [size, …]} in their dtype) and the ring position ({@code "size"}, {@code "next"}).
 */
public final class ReplayBuffer implements Stateful {
    private static final String WHO = "ReplayBuffer";

    /** A distribution to (re-)initialise chains from: {@code n} samples {@code [n, …]}. */
    @FunctionalInterface
    public interface Prior {
        /** {@code n} samples, {@code [n, …sampleShape]}, from {@code rng}. */
        Tensor sample(int n, RandomStream rng);

        /** Uniform on the box {@code [lo, hi)^sampleShape} (bounds first, as in {@link RandomStream#uniform(double, double, DType, int...)}). */
        static Prior uniform(double lo, double hi, DType dtype, int... sampleShape) {
            int[] shape = sampleShape.clone();
            if (!(lo < hi) || !Double.isFinite(hi - lo)) {
                throw new IllegalArgumentException(WHO + ": uniform prior needs finite lo < hi, got lo=" + lo + " hi=" + hi);
            }
            return (n, rng) -> rng.uniform(lo, hi, dtype, prepend(n, shape));
        }

        /** Gaussian {@code N(mean, std² I)} over {@code sampleShape}. */
        static Prior gaussian(double mean, double std, DType dtype, int... sampleShape) {
            int[] shape = sampleShape.clone();
            Samplers.positive(WHO, "prior std", std);
            if (!Double.isFinite(mean)) {
                throw new IllegalArgumentException(WHO + ": prior mean must be finite, got " + mean);
            }
            return (n, rng) -> rng.normal(dtype, prepend(n, shape)).mul(std).add(mean);
        }
    }

    private static int[] prepend(int n, int[] shape) {
        int[] s = new int[shape.length + 1];
        s[0] = n;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    private final int capacity;
    private final double reinitFraction;
    private final Prior prior;
    private double[][] rows;
    private int size;
    private int next;
    private int[] sampleShape;
    private DType dtype;

    /** A buffer of at most {@code capacity ≥ 1} samples, re-initialising a fraction {@code ρ ∈ [0, 1]} from {@code prior}. */
    public ReplayBuffer(int capacity, double reinitFraction, Prior prior) {
        if (capacity < 1) {
            throw new IllegalArgumentException(WHO + ": capacity must be ≥ 1, got " + capacity);
        }
        if (!(reinitFraction >= 0 && reinitFraction <= 1)) {
            throw new IllegalArgumentException(WHO + ": re-initialisation fraction rho must be in [0, 1], got "
                    + reinitFraction);
        }
        if (prior == null) {
            throw new IllegalArgumentException(WHO + ": prior must not be null");
        }
        this.capacity = capacity;
        this.reinitFraction = reinitFraction;
        this.prior = prior;
        this.rows = new double[0][];
    }

    /** The maximum number of stored samples. */
    public int capacity() {
        return capacity;
    }

    /** The number of stored samples. */
    public int size() {
        return size;
    }

    /** The re-initialisation fraction {@code ρ}. */
    public double reinitFraction() {
        return reinitFraction;
    }

    /**
     * {@code n} starting points {@code [n, …]}: row {@code i} comes from the prior when
     * {@code u_i < ρ} (or the buffer is empty), else from a uniformly chosen stored sample. Draws,
     * in order: {@code n} uniforms {@code u}, {@code n} uniforms for the indices, then the prior's
     * samples for the re-initialised rows.
     */
    public Tensor draw(int n, RandomStream rng) {
        if (n < 1) {
            throw new IllegalArgumentException(WHO + ": draw count must be ≥ 1, got " + n);
        }
        if (rng == null) {
            throw new IllegalArgumentException(WHO + ": rng must not be null");
        }
        double[] u = rng.uniform(DType.FLOAT64, n).toDoubleArray();
        double[] pick = rng.uniform(DType.FLOAT64, n).toDoubleArray();
        boolean[] fresh = new boolean[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            fresh[i] = size == 0 || u[i] < reinitFraction;
            if (fresh[i]) {
                k++;
            }
        }
        double[] priorRows = null;
        int width;
        if (k > 0) {
            Tensor p = prior.sample(k, rng);
            if (p.rank() < 1 || p.size(0) != k) {
                throw new IllegalArgumentException(WHO + ": prior returned shape " + Shapes.format(p.shape()) + " for "
                        + k + " samples");
            }
            adopt("prior", p);
            priorRows = p.contiguous().toDoubleArray();
        }
        width = Shapes.numel(sampleShape);
        double[] out = new double[n * width];
        for (int i = 0, j = 0; i < n; i++) {
            if (fresh[i]) {
                System.arraycopy(priorRows, (j++) * width, out, i * width, width);
            } else {
                int at = Math.min((int) (pick[i] * size), size - 1);
                System.arraycopy(rows[at], 0, out, i * width, width);
            }
        }
        return Tensor.of(dtype, out, prepend(n, sampleShape));
    }

    /** Stores {@code samples [m, …]} (detached values), overwriting the oldest when full. */
    public void push(Tensor samples) {
        if (samples == null || samples.rank() < 1) {
            throw new IllegalArgumentException(WHO + ": push needs samples of shape [m, …], got "
                    + (samples == null ? "null" : Shapes.format(samples.shape())));
        }
        adopt("push", samples);
        int m = samples.size(0);
        int width = Shapes.numel(sampleShape);
        double[] data = samples.contiguous().toDoubleArray();
        if (rows.length < capacity) {
            rows = Arrays.copyOf(rows, Math.min(capacity, Math.max(size + m, 2 * rows.length)));
        }
        for (int i = Math.max(0, m - capacity); i < m; i++) {
            rows[next] = Arrays.copyOfRange(data, i * width, (i + 1) * width);
            next = (next + 1) % capacity;
            size = Math.min(size + 1, capacity);
        }
    }

    @Override
    public StateDict stateDict() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("size", Integer.toString(size));
        values.put("next", Integer.toString(next));
        if (size == 0) {
            return new StateDict(Map.of(), values);
        }
        int width = Shapes.numel(sampleShape);
        double[] flat = new double[size * width];
        for (int i = 0; i < size; i++) {
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        return new StateDict(Map.of("rows", Tensor.of(dtype, flat, prepend(size, sampleShape))), values);
    }

    @Override
    public void loadStateDict(StateDict state) {
        int n = Math.toIntExact(state.integer("size"));
        int at = Math.toIntExact(state.integer("next"));
        if (n < 0 || n > capacity || at < 0 || at >= capacity || n < capacity && at != n) {
            throw new IllegalArgumentException(WHO + ": state with size " + n + " and next " + at
                    + " does not fit a buffer of capacity " + capacity);
        }
        double[][] restored = new double[n][];
        if (n > 0) {
            Tensor t = state.tensor("rows");
            if (t.rank() < 1 || t.size(0) != n) {
                throw new IllegalArgumentException(WHO + ": state rows " + Shapes.format(t.shape()) + " for size " + n);
            }
            sampleShape = null;
            adopt("state", t);
            int width = Shapes.numel(sampleShape);
            double[] flat = t.contiguous().toDoubleArray();
            for (int i = 0; i < n; i++) {
                restored[i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
            }
        }
        rows = restored;
        size = n;
        next = at;
    }

    /** Fixes the sample shape and dtype on first use; later tensors must match. */
    private void adopt(String what, Tensor t) {
        int[] shape = Arrays.copyOfRange(t.shape(), 1, t.rank());
        if (sampleShape == null) {
            sampleShape = shape;
            dtype = t.dtype();
            return;
        }
        if (!Arrays.equals(shape, sampleShape) || t.dtype() != dtype) {
            throw new IllegalArgumentException(WHO + ": " + what + " gave samples " + Shapes.format(t.shape()) + " "
                    + t.dtype() + ", but the buffer holds [m" + (sampleShape.length == 0 ? "" : ", ")
                    + Shapes.format(sampleShape).replaceAll("^\\[|\\]$", "") + "] " + dtype);
        }
    }
}
