package joule.tensor;

import java.util.Arrays;
import java.util.Locale;
import joule.tensor.random.Distribution;

/**
 * An immutable n-dimensional array of float32 or float64 values: a view (shape, strides, offset)
 * over a {@link Storage} on some {@link Device}. Any rank is allowed, including 0-d scalars.
 *
 * <p>Views ({@link #reshape}, {@link #permute}, {@link #narrow}, {@link #expand}, ...) share
 * storage and copy nothing; every other op returns a new contiguous tensor. Binary ops broadcast
 * like NumPy (shapes aligned from the right, size-1 axes stretched). Operands must have the same
 * dtype and device: nothing is converted silently. Axes may be negative (counted from the end).
 *
 * <p>Invalid input (shapes that don't match, bad axes, mixed dtypes, a value outside an op's
 * domain) raises {@link IllegalArgumentException} whose message names the op and what was wrong.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
 * Tensor w = Tensor.ones(DType.FLOAT32, 3, 4);
 * Tensor y = x.matmul(w).add(1).silu().sum(new int[] {1}, true);   // [2, 1]
 * }</pre>
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final int[] strides;
    private final int offset;

    private Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    /** For backends: a view over {@code storage} (arrays are copied; bounds are the caller's responsibility). */
    public static Tensor view(Storage storage, int[] shape, int[] strides, int offset) {
        return new Tensor(storage, shape.clone(), strides.clone(), offset);
    }

    /** For backends: a contiguous tensor over a whole storage. */
    public static Tensor contiguousView(Storage storage, int[] shape) {
        return new Tensor(storage, shape.clone(), Shapes.contiguousStrides(shape), 0);
    }

    // ---------------------------------------------------------------- metadata

    /** The element type. */
    public DType dtype() {
        return storage.dtype();
    }

    /** The device holding the storage. */
    public Device device() {
        return storage.device();
    }

    /** The shared storage (for backends). */
    public Storage storage() {
        return storage;
    }

    /** The sizes of the axes (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** The size of one axis (negative counts from the end). */
    public int size(int axis) {
        return shape[Shapes.axis("size", axis, shape.length)];
    }

    /** Element strides of the axes (a copy). */
    public int[] strides() {
        return strides.clone();
    }

    /** Offset of the first element in the storage. */
    public int offset() {
        return offset;
    }

    /** Number of axes. */
    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public int numel() {
        return Shapes.numel(shape);
    }

    /** Whether the elements lie in row-major order without gaps (size-1 axes may have any stride). */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return numel() == 0;
            }
            expected *= shape[i];
        }
        return true;
    }

    private Backend backend() {
        return Backends.of(device());
    }

    // ---------------------------------------------------------------- creation

    /** A tensor of zeros on the CPU. */
    public static Tensor zeros(DType dtype, int... shape) {
        return zeros(Device.CPU, dtype, shape);
    }

    /** A tensor of zeros on {@code device}. */
    public static Tensor zeros(Device device, DType dtype, int... shape) {
        return full(device, dtype, 0.0, checkShape("zeros", shape));
    }

    /** A tensor of ones on the CPU. */
    public static Tensor ones(DType dtype, int... shape) {
        return ones(Device.CPU, dtype, shape);
    }

    /** A tensor of ones on {@code device}. */
    public static Tensor ones(Device device, DType dtype, int... shape) {
        return full(device, dtype, 1.0, checkShape("ones", shape));
    }

    /** A tensor filled with {@code value} on the CPU. */
    public static Tensor full(DType dtype, double value, int... shape) {
        return full(Device.CPU, dtype, value, shape);
    }

    /** A tensor filled with {@code value} on {@code device}. */
    public static Tensor full(Device device, DType dtype, double value, int... shape) {
        return Backends.of(device).full(dtype, checkShape("full", shape), value);
    }

    /** Zeros of this tensor's shape, dtype and device. */
    public Tensor zerosLike() {
        return backend().full(dtype(), shape, 0.0);
    }

    /** A 0-d tensor holding {@code value}. */
    public static Tensor scalar(double value, DType dtype) {
        return full(dtype, value);
    }

    /** A 0-d tensor of this tensor's dtype and device holding {@code value}. */
    public Tensor scalarLike(double value) {
        return backend().full(dtype(), new int[0], value);
    }

    /**
     * The unit vector {@code e_i} of length {@code n} ({@code [n]}, 1 at {@code i}, 0 elsewhere) in this tensor's
     * dtype and on its device, made there without a host upload.
     */
    public Tensor unitLike(int n, int i) {
        if (i < 0 || i >= n) {
            throw new IllegalArgumentException("unitLike: index " + i + " is out of range for length " + n);
        }
        return scalarLike(1).reshape(1).sliceScatter(new int[] {n}, 0, i, i + 1, 1);
    }

    /** A float32 tensor holding {@code data} in row-major order (copied); no shape means 1-d. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = shape.length == 0 ? new int[] {data.length} : checkShape("of", shape);
        checkLength(data.length, s);
        return Backends.of(Device.CPU).fromFloats(s, data);
    }

    /** A float64 tensor holding {@code data} in row-major order (copied); no shape means 1-d. */
    public static Tensor of(double[] data, int... shape) {
        return of(DType.FLOAT64, data, shape);
    }

    /** A tensor of {@code dtype} holding {@code data} in row-major order (copied and rounded); no shape means 1-d. */
    public static Tensor of(DType dtype, double[] data, int... shape) {
        int[] s = shape.length == 0 ? new int[] {data.length} : checkShape("of", shape);
        checkLength(data.length, s);
        return Backends.of(Device.CPU).fromDoubles(dtype, s, data);
    }

    private static void checkLength(int length, int[] shape) {
        if (length != Shapes.numel(shape)) {
            throw new IllegalArgumentException("of: " + length + " values don't fill shape " + Shapes.format(shape)
                    + " (" + Shapes.numel(shape) + " elements)");
        }
    }

    /** {@code start, start + step, ...} up to but excluding {@code end}. */
    public static Tensor arange(DType dtype, double start, double end, double step) {
        if (step == 0 || !Double.isFinite(start) || !Double.isFinite(end) || !Double.isFinite(step)) {
            throw new IllegalArgumentException("arange: need finite start, end and a non-zero step, got start=" + start
                    + " end=" + end + " step=" + step);
        }
        long n = Math.max(0, (long) Math.ceil((end - start) / step));
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arange: " + n + " elements is too many");
        }
        double[] data = new double[(int) n];
        for (int i = 0; i < n; i++) {
            data[i] = start + i * step;
        }
        return of(dtype, data);
    }

    /** {@code 0, 1, ..., n-1}. */
    public static Tensor arange(DType dtype, int n) {
        return arange(dtype, 0, n, 1);
    }

    /** {@code n} evenly spaced values from {@code start} to {@code end}, both included. */
    public static Tensor linspace(DType dtype, double start, double end, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("linspace: negative count " + n);
        }
        double[] data = new double[n];
        double step = n > 1 ? (end - start) / (n - 1) : 0;
        for (int i = 0; i < n; i++) {
            data[i] = i == n - 1 ? end : start + i * step;
        }
        return of(dtype, data);
    }

    /** The {@code n × n} identity matrix. */
    public static Tensor eye(DType dtype, int n) {
        checkShape("eye", new int[] {n});
        double[] data = new double[n * n];
        for (int i = 0; i < n; i++) {
            data[i * n + i] = 1;
        }
        return of(dtype, data, n, n);
    }

    /**
     * Random numbers from the Philox4x32-10 stream {@code (seed, offset)}; element {@code i} in
     * row-major order is element {@code i} of the stream, the same on any device and thread count.
     * {@link RandomStream} keeps track of offsets for a sequence of draws.
     */
    public static Tensor random(Distribution distribution, DType dtype, long seed, long offset, int... shape) {
        if (offset < 0) {
            throw new IllegalArgumentException("random: negative offset " + offset);
        }
        return Backends.of(Device.CPU).random(distribution, dtype, checkShape("random", shape), seed, offset);
    }

    /** Joins tensors of equal shapes except along {@code axis}. */
    public static Tensor cat(int axis, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("cat: no tensors given");
        }
        Tensor first = parts[0];
        int ax = Shapes.axis("cat", axis, first.rank());
        int total = 0;
        for (Tensor p : parts) {
            first.checkSame("cat", p);
            if (p.rank() != first.rank()) {
                throw new IllegalArgumentException("cat: ranks differ: " + Shapes.format(first.shape) + " and "
                        + Shapes.format(p.shape));
            }
            for (int i = 0; i < first.rank(); i++) {
                if (i != ax && p.shape[i] != first.shape[i]) {
                    throw new IllegalArgumentException("cat: shapes " + Shapes.format(first.shape) + " and "
                            + Shapes.format(p.shape) + " differ at axis " + i + " (" + first.shape[i] + " ≠ "
                            + p.shape[i] + ")");
                }
            }
            total += p.shape[ax];
        }
        int[] outShape = first.shape.clone();
        outShape[ax] = total;
        Tensor out = first.backend().empty(first.dtype(), outShape);
        int at = 0;
        for (Tensor p : parts) {
            first.backend().copy(p, out.narrow(ax, at, p.shape[ax]));
            at += p.shape[ax];
        }
        return out;
    }

    /** Stacks tensors of equal shape along a new axis {@code axis}. */
    public static Tensor stack(int axis, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("stack: no tensors given");
        }
        Tensor[] lifted = new Tensor[parts.length];
        Shapes.axis("stack", axis, parts[0].rank() + 1);
        for (int i = 0; i < parts.length; i++) {
            parts[0].checkSame("stack", parts[i]);
            if (!Arrays.equals(parts[i].shape, parts[0].shape)) {
                throw new IllegalArgumentException("stack: shapes " + Shapes.format(parts[0].shape) + " and "
                        + Shapes.format(parts[i].shape) + " differ");
            }
            lifted[i] = parts[i].unsqueeze(axis);
        }
        return cat(axis, lifted);
    }

    private static int[] checkShape(String op, int[] shape) {
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": negative size in shape " + Shapes.format(shape));
            }
        }
        Shapes.numel(shape);
        return shape.clone();
    }

    // ---------------------------------------------------------------- views

    /**
     * The same elements in another shape (one size may be -1, inferred). A view when the strides
     * allow it, otherwise a copy.
     */
    public Tensor reshape(int... newShape) {
        int[] target = inferShape(newShape);
        int[] viewStrides = reshapeStrides(target);
        if (viewStrides != null) {
            return new Tensor(storage, target, viewStrides, offset);
        }
        return contiguous().reshape(target);
    }

    private int[] inferShape(int[] newShape) {
        int[] target = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1 && infer < 0) {
                infer = i;
            } else if (target[i] < 0) {
                throw new IllegalArgumentException("reshape: bad shape " + Shapes.format(newShape)
                        + " (sizes must be ≥ 0, with at most one -1)");
            } else {
                known *= target[i];
            }
        }
        int n = numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException("reshape: can't infer -1 in " + Shapes.format(newShape) + " for "
                        + n + " elements of shape " + Shapes.format(shape));
            }
            target[infer] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException("reshape: shape " + Shapes.format(shape) + " (" + n
                    + " elements) can't become " + Shapes.format(newShape) + " (" + known + " elements)");
        }
        return target;
    }

    /**
     * Strides for a view of {@code target} over this tensor's elements, or null if none exists.
     * Old axes are grouped into runs that are contiguous among themselves; each run must map onto
     * a run of new axes with the same element count.
     */
    private int[] reshapeStrides(int[] target) {
        if (isContiguous() || numel() == 0) {
            return Shapes.contiguousStrides(target);
        }
        int[] out = new int[target.length];
        int newAxis = target.length - 1;
        long runStride = strides[rank() - 1];
        long oldCount = 1;
        long newCount = 1;
        for (int d = rank() - 1; d >= 0; d--) {
            oldCount *= shape[d];
            boolean runEnds = d == 0 || shape[d - 1] != 1 && strides[d - 1] != oldCount * runStride;
            if (!runEnds) {
                continue;
            }
            while (newAxis >= 0 && (newCount < oldCount || target[newAxis] == 1)) {
                out[newAxis] = (int) (newCount * runStride);
                newCount *= target[newAxis];
                newAxis--;
            }
            if (newCount != oldCount) {
                return null;
            }
            if (d > 0) {
                runStride = strides[d - 1];
                oldCount = 1;
                newCount = 1;
            }
        }
        return newAxis == -1 ? out : null;
    }

    /** All elements as one axis. */
    public Tensor flatten() {
        return reshape(-1);
    }

    /** The axes reordered: axis {@code i} of the result is axis {@code order[i]} of this tensor. A view. */
    public Tensor permute(int... order) {
        if (order.length != rank()) {
            throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " has " + order.length
                    + " axes, tensor " + Shapes.format(shape) + " has " + rank());
        }
        int[] s = new int[rank()];
        int[] st = new int[rank()];
        boolean[] seen = new boolean[rank()];
        for (int i = 0; i < order.length; i++) {
            int a = Shapes.axis("permute", order[i], rank());
            if (seen[a]) {
                throw new IllegalArgumentException("permute: axis " + order[i] + " repeated in " + Arrays.toString(order));
            }
            seen[a] = true;
            s[i] = shape[a];
            st[i] = strides[a];
        }
        return new Tensor(storage, s, st, offset);
    }

    /** Swaps two axes. A view. */
    public Tensor transpose(int axis0, int axis1) {
        int a = Shapes.axis("transpose", axis0, rank());
        int b = Shapes.axis("transpose", axis1, rank());
        int[] order = new int[rank()];
        Arrays.setAll(order, i -> i);
        order[a] = b;
        order[b] = a;
        return permute(order);
    }

    /** Swaps the last two axes (matrix transpose, batched). A view. */
    public Tensor mT() {
        if (rank() < 2) {
            throw new IllegalArgumentException("mT: needs rank ≥ 2, got " + Shapes.format(shape));
        }
        return transpose(-2, -1);
    }

    /** Elements {@code start .. start+length-1} along {@code axis}. A view. */
    public Tensor narrow(int axis, int start, int length) {
        int a = Shapes.axis("narrow", axis, rank());
        if (start < 0 || length < 0 || (long) start + length > shape[a]) {
            throw new IllegalArgumentException("narrow: range [" + start + ", " + ((long) start + length) + ") is outside "
                    + "axis " + axis + " of size " + shape[a] + " in " + Shapes.format(shape));
        }
        int[] s = shape.clone();
        s[a] = length;
        return new Tensor(storage, s, strides.clone(), length == 0 ? offset : offset + start * strides[a]);
    }

    /**
     * Elements {@code start, start+step, ...} below {@code end} along {@code axis} (Python's
     * {@code start:end:step} with {@code step > 0}; negative start/end count from the end and are
     * clamped like Python's). A view.
     */
    public Tensor slice(int axis, int start, int end, int step) {
        int a = Shapes.axis("slice", axis, rank());
        if (step <= 0) {
            throw new IllegalArgumentException("slice: step must be positive, got " + step);
        }
        int n = shape[a];
        int lo = Math.clamp(start < 0 ? (long) start + n : start, 0, n);
        int hi = Math.clamp(end < 0 ? (long) end + n : end, 0, n);
        int count = hi > lo ? (int) (((long) hi - lo + step - 1) / step) : 0;
        int[] s = shape.clone();
        int[] st = strides.clone();
        s[a] = count;
        st[a] = strides[a] * step;
        return new Tensor(storage, s, st, count == 0 ? offset : offset + lo * strides[a]);
    }

    /**
     * A new tensor of {@code shape}, zero except where {@code slice(axis, start, end, step)} of it
     * selects, which holds this tensor: the adjoint of {@link #slice}. This tensor's shape must be
     * that slice's shape.
     */
    public Tensor sliceScatter(int[] shape, int axis, int start, int end, int step) {
        Tensor out = backend().full(dtype(), checkShape("sliceScatter", shape), 0.0);
        Tensor target = out.slice(axis, start, end, step);
        if (!Arrays.equals(target.shape, this.shape)) {
            throw new IllegalArgumentException("sliceScatter: the slice [" + start + ":" + end + ":" + step + "] along axis "
                    + axis + " of " + Shapes.format(shape) + " has shape " + Shapes.format(target.shape)
                    + ", not " + Shapes.format(this.shape));
        }
        backend().copy(this, target);
        return out;
    }

    /** The slice at {@code index} along {@code axis}, with that axis removed. A view. */
    public Tensor select(int axis, int index) {
        int a = Shapes.axis("select", axis, rank());
        if (index < -shape[a] || index >= shape[a]) {
            throw new IllegalArgumentException("select: index " + index + " is out of range for axis " + axis
                    + " of size " + shape[a] + " in " + Shapes.format(shape));
        }
        return narrow(a, index < 0 ? index + shape[a] : index, 1).squeeze(a);
    }

    /**
     * The slices at {@code indices} along {@code axis}, in that order (repeats allowed), as a new
     * contiguous tensor: {@code out.select(axis, j) = this.select(axis, indices[j])}.
     */
    public Tensor indexSelect(int axis, int... indices) {
        int a = Shapes.axis("indexSelect", axis, rank());
        for (int i : indices) {
            if (i < 0 || i >= shape[a]) {
                throw new IllegalArgumentException("indexSelect: index " + i + " is out of range for axis " + axis
                        + " of size " + shape[a] + " in " + Shapes.format(shape));
            }
        }
        int[] outShape = shape.clone();
        outShape[a] = indices.length;
        Tensor out = backend().empty(dtype(), outShape);
        for (int j = 0; j < indices.length; j++) {
            backend().copy(narrow(a, indices[j], 1), out.narrow(a, j, 1));
        }
        return out;
    }

    /**
     * Broadcasts to {@code newShape} (size-1 axes stretched, new axes added in front; -1 keeps a
     * size). A view with stride 0 on stretched axes.
     */
    public Tensor expand(int... newShape) {
        if (newShape.length < rank()) {
            throw new IllegalArgumentException("expand: can't expand " + Shapes.format(shape) + " to fewer axes "
                    + Shapes.format(newShape));
        }
        int lead = newShape.length - rank();
        int[] s = new int[newShape.length];
        int[] st = new int[newShape.length];
        for (int i = 0; i < newShape.length; i++) {
            int want = newShape[i];
            if (i < lead) {
                if (want < 0) {
                    throw new IllegalArgumentException("expand: size " + want + " for new axis " + i);
                }
                s[i] = want;
                st[i] = 0;
                continue;
            }
            int have = shape[i - lead];
            if (want == -1 || want == have) {
                s[i] = have;
                st[i] = strides[i - lead];
            } else if (have == 1 && want >= 0) {
                s[i] = want;
                st[i] = 0;
            } else {
                throw new IllegalArgumentException("expand: can't expand " + Shapes.format(shape) + " to "
                        + Shapes.format(newShape) + " (" + have + " ≠ " + want + " at axis " + i + ")");
            }
        }
        return new Tensor(storage, s, st, offset);
    }

    /** Removes every size-1 axis. A view. */
    public Tensor squeeze() {
        int n = 0;
        for (int d : shape) {
            n += d == 1 ? 0 : 1;
        }
        int[] s = new int[n];
        int[] st = new int[n];
        int j = 0;
        for (int i = 0; i < rank(); i++) {
            if (shape[i] != 1) {
                s[j] = shape[i];
                st[j++] = strides[i];
            }
        }
        return new Tensor(storage, s, st, offset);
    }

    /** Removes axis {@code axis}, which must have size 1. A view. */
    public Tensor squeeze(int axis) {
        int a = Shapes.axis("squeeze", axis, rank());
        if (shape[a] != 1) {
            throw new IllegalArgumentException("squeeze: axis " + axis + " of " + Shapes.format(shape) + " has size "
                    + shape[a] + ", not 1");
        }
        int[] s = new int[rank() - 1];
        int[] st = new int[rank() - 1];
        for (int i = 0, j = 0; i < rank(); i++) {
            if (i != a) {
                s[j] = shape[i];
                st[j++] = strides[i];
            }
        }
        return new Tensor(storage, s, st, offset);
    }

    /** Inserts a size-1 axis so that it becomes axis {@code axis} of the result. A view. */
    public Tensor unsqueeze(int axis) {
        int a = Shapes.axis("unsqueeze", axis, rank() + 1);
        int[] s = new int[rank() + 1];
        int[] st = new int[rank() + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i == a) {
                s[i] = 1;
                st[i] = a < rank() ? strides[a] * shape[a] : 1;
            } else {
                s[i] = shape[j];
                st[i] = strides[j++];
            }
        }
        return new Tensor(storage, s, st, offset);
    }

    /** This tensor if it is contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        if (isContiguous()) {
            return this;
        }
        return copy();
    }

    /** A contiguous copy that shares nothing with this tensor. */
    public Tensor copy() {
        Tensor out = backend().empty(dtype(), shape);
        backend().copy(this, out);
        return out;
    }

    // ---------------------------------------------------------------- conversion and data

    /** This tensor converted to {@code dtype} (itself if it already has it). */
    public Tensor to(DType dtype) {
        if (dtype == dtype()) {
            return this;
        }
        Tensor out = backend().empty(dtype, shape);
        backend().copy(this, out);
        return out;
    }

    /** This tensor copied to {@code device} (itself if it is already there). */
    public Tensor to(Device device) {
        if (device == device()) {
            return this;
        }
        return Backends.of(device).transferFrom(this);
    }

    /** The elements in row-major order. */
    public double[] toDoubleArray() {
        return backend().toDoubleArray(this);
    }

    /** The elements in row-major order, rounded to float. */
    public float[] toFloatArray() {
        double[] d = toDoubleArray();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** The single element of a tensor with one element. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalArgumentException("item: tensor of shape " + Shapes.format(shape) + " has " + numel()
                    + " elements, not 1");
        }
        return select0().toDoubleArray()[0];
    }

    private Tensor select0() {
        return new Tensor(storage, new int[0], new int[0], offset);
    }

    /** The element at a full index (negative indices count from the end). */
    public double get(int... index) {
        if (index.length != rank()) {
            throw new IllegalArgumentException("get: index " + Arrays.toString(index) + " has " + index.length
                    + " entries for shape " + Shapes.format(shape));
        }
        int at = offset;
        for (int i = 0; i < index.length; i++) {
            int k = index[i] < 0 ? index[i] + shape[i] : index[i];
            if (k < 0 || k >= shape[i]) {
                throw new IllegalArgumentException("get: index " + Arrays.toString(index) + " is out of range for shape "
                        + Shapes.format(shape));
            }
            at += k * strides[i];
        }
        return new Tensor(storage, new int[0], new int[0], at).toDoubleArray()[0];
    }

    // ---------------------------------------------------------------- elementwise

    private Tensor unary(UnaryOp op) {
        return backend().unary(op, this);
    }

    private Tensor binary(BinaryOp op, Tensor other) {
        checkSame(op.opName(), other);
        Shapes.broadcast(op.opName(), shape, other.shape);
        return backend().binary(op, this, other);
    }

    private void checkSame(String op, Tensor other) {
        if (other.dtype() != dtype()) {
            throw new IllegalArgumentException(op + ": dtypes " + dtype() + " and " + other.dtype()
                    + " differ (convert one with to(DType))");
        }
        if (other.device() != device()) {
            throw new IllegalArgumentException(op + ": devices " + device() + " and " + other.device()
                    + " differ (move one with to(Device))");
        }
    }

    /** {@code this + other}, broadcast. */
    public Tensor add(Tensor other) {
        return binary(BinaryOp.ADD, other);
    }

    /** {@code this + c}. */
    public Tensor add(double c) {
        return add(scalarLike(c));
    }

    /** {@code this - other}, broadcast. */
    public Tensor sub(Tensor other) {
        return binary(BinaryOp.SUB, other);
    }

    /** {@code this - c}. */
    public Tensor sub(double c) {
        return sub(scalarLike(c));
    }

    /** {@code this * other}, broadcast. */
    public Tensor mul(Tensor other) {
        return binary(BinaryOp.MUL, other);
    }

    /** {@code this * c}. */
    public Tensor mul(double c) {
        return mul(scalarLike(c));
    }

    /** {@code this / other}, broadcast; {@code 0/0} is an error. */
    public Tensor div(Tensor other) {
        return binary(BinaryOp.DIV, other);
    }

    /** {@code this / c}. */
    public Tensor div(double c) {
        return div(scalarLike(c));
    }

    /** {@code this ^ exponent}, broadcast; a negative base needs an integer exponent. */
    public Tensor pow(Tensor exponent) {
        return binary(BinaryOp.POW, exponent);
    }

    /** {@code this ^ p}. */
    public Tensor pow(double p) {
        if (p == 2) {
            return square();
        }
        if (p == 1) {
            return copy();
        }
        return pow(scalarLike(p));
    }

    /** Elementwise larger value (NaN if either is NaN). */
    public Tensor maximum(Tensor other) {
        return binary(BinaryOp.MAXIMUM, other);
    }

    /** Elementwise smaller value (NaN if either is NaN). */
    public Tensor minimum(Tensor other) {
        return binary(BinaryOp.MINIMUM, other);
    }

    /** Values limited to {@code [lo, hi]}. */
    public Tensor clamp(double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: lower bound " + lo + " is not ≤ upper bound " + hi);
        }
        return maximum(scalarLike(lo)).minimum(scalarLike(hi));
    }

    /** 1 where {@code this == other}, else 0. */
    public Tensor eq(Tensor other) {
        return binary(BinaryOp.EQ, other);
    }

    /** 1 where {@code this == c}, else 0. */
    public Tensor eq(double c) {
        return eq(scalarLike(c));
    }

    /** 1 where {@code this != other}, else 0. */
    public Tensor ne(Tensor other) {
        return binary(BinaryOp.NE, other);
    }

    /** 1 where {@code this != c}, else 0. */
    public Tensor ne(double c) {
        return ne(scalarLike(c));
    }

    /** 1 where {@code this < other}, else 0. */
    public Tensor lt(Tensor other) {
        return binary(BinaryOp.LT, other);
    }

    /** 1 where {@code this < c}, else 0. */
    public Tensor lt(double c) {
        return lt(scalarLike(c));
    }

    /** 1 where {@code this <= other}, else 0. */
    public Tensor le(Tensor other) {
        return binary(BinaryOp.LE, other);
    }

    /** 1 where {@code this <= c}, else 0. */
    public Tensor le(double c) {
        return le(scalarLike(c));
    }

    /** 1 where {@code this > other}, else 0. */
    public Tensor gt(Tensor other) {
        return binary(BinaryOp.GT, other);
    }

    /** 1 where {@code this > c}, else 0. */
    public Tensor gt(double c) {
        return gt(scalarLike(c));
    }

    /** 1 where {@code this >= other}, else 0. */
    public Tensor ge(Tensor other) {
        return binary(BinaryOp.GE, other);
    }

    /** 1 where {@code this >= c}, else 0. */
    public Tensor ge(double c) {
        return ge(scalarLike(c));
    }

    /** {@code cond ≠ 0 ? a : b} elementwise over the broadcast of the three; all of one dtype and device. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        a.checkSame("where", b);
        a.checkSame("where", cond);
        Shapes.broadcast("where", cond.shape, Shapes.broadcast("where", a.shape, b.shape));
        return a.backend().where(cond, a, b);
    }

    /** {@code u(this op other)} over the broadcast, in one pass (for example bias + activation). */
    public Tensor binaryThenUnary(BinaryOp op, Tensor other, UnaryOp u) {
        checkSame(op.opName() + "+" + u.opName(), other);
        Shapes.broadcast(op.opName() + "+" + u.opName(), shape, other.shape);
        return backend().binaryThenUnary(op, this, other, u);
    }

    /** {@code this op u(other)} over the broadcast, in one pass (for example a gradient times an activation's derivative). */
    public Tensor binaryOfUnary(BinaryOp op, UnaryOp u, Tensor other) {
        checkSame(op.opName() + "+" + u.opName(), other);
        Shapes.broadcast(op.opName() + "+" + u.opName(), shape, other.shape);
        return backend().binaryOfUnary(op, this, u, other);
    }

    /**
     * {@code x + step·score + noiseScale·noise} in one pass, the move of a Langevin or MALA step; the three
     * tensors have one shape, dtype and device.
     */
    public static Tensor langevinStep(Tensor x, Tensor score, Tensor noise, double step, double noiseScale) {
        x.checkSame("langevinStep", score);
        x.checkSame("langevinStep", noise);
        if (!Arrays.equals(x.shape, score.shape) || !Arrays.equals(x.shape, noise.shape)) {
            throw new IllegalArgumentException("langevinStep: x " + Shapes.format(x.shape) + ", score "
                    + Shapes.format(score.shape) + " and noise " + Shapes.format(noise.shape) + " must have one shape");
        }
        return x.backend().langevinStep(x, score, noise, step, noiseScale);
    }

    /** {@code -x}. */
    public Tensor neg() {
        return unary(UnaryOp.NEG);
    }

    /** {@code |x|}. */
    public Tensor abs() {
        return unary(UnaryOp.ABS);
    }

    /** -1, 0 or 1 by the sign of x (NaN stays NaN). */
    public Tensor sign() {
        return unary(UnaryOp.SIGN);
    }

    /** {@code x²}. */
    public Tensor square() {
        return unary(UnaryOp.SQUARE);
    }

    /** {@code 1/x}. */
    public Tensor reciprocal() {
        return unary(UnaryOp.RECIPROCAL);
    }

    /** {@code √x}; x must be ≥ 0. */
    public Tensor sqrt() {
        return unary(UnaryOp.SQRT);
    }

    /** {@code 1/√x}; x must be ≥ 0. */
    public Tensor rsqrt() {
        return unary(UnaryOp.RSQRT);
    }

    /** {@code eˣ}. */
    public Tensor exp() {
        return unary(UnaryOp.EXP);
    }

    /** {@code eˣ - 1}, accurate near 0. */
    public Tensor expm1() {
        return unary(UnaryOp.EXPM1);
    }

    /** Natural logarithm; x must be ≥ 0 (log 0 = -inf). */
    public Tensor log() {
        return unary(UnaryOp.LOG);
    }

    /** {@code log(1 + x)}, accurate near 0; x must be ≥ -1. */
    public Tensor log1p() {
        return unary(UnaryOp.LOG1P);
    }

    /** Sine. */
    public Tensor sin() {
        return unary(UnaryOp.SIN);
    }

    /** Cosine. */
    public Tensor cos() {
        return unary(UnaryOp.COS);
    }

    /** Hyperbolic tangent. */
    public Tensor tanh() {
        return unary(UnaryOp.TANH);
    }

    /** Logistic sigmoid {@code 1/(1+e⁻ˣ)}. */
    public Tensor sigmoid() {
        return unary(UnaryOp.SIGMOID);
    }

    /** {@code log(1+eˣ)}, stable for large |x|. */
    public Tensor softplus() {
        return unary(UnaryOp.SOFTPLUS);
    }

    /** SiLU (swish): {@code x·sigmoid(x)}. */
    public Tensor silu() {
        return unary(UnaryOp.SILU);
    }

    /** Derivative of SiLU at each element: {@code s (1 + x (1 - s))}, {@code s = sigmoid(x)}. */
    public Tensor siluGrad() {
        return unary(UnaryOp.SILU_GRAD);
    }

    /** Second derivative of SiLU at each element: {@code s (1 - s) (2 + x (1 - 2 s))}. */
    public Tensor siluGrad2() {
        return unary(UnaryOp.SILU_GRAD2);
    }

    /** {@code max(x, 0)}. */
    public Tensor relu() {
        return unary(UnaryOp.RELU);
    }

    // ---------------------------------------------------------------- reductions

    private Tensor reduce(ReduceOp op, int[] axes, boolean keepdim) {
        int[] ax = Shapes.axes(op.opName(), axes, rank());
        if (op != ReduceOp.SUM) {
            requireNonEmpty(op.opName(), ax, op.opName());
        }
        return backend().reduce(op, this, ax, keepdim);
    }

    /** Rejects reducing over an empty axis, for reductions ({@code what}) that have no value over no elements. */
    private void requireNonEmpty(String op, int[] sortedAxes, String what) {
        for (int a : sortedAxes) {
            if (shape[a] == 0) {
                throw new IllegalArgumentException(op + ": axis " + a + " of " + Shapes.format(shape)
                        + " is empty, and " + what + " of no elements is undefined");
            }
        }
    }

    /** Sum of all elements, a 0-d tensor. */
    public Tensor sum() {
        return sum(new int[0], false);
    }

    /** Sum over {@code axes} (all axes when empty); kept as size-1 axes when {@code keepdim}. */
    public Tensor sum(int[] axes, boolean keepdim) {
        return reduce(ReduceOp.SUM, axes, keepdim);
    }

    /** Sum over {@code axes} (all when none given), which are removed. */
    public Tensor sum(int... axes) {
        return sum(axes, false);
    }

    /** Mean of all elements, a 0-d tensor. */
    public Tensor mean() {
        return mean(new int[0], false);
    }

    /** Mean over {@code axes} (all axes when empty); kept as size-1 axes when {@code keepdim}. */
    public Tensor mean(int[] axes, boolean keepdim) {
        int[] ax = Shapes.axes("mean", axes, rank());
        long count = 1;
        for (int a : ax) {
            count *= shape[a];
        }
        if (count == 0) {
            throw new IllegalArgumentException("mean: no elements to average over axes " + Arrays.toString(axes)
                    + " of " + Shapes.format(shape));
        }
        return sum(ax, keepdim).div((double) count);
    }

    /** Mean over {@code axes} (all when none given), which are removed. */
    public Tensor mean(int... axes) {
        return mean(axes, false);
    }

    /** Largest element over {@code axes} (all when empty); NaN if any is NaN. */
    public Tensor max(int[] axes, boolean keepdim) {
        return reduce(ReduceOp.MAX, axes, keepdim);
    }

    /** Largest element over {@code axes} (all when none given), which are removed. */
    public Tensor max(int... axes) {
        return max(axes, false);
    }

    /** Smallest element over {@code axes} (all when empty); NaN if any is NaN. */
    public Tensor min(int[] axes, boolean keepdim) {
        return reduce(ReduceOp.MIN, axes, keepdim);
    }

    /** Smallest element over {@code axes} (all when none given), which are removed. */
    public Tensor min(int... axes) {
        return min(axes, false);
    }

    /**
     * {@code log Σ exp(x)} over {@code axes} (all when empty), computed stably by subtracting the
     * maximum first; all -inf gives -inf.
     */
    public Tensor logsumexp(int[] axes, boolean keepdim) {
        int[] ax = Shapes.axes("logsumexp", axes, rank());
        requireNonEmpty("logsumexp", ax, "logsumexp");
        Tensor m = max(ax, true);
        Tensor shift = where(m.abs().eq(Double.POSITIVE_INFINITY), m.scalarLike(0), m);
        Tensor out = sub(shift).exp().sum(ax, true).log().add(shift);
        return keepdim ? out : out.reshape(Shapes.reduced(shape, ax, false));
    }

    /** {@code log Σ exp(x)} over {@code axes} (all when none given), which are removed. */
    public Tensor logsumexp(int... axes) {
        return logsumexp(axes, false);
    }

    /** Index of the first largest element along {@code axis}, as float64 values (NaN counts as largest). */
    public Tensor argmax(int axis, boolean keepdim) {
        int a = Shapes.axis("argmax", axis, rank());
        if (shape[a] == 0) {
            throw new IllegalArgumentException("argmax: axis " + axis + " of " + Shapes.format(shape) + " is empty");
        }
        return backend().argmax(this, a, keepdim);
    }

    /** Index of the first largest element in row-major order, a 0-d float64 tensor. */
    public Tensor argmax() {
        if (numel() == 0) {
            throw new IllegalArgumentException("argmax: tensor of shape " + Shapes.format(shape) + " is empty");
        }
        return flatten().argmax(0, false);
    }

    /**
     * Vector p-norm over {@code axes} (all when empty): {@code (Σ|x|ᵖ)^(1/p)} for {@code p ≥ 1};
     * {@code p = ∞} gives {@code max|x|}.
     */
    public Tensor norm(double p, int[] axes, boolean keepdim) {
        if (!(p >= 1)) {
            throw new IllegalArgumentException("norm: p must be ≥ 1 (or infinity), got " + p);
        }
        int[] ax = Shapes.axes("norm", axes, rank());
        if (p == Double.POSITIVE_INFINITY) {
            requireNonEmpty("norm", ax, "the infinity norm (a max)");
            return abs().max(axes, keepdim);
        }
        if (p == 1) {
            return abs().sum(axes, keepdim);
        }
        if (p == 2) {
            return square().sum(axes, keepdim).sqrt();
        }
        return abs().pow(p).sum(axes, keepdim).pow(1 / p);
    }

    /** Euclidean norm of all elements, a 0-d tensor. */
    public Tensor norm() {
        return norm(2, new int[0], false);
    }

    // ---------------------------------------------------------------- matmul

    /**
     * Matrix product with NumPy's {@code matmul} rules: {@code [..., m, k] @ [..., k, n] → [..., m, n]}
     * with batch axes broadcast; a 1-d left operand is a row vector and a 1-d right operand a column
     * vector, their axis removed from the result. Transposed views are used without a copy.
     */
    public Tensor matmul(Tensor other) {
        checkSame("matmul", other);
        if (rank() == 0 || other.rank() == 0) {
            throw new IllegalArgumentException("matmul: operands need rank ≥ 1, got " + Shapes.format(shape) + " and "
                    + Shapes.format(other.shape));
        }
        Tensor a = rank() == 1 ? unsqueeze(0) : this;
        Tensor b = other.rank() == 1 ? other.unsqueeze(1) : other;
        int k = a.shape[a.rank() - 1];
        if (k != b.shape[b.rank() - 2]) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.format(shape) + " and "
                    + Shapes.format(other.shape) + " don't match (" + k + " ≠ " + b.shape[b.rank() - 2] + ")");
        }
        Shapes.broadcast("matmul", Arrays.copyOf(a.shape, a.rank() - 2), Arrays.copyOf(b.shape, b.rank() - 2));
        Tensor out = backend().matmul(a, b);
        if (rank() == 1) {
            out = out.squeeze(-2);
        }
        if (other.rank() == 1) {
            out = out.squeeze(-1);
        }
        return out;
    }

    // ---------------------------------------------------------------- images

    /**
     * 2-d convolution (cross-correlation) of this input {@code [N, C, H, W]} with {@code weight}
     * {@code [O, C/G, kh, kw]}, giving {@code [N, O, Ho, Wo]}; the geometry and the formula are those of
     * {@link Conv2dSpec}. PyTorch's {@code conv2d} without bias.
     */
    public Tensor conv2d(Tensor weight, Conv2dSpec spec) {
        checkSame("conv2d", weight);
        spec.outputShape("conv2d", shape, weight.shape);
        return backend().conv2d(contiguous(), weight.contiguous(), spec);
    }

    /**
     * The adjoint of {@link #conv2d} in its input (the transposed convolution): this gradient
     * {@code [N, O, Ho, Wo]} and {@code weight} {@code [O, C/G, kh, kw]} give {@code [N, C, h, w]}, where
     * {@code (h, w)} is an input size whose convolution output is {@code (Ho, Wo)}:
     * {@code ⟨conv2d(x, w), g⟩ = ⟨x, conv2dTranspose(g, w)⟩} for every {@code x} of that size.
     */
    public Tensor conv2dTranspose(Tensor weight, Conv2dSpec spec, int h, int w) {
        checkSame("conv2dTranspose", weight);
        if (weight.rank() != 4) {
            throw new IllegalArgumentException("conv2dTranspose: weight must be [O, C/groups, kh, kw], got "
                    + Shapes.format(weight.shape));
        }
        spec.checkTransposed("conv2dTranspose", shape, weight.shape, weight.shape[1] * spec.groups(), h, w);
        return backend().conv2dTranspose(contiguous(), weight.contiguous(), spec, h, w);
    }

    /**
     * PyTorch's {@code conv_transpose2d} without bias: this input {@code [N, Cin, H, W]} and {@code weight}
     * {@code [Cin, Cout/G, kh, kw]} give {@code [N, Cout, Hout, Wout]} with
     * {@code Hout = (H − 1)·sH − 2·pH + dH·(kh − 1) + 1 + outputPaddingH} (likewise the width); the output padding
     * must be below the stride or the dilation. It is {@link #conv2dTranspose} with the weight read as that of
     * a convolution from {@code Cout} to {@code Cin} channels.
     */
    public Tensor convTranspose2d(Tensor weight, Conv2dSpec spec, int outputPaddingH, int outputPaddingW) {
        int[] out = spec.transposedShape("convTranspose2d", shape, weight.shape, outputPaddingH, outputPaddingW);
        return conv2dTranspose(weight, spec, out[2], out[3]);
    }

    /**
     * The adjoint of {@link #conv2d} in its weight: this input {@code [N, C, H, W]} and the output's gradient
     * {@code grad} {@code [N, O, Ho, Wo]} give {@code [O, C/G, kh, kw]}, {@code Σ_{n,i,j} grad[n,o,i,j] · x[…]} over
     * the input elements each weight multiplies: {@code ⟨conv2d(x, w), g⟩ = ⟨w, x.conv2dWeightGrad(g)⟩}.
     */
    public Tensor conv2dWeightGrad(Tensor grad, Conv2dSpec spec, int kh, int kw) {
        checkSame("conv2dWeightGrad", grad);
        if (rank() != 4 || grad.rank() != 4) {
            throw new IllegalArgumentException("conv2dWeightGrad: needs an [N, C, H, W] input and an [N, O, Ho, Wo] "
                    + "gradient, got " + Shapes.format(shape) + " and " + Shapes.format(grad.shape));
        }
        if (grad.shape[1] % spec.groups() != 0 || shape[1] % spec.groups() != 0) {
            throw new IllegalArgumentException("conv2dWeightGrad: " + spec.groups() + " groups don't divide the channels"
                    + " of input " + Shapes.format(shape) + " and gradient " + Shapes.format(grad.shape));
        }
        int[] weight = {grad.shape[1], shape[1] / spec.groups(), kh, kw};
        int[] out = spec.outputShape("conv2dWeightGrad", shape, weight);
        if (!Arrays.equals(out, grad.shape)) {
            throw new IllegalArgumentException("conv2dWeightGrad: an input " + Shapes.format(shape) + " convolved with a "
                    + "weight " + Shapes.format(weight) + " (" + spec + ") gives " + Shapes.format(out) + ", not "
                    + Shapes.format(grad.shape));
        }
        return backend().conv2dWeightGrad(contiguous(), grad.contiguous(), spec, kh, kw);
    }

    /**
     * Zero padding: {@code before[i]} zeros in front of and {@code after[i]} behind axis {@code i} (one entry per
     * axis, each ≥ 0). The adjoint of {@link #narrow} along each axis.
     */
    public Tensor pad(int[] before, int[] after) {
        if (before.length != rank() || after.length != rank()) {
            throw new IllegalArgumentException("pad: needs one before and one after size per axis of "
                    + Shapes.format(shape) + ", got " + Arrays.toString(before) + " and " + Arrays.toString(after));
        }
        int[] outShape = new int[rank()];
        for (int i = 0; i < rank(); i++) {
            if (before[i] < 0 || after[i] < 0) {
                throw new IllegalArgumentException("pad: sizes must be ≥ 0, got " + Arrays.toString(before) + " and "
                        + Arrays.toString(after));
            }
            outShape[i] = Math.addExact(shape[i], Math.addExact(before[i], after[i]));
        }
        Tensor out = backend().full(dtype(), checkShape("pad", outShape), 0.0);
        Tensor inner = out;
        for (int i = 0; i < rank(); i++) {
            inner = inner.narrow(i, before[i], shape[i]);
        }
        backend().copy(this, inner);
        return out;
    }

    /**
     * Average pooling of an {@code [N, C, H, W]} input over {@code kernel × kernel} windows moved by
     * {@code stride}, with {@code padding} zeros on each side counted in the average (PyTorch's
     * {@code avg_pool2d} with {@code count_include_pad}): a depthwise convolution with weights {@code 1/kernel²}.
     */
    public Tensor avgPool2d(int kernel, int stride, int padding) {
        if (rank() != 4) {
            throw new IllegalArgumentException("avgPool2d: input must be [N, C, H, W], got " + Shapes.format(shape));
        }
        Conv2dSpec spec = Conv2dSpec.of(stride, padding).withGroups(Math.max(1, shape[1]));
        return conv2d(averagingKernel(shape[1], kernel), spec);
    }

    /**
     * Weights {@code [channels, 1, kernel, kernel]} of {@code 1/kernel²} in this tensor's dtype and on its device: the
     * depthwise kernel of {@link #avgPool2d}.
     */
    public Tensor averagingKernel(int channels, int kernel) {
        if (kernel < 1) {
            throw new IllegalArgumentException("avgPool2d: kernel must be ≥ 1, got " + kernel);
        }
        return backend().full(dtype(), new int[] {channels, 1, kernel, kernel}, 1.0 / ((double) kernel * kernel));
    }

    /**
     * Nearest-neighbour upsampling of an {@code [N, C, H, W]} input by an integer {@code factor}: each pixel
     * becomes a {@code factor × factor} block, giving {@code [N, C, H·factor, W·factor]}.
     */
    public Tensor upsampleNearest2d(int factor) {
        int[] blocks = upsampleBlocks("upsampleNearest2d", shape, factor);
        return unsqueeze(3).unsqueeze(5).expand(blocks).reshape(shape[0], shape[1], shape[2] * factor, shape[3] * factor);
    }

    /**
     * For nearest upsampling of {@code shape} {@code [N, C, H, W]} by {@code factor}: the 6-d shape
     * {@code [N, C, H, factor, W, factor]} whose blocks are the output pixels (checks the arguments).
     */
    public static int[] upsampleBlocks(String op, int[] shape, int factor) {
        if (shape.length != 4) {
            throw new IllegalArgumentException(op + ": input must be [N, C, H, W], got " + Shapes.format(shape));
        }
        if (factor < 1) {
            throw new IllegalArgumentException(op + ": factor must be ≥ 1, got " + factor);
        }
        int[] blocks = {shape[0], shape[1], shape[2], factor, shape[3], factor};
        Shapes.numel(blocks);
        return blocks;
    }

    // ---------------------------------------------------------------- text

    /** Shape, dtype and (for up to 64 elements) the values. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("tensor(");
        if (numel() <= 64) {
            double[] v = toDoubleArray();
            appendValues(sb, v, 0, 0);
            sb.append(", ");
        }
        sb.append("shape=").append(Shapes.format(shape)).append(", dtype=").append(dtype());
        if (device() != Device.CPU) {
            sb.append(", device=").append(device());
        }
        return sb.append(')').toString();
    }

    private int appendValues(StringBuilder sb, double[] v, int axis, int at) {
        if (axis == rank()) {
            sb.append(String.format(Locale.ROOT, "%.6g", v[at]));
            return at + 1;
        }
        sb.append('[');
        for (int i = 0; i < shape[axis]; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            at = appendValues(sb, v, axis + 1, at);
        }
        sb.append(']');
        return at;
    }
}
