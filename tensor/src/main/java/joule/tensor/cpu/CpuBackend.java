package joule.tensor.cpu;

import java.util.Arrays;
import java.util.function.Supplier;
import joule.tensor.Backend;
import joule.tensor.BinaryOp;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.ReduceOp;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import joule.tensor.UnaryOp;
import joule.tensor.random.Distribution;
import joule.tensor.random.PhiloxSampler;

/**
 * The host backend: arrays on the Java heap, Vector API kernels ({@link VectorKernels}) with
 * plain-loop twins ({@link ScalarKernels}). The scalar kernels are used when
 * {@code -Djoule.cpu.kernels=scalar} is set, or inside {@link #withScalarKernels}.
 */
public final class CpuBackend implements Backend {
    /** The single instance. */
    public static final CpuBackend INSTANCE = new CpuBackend();

    private static final CpuKernels DEFAULT_KERNELS =
            "scalar".equals(System.getProperty("joule.cpu.kernels")) ? ScalarKernels.INSTANCE : VectorKernels.INSTANCE;
    private static final ThreadLocal<CpuKernels> OVERRIDE = new ThreadLocal<>();

    private CpuBackend() {
    }

    /** Runs {@code body} with this thread's CPU ops on the scalar reference kernels (the test oracle). */
    public static <T> T withScalarKernels(Supplier<T> body) {
        CpuKernels previous = OVERRIDE.get();
        OVERRIDE.set(ScalarKernels.INSTANCE);
        try {
            return body.get();
        } finally {
            OVERRIDE.set(previous);
        }
    }

    private static CpuKernels kernels() {
        CpuKernels k = OVERRIDE.get();
        return k != null ? k : DEFAULT_KERNELS;
    }

    /** Per thread: one segment ({@link StridedLoop#BLOCK} elements) of scratch for the fused ops. */
    private static final ThreadLocal<float[]> SCRATCH_F = ThreadLocal.withInitial(() -> new float[StridedLoop.BLOCK]);
    private static final ThreadLocal<double[]> SCRATCH_D = ThreadLocal.withInitial(() -> new double[StridedLoop.BLOCK]);

    private static float[] f(Tensor t) {
        return ((CpuStorage) t.storage()).floats();
    }

    private static double[] d(Tensor t) {
        return ((CpuStorage) t.storage()).doubles();
    }

    private static boolean isF32(Tensor t) {
        return t.dtype() == DType.FLOAT32;
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public Tensor empty(DType dtype, int[] shape) {
        return Tensor.contiguousView(CpuStorage.allocate(dtype, Shapes.numel(shape)), shape);
    }

    @Override
    public Tensor full(DType dtype, int[] shape, double value) {
        Tensor t = empty(dtype, shape);
        if (value != 0) {
            if (isF32(t)) {
                Arrays.fill(f(t), (float) value);
            } else {
                Arrays.fill(d(t), value);
            }
        }
        return t;
    }

    @Override
    public Tensor fromDoubles(DType dtype, int[] shape, double[] data) {
        if (dtype == DType.FLOAT64) {
            return Tensor.contiguousView(CpuStorage.of(data.clone()), shape);
        }
        float[] out = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = (float) data[i];
        }
        return Tensor.contiguousView(CpuStorage.of(out), shape);
    }

    @Override
    public Tensor fromFloats(int[] shape, float[] data) {
        return Tensor.contiguousView(CpuStorage.of(data.clone()), shape);
    }

    @Override
    public Tensor random(Distribution distribution, DType dtype, int[] shape, long seed, long offset) {
        Tensor out = empty(dtype, shape);
        int n = out.numel();
        int block = StridedLoop.BLOCK;
        Parallel.forEach((n + block - 1) / block, t -> {
            int lo = t * block;
            int count = Math.min(block, n - lo);
            if (isF32(out)) {
                PhiloxSampler.fill(distribution, seed, offset, lo, f(out), lo, count);
            } else {
                PhiloxSampler.fill(distribution, seed, offset, lo, d(out), lo, count);
            }
        });
        return out;
    }

    // ------------------------------------------------------------------ elementwise

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        Tensor out = empty(x.dtype(), x.shape());
        StridedLoop loop = new StridedLoop(x.shape(), new int[] {x.offset(), 0}, x.strides(), out.strides());
        int xs = loop.innerStride(0);
        int ys = loop.innerStride(1);
        CpuKernels k = kernels();
        if (isF32(x)) {
            float[] xa = f(x);
            float[] ya = f(out);
            loop.forEach((off, n) -> k.unary(op, xa, off[0], xs, ya, off[1], ys, n));
        } else {
            double[] xa = d(x);
            double[] ya = d(out);
            loop.forEach((off, n) -> k.unary(op, xa, off[0], xs, ya, off[1], ys, n));
        }
        if (op.domain() != null) {
            int bad = firstNaN(out);
            if (bad >= 0 && !Double.isNaN(x.get(Shapes.unravel(bad, x.shape())))) {
                throw new IllegalArgumentException(op.opName() + ": input " + x.get(Shapes.unravel(bad, x.shape()))
                        + " at index " + Arrays.toString(Shapes.unravel(bad, x.shape())) + " is outside the domain "
                        + op.domain());
            }
        }
        return out;
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        CpuKernels k = kernels();
        Tensor out = overBroadcast(op, a, b,
                (aa, ao, as, ba, bo, bs, ya, yo, ys, n) -> k.binary(op, aa, ao, as, ba, bo, bs, ya, yo, ys, n),
                (aa, ao, as, ba, bo, bs, ya, yo, ys, n) -> k.binary(op, aa, ao, as, ba, bo, bs, ya, yo, ys, n));
        if (op.restrictedDomain()) {
            checkBinaryDomain(op, a, b, out);
        }
        return out;
    }


    private void checkBinaryDomain(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        int bad = firstNaN(out);
        if (bad < 0) {
            return;
        }
        int[] index = Shapes.unravel(bad, out.shape());
        double x = a.expand(out.shape()).get(index);
        double y = b.expand(out.shape()).get(index);
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return;
        }
        String why = op == BinaryOp.POW ? " (a negative base needs an integer exponent)" : "";
        throw new IllegalArgumentException(op.opName() + ": " + x + (op == BinaryOp.POW ? " ^ " : " / ") + y
                + " at index " + Arrays.toString(index) + " has no value" + why);
    }

    private int firstNaN(Tensor contiguous) {
        int n = contiguous.numel();
        return isF32(contiguous) ? kernels().firstNaN(f(contiguous), 0, n) : kernels().firstNaN(d(contiguous), 0, n);
    }

    /**
     * The binary op, then the unary op in place on each segment while it is still in cache. Ops with a
     * restricted domain take the unfused path, whose checks name the op and the offending element.
     */
    @Override
    public Tensor binaryThenUnary(BinaryOp op, Tensor a, Tensor b, UnaryOp u) {
        if (op.restrictedDomain() || u.domain() != null) {
            return unary(u, binary(op, a, b));
        }
        CpuKernels k = kernels();
        return overBroadcast(op, a, b,
                (aa, ao, as, ba, bo, bs, ya, yo, ys, n) -> {
                    k.binary(op, aa, ao, as, ba, bo, bs, ya, yo, ys, n);
                    k.unary(u, ya, yo, ys, ya, yo, ys, n);
                },
                (aa, ao, as, ba, bo, bs, ya, yo, ys, n) -> {
                    k.binary(op, aa, ao, as, ba, bo, bs, ya, yo, ys, n);
                    k.unary(u, ya, yo, ys, ya, yo, ys, n);
                });
    }

    /** {@code u(b)} into each segment of the output, then the binary op with {@code a} in place; domains as above. */
    @Override
    public Tensor binaryOfUnary(BinaryOp op, Tensor a, UnaryOp u, Tensor b) {
        if (op.restrictedDomain() || u.domain() != null) {
            return binary(op, a, unary(u, b));
        }
        CpuKernels k = kernels();
        return overBroadcast(op, a, b,
                (aa, ao, as, ba, bo, bs, ya, yo, ys, n) -> {
                    k.unary(u, ba, bo, bs, ya, yo, ys, n);
                    k.binary(op, aa, ao, as, ya, yo, ys, ya, yo, ys, n);
                },
                (aa, ao, as, ba, bo, bs, ya, yo, ys, n) -> {
                    k.unary(u, ba, bo, bs, ya, yo, ys, n);
                    k.binary(op, aa, ao, as, ya, yo, ys, ya, yo, ys, n);
                });
    }

    /** A segment of two broadcast operands and the output: arrays, offsets and inner strides, and its length. */
    @FunctionalInterface
    private interface SegmentF32 {
        void run(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int ys, int n);
    }

    /** {@link SegmentF32} in float64. */
    @FunctionalInterface
    private interface SegmentF64 {
        void run(double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int ys, int n);
    }

    /** A fresh output over the broadcast of {@code a} and {@code b}, each segment filled by the body of its dtype. */
    private Tensor overBroadcast(BinaryOp op, Tensor a, Tensor b, SegmentF32 f32, SegmentF64 f64) {
        Tensor out = empty(a.dtype(), Shapes.broadcast(op.opName(), a.shape(), b.shape()));
        StridedLoop loop = binaryLoop(a, b, out);
        int as = loop.innerStride(0);
        int bs = loop.innerStride(1);
        int ys = loop.innerStride(2);
        if (isF32(a)) {
            float[] aa = f(a);
            float[] ba = f(b);
            float[] ya = f(out);
            loop.forEach((off, n) -> f32.run(aa, off[0], as, ba, off[1], bs, ya, off[2], ys, n));
        } else {
            double[] aa = d(a);
            double[] ba = d(b);
            double[] ya = d(out);
            loop.forEach((off, n) -> f64.run(aa, off[0], as, ba, off[1], bs, ya, off[2], ys, n));
        }
        return out;
    }

    /**
     * Per segment: {@code y = score·step}, {@code y = x + y}, then {@code y = y + noise·noiseScale} through a
     * per-thread scratch segment: the same roundings as the three ops one after the other.
     */
    @Override
    public Tensor langevinStep(Tensor x, Tensor score, Tensor noise, double step, double noiseScale) {
        Tensor out = empty(x.dtype(), x.shape());
        StridedLoop loop = new StridedLoop(x.shape(), new int[] {x.offset(), score.offset(), noise.offset(), 0},
                x.strides(), score.strides(), noise.strides(), out.strides());
        int xs = loop.innerStride(0);
        int ss = loop.innerStride(1);
        int zs = loop.innerStride(2);
        int ys = loop.innerStride(3);
        CpuKernels k = kernels();
        if (isF32(x)) {
            float[] xa = f(x);
            float[] sa = f(score);
            float[] za = f(noise);
            float[] ya = f(out);
            float[] h = {(float) step};
            float[] c = {(float) noiseScale};
            loop.forEach((off, n) -> {
                float[] t = SCRATCH_F.get();
                k.binary(BinaryOp.MUL, sa, off[1], ss, h, 0, 0, ya, off[3], ys, n);
                k.binary(BinaryOp.ADD, xa, off[0], xs, ya, off[3], ys, ya, off[3], ys, n);
                k.binary(BinaryOp.MUL, za, off[2], zs, c, 0, 0, t, 0, 1, n);
                k.binary(BinaryOp.ADD, ya, off[3], ys, t, 0, 1, ya, off[3], ys, n);
            });
        } else {
            double[] xa = d(x);
            double[] sa = d(score);
            double[] za = d(noise);
            double[] ya = d(out);
            double[] h = {step};
            double[] c = {noiseScale};
            loop.forEach((off, n) -> {
                double[] t = SCRATCH_D.get();
                k.binary(BinaryOp.MUL, sa, off[1], ss, h, 0, 0, ya, off[3], ys, n);
                k.binary(BinaryOp.ADD, xa, off[0], xs, ya, off[3], ys, ya, off[3], ys, n);
                k.binary(BinaryOp.MUL, za, off[2], zs, c, 0, 0, t, 0, 1, n);
                k.binary(BinaryOp.ADD, ya, off[3], ys, t, 0, 1, ya, off[3], ys, n);
            });
        }
        return out;
    }

    private static StridedLoop binaryLoop(Tensor a, Tensor b, Tensor out) {
        int[] shape = out.shape();
        return new StridedLoop(shape, new int[] {a.offset(), b.offset(), 0},
                Shapes.broadcastStrides(a.shape(), a.strides(), shape),
                Shapes.broadcastStrides(b.shape(), b.strides(), shape), out.strides());
    }

    @Override
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast("where", cond.shape(), Shapes.broadcast("where", a.shape(), b.shape()));
        Tensor out = empty(a.dtype(), shape);
        StridedLoop loop = new StridedLoop(shape, new int[] {cond.offset(), a.offset(), b.offset(), 0},
                Shapes.broadcastStrides(cond.shape(), cond.strides(), shape),
                Shapes.broadcastStrides(a.shape(), a.strides(), shape),
                Shapes.broadcastStrides(b.shape(), b.strides(), shape), out.strides());
        int cs = loop.innerStride(0);
        int as = loop.innerStride(1);
        int bs = loop.innerStride(2);
        int ys = loop.innerStride(3);
        CpuKernels k = kernels();
        if (isF32(a)) {
            float[] ca = f(cond);
            float[] aa = f(a);
            float[] ba = f(b);
            float[] ya = f(out);
            loop.forEach((off, n) -> k.where(ca, off[0], cs, aa, off[1], as, ba, off[2], bs, ya, off[3], ys, n));
        } else {
            double[] ca = d(cond);
            double[] aa = d(a);
            double[] ba = d(b);
            double[] ya = d(out);
            loop.forEach((off, n) -> k.where(ca, off[0], cs, aa, off[1], as, ba, off[2], bs, ya, off[3], ys, n));
        }
        return out;
    }

    // ------------------------------------------------------------------ reductions

    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepdim) {
        int[] outShape = Shapes.reduced(x.shape(), axes, keepdim);
        if (x.numel() == 0) {
            return full(x.dtype(), outShape, op.identity());
        }
        // a reduced axis of size 1 changes nothing: drop it from the view and from the axes
        int[] shape = x.shape();
        int[] strides = x.strides();
        int[] keptShape = new int[shape.length];
        int[] keptStrides = new int[shape.length];
        int[] live = new int[axes.length];
        int rank = 0;
        int liveCount = 0;
        for (int i = 0; i < shape.length; i++) {
            boolean reduced = Arrays.binarySearch(axes, i) >= 0;
            if (reduced && shape[i] == 1) {
                continue;
            }
            if (reduced) {
                live[liveCount++] = rank;
            }
            keptShape[rank] = shape[i];
            keptStrides[rank++] = strides[i];
        }
        Tensor v = Tensor.view(x.storage(), Arrays.copyOf(keptShape, rank), Arrays.copyOf(keptStrides, rank), x.offset());
        if (liveCount == 0 && axes.length > 0) {
            // op(identity, x) is x, except that a sum starting from 0 turns −0 into +0
            Tensor out;
            if (op == ReduceOp.SUM) {
                out = binary(BinaryOp.ADD, v, full(x.dtype(), new int[0], 0.0));
            } else {
                out = empty(x.dtype(), v.shape());
                copy(v, out);
            }
            return Tensor.contiguousView(out.storage(), outShape);
        }
        return Tensor.contiguousView(reduceLive(op, v, Arrays.copyOf(live, liveCount)).storage(), outShape);
    }

    /** The reduction of {@code x} over {@code axes} (sorted, none of size 1), as a flat contiguous tensor. */
    private Tensor reduceLive(ReduceOp op, Tensor x, int[] axes) {
        int[] shape = x.shape();
        int rows = 1;
        for (int a : axes) {
            rows *= shape[a];
        }
        boolean run = axes.length > 0 && axes[axes.length - 1] - axes[0] == axes.length - 1;
        if (run && x.isContiguous()) {
            int outer = 1;
            for (int i = 0; i < axes[0]; i++) {
                outer *= shape[i];
            }
            int width = x.numel() / rows / outer;
            if (width >= 16) {
                return reduceMiddle(op, x, outer, rows, width);
            }
        }
        int width = x.numel() / rows;
        Tensor rowsLast = x.permute(keptThenReduced(shape.length, axes)).contiguous();
        return reduceTrailing(op, rowsLast, width, rows);
    }

    private static int[] keptThenReduced(int rank, int[] axes) {
        int[] order = new int[rank];
        int j = 0;
        for (int i = 0; i < rank; i++) {
            if (Arrays.binarySearch(axes, i) < 0) {
                order[j++] = i;
            }
        }
        for (int a : axes) {
            order[j++] = a;
        }
        return order;
    }

    /** {@code out[m] = op over x[m, 0..len)} for a contiguous {@code [rows, len]} tensor, in fixed chunks. */
    private Tensor reduceTrailing(ReduceOp op, Tensor x, int rows, int len) {
        CpuKernels k = kernels();
        int block = StridedLoop.BLOCK;
        int pieces = (len + block - 1) / block;
        double[] partial = new double[rows * pieces];
        int rowsPerTask = pieces > 1 ? 1 : Math.max(1, block / len);
        int tasks = pieces > 1 ? rows * pieces : (rows + rowsPerTask - 1) / rowsPerTask;
        int base = x.offset();
        Parallel.forEach(tasks, t -> {
            int first = pieces > 1 ? t : t * rowsPerTask;
            int last = pieces > 1 ? t + 1 : Math.min(rows * pieces, first + rowsPerTask);
            for (int p = first; p < last; p++) {
                int row = p / pieces;
                int lo = (p % pieces) * block;
                int n = Math.min(block, len - lo);
                int at = base + row * len + lo;
                partial[p] = isF32(x) ? k.reduce(op, f(x), at, n) : k.reduce(op, d(x), at, n);
            }
        });
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double acc = op.identity();
            for (int p = 0; p < pieces; p++) {
                acc = op.combine(acc, partial[r * pieces + p]);
            }
            out[r] = acc;
        }
        return fromDoubles(x.dtype(), new int[] {rows}, out);
    }

    /**
     * {@code out[o, j] = op over x[o, 0..rows, j]} for a contiguous {@code [outer, rows, width]} tensor, row by row
     * (vector lanes across {@code j}), in column chunks that depend only on the sizes.
     */
    private Tensor reduceMiddle(ReduceOp op, Tensor x, int outer, int rows, int width) {
        Tensor out = full(x.dtype(), new int[] {outer * width}, op.identity());
        CpuKernels k = kernels();
        int columns = Math.min(width, Math.max(256, StridedLoop.BLOCK / rows / 16 * 16));
        int chunks = (width + columns - 1) / columns;
        int base = x.offset();
        int pieces = outer * chunks;
        int perTask = Math.max(1, StridedLoop.GRAIN / (rows * columns));
        Parallel.forEach((pieces + perTask - 1) / perTask, task -> {
            for (int t = task * perTask; t < Math.min(pieces, (task + 1) * perTask); t++) {
                int o = t / chunks;
                int lo = (t % chunks) * columns;
                int n = Math.min(columns, width - lo);
                for (int r = 0; r < rows; r++) {
                    int at = base + (o * rows + r) * width + lo;
                    if (isF32(x)) {
                        k.accumulate(op, f(x), at, f(out), o * width + lo, n);
                    } else {
                        k.accumulate(op, d(x), at, d(out), o * width + lo, n);
                    }
                }
            }
        });
        return out;
    }

    @Override
    public Tensor argmax(Tensor x, int axis, boolean keepdim) {
        int[] axes = {axis};
        int len = x.shape()[axis];
        Tensor rowsLast = x.permute(keptThenReduced(x.rank(), axes)).contiguous();
        double[] v = toDoubleArray(rowsLast);
        int rows = v.length / len;
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            double bestValue = v[r * len];
            for (int i = 1; i < len && !Double.isNaN(bestValue); i++) {
                double value = v[r * len + i];
                if (value > bestValue || Double.isNaN(value)) {
                    best = i;
                    bestValue = value;
                }
            }
            out[r] = best;
        }
        return fromDoubles(DType.FLOAT64, Shapes.reduced(x.shape(), axes, keepdim), out);
    }

    // ------------------------------------------------------------------ convolution

    @Override
    public Tensor conv2d(Tensor x, Tensor w, Conv2dSpec spec) {
        int[] xs = x.shape();
        int[] ws = w.shape();
        ConvGeometry geo = new ConvGeometry(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], spec);
        int[] shape = spec.outputShape("conv2d", xs, ws);
        if (directConv()) {
            return fromDoubles(x.dtype(), shape, new DirectConv(geo).forward(toDoubleArray(x), toDoubleArray(w)));
        }
        Tensor y = empty(x.dtype(), shape);
        GemmConv.forward(geo, data(x), x.offset(), data(w), w.offset(), data(y));
        return y;
    }

    @Override
    public Tensor conv2dTranspose(Tensor g, Tensor w, Conv2dSpec spec, int h, int width) {
        int[] gs = g.shape();
        int[] ws = w.shape();
        int c = ws[1] * spec.groups();
        ConvGeometry geo = new ConvGeometry(gs[0], c, h, width, ws[0], ws[2], ws[3], spec);
        int[] shape = {gs[0], c, h, width};
        if (directConv()) {
            return fromDoubles(g.dtype(), shape, new DirectConv(geo).transpose(toDoubleArray(g), toDoubleArray(w)));
        }
        Tensor dx = empty(g.dtype(), shape);
        GemmConv.transpose(geo, data(g), g.offset(), data(w), w.offset(), data(dx));
        return dx;
    }

    @Override
    public Tensor conv2dWeightGrad(Tensor x, Tensor g, Conv2dSpec spec, int kh, int kw) {
        int[] xs = x.shape();
        int o = g.shape()[1];
        ConvGeometry geo = new ConvGeometry(xs[0], xs[1], xs[2], xs[3], o, kh, kw, spec);
        int[] shape = {o, xs[1] / spec.groups(), kh, kw};
        if (directConv()) {
            return fromDoubles(x.dtype(), shape, new DirectConv(geo).weightGrad(toDoubleArray(x), toDoubleArray(g)));
        }
        Tensor dw = empty(x.dtype(), shape);
        GemmConv.weightGrad(geo, data(x), x.offset(), data(g), g.offset(), data(dw));
        return dw;
    }

    /** Whether convolutions run on their scalar twin {@link DirectConv} (with the scalar kernels) rather than {@link GemmConv}. */
    private static boolean directConv() {
        return kernels() instanceof ScalarKernels;
    }

    /** The array behind {@code t}: {@code float[]} or {@code double[]}. */
    private static Object data(Tensor t) {
        return isF32(t) ? f(t) : d(t);
    }

    // ------------------------------------------------------------------ matmul

    @Override
    public Tensor matmul(Tensor a, Tensor b) {
        int ra = a.rank();
        int rb = b.rank();
        int m = a.shape()[ra - 2];
        int k = a.shape()[ra - 1];
        int n = b.shape()[rb - 1];
        if (rb == 2 && ra > 2 && k > 0 && foldsIntoRows(a)) {
            int[] outShape = Arrays.copyOf(a.shape(), ra);
            outShape[ra - 1] = n;
            Tensor rows = Tensor.view(a.storage(), new int[] {a.numel() / Math.max(k, 1), k},
                    new int[] {a.strides()[ra - 2], a.strides()[ra - 1]}, a.offset());
            return Tensor.contiguousView(matmul(rows, b).storage(), outShape);
        }
        int[] batch = Shapes.broadcast("matmul", Arrays.copyOf(a.shape(), ra - 2), Arrays.copyOf(b.shape(), rb - 2));
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = empty(a.dtype(), outShape);
        int[] aBatch = Shapes.broadcastStrides(Arrays.copyOf(a.shape(), ra - 2), Arrays.copyOf(a.strides(), ra - 2), batch);
        int[] bBatch = Shapes.broadcastStrides(Arrays.copyOf(b.shape(), rb - 2), Arrays.copyOf(b.strides(), rb - 2), batch);
        int ars = a.strides()[ra - 2];
        int acs = a.strides()[ra - 1];
        int brs = b.strides()[rb - 2];
        int bcs = b.strides()[rb - 1];
        int count = Shapes.numel(batch);
        CpuKernels kern = kernels();
        long work = (long) m * n * Math.max(k, 1);
        int perTask = (int) Math.max(1, Math.min(count, (1L << 16) / Math.max(work, 1)));
        Parallel.forEach((count + perTask - 1) / perTask, t -> {
            for (int i = t * perTask; i < Math.min(count, (t + 1) * perTask); i++) {
                int[] index = Shapes.unravel(i, batch);
                int ao = a.offset();
                int bo = b.offset();
                for (int j = 0; j < batch.length; j++) {
                    ao += index[j] * aBatch[j];
                    bo += index[j] * bBatch[j];
                }
                int co = i * m * n;
                if (isF32(a)) {
                    kern.gemm(m, n, k, f(a), ao, ars, acs, f(b), bo, brs, bcs, f(out), co, n);
                } else {
                    kern.gemm(m, n, k, d(a), ao, ars, acs, d(b), bo, brs, bcs, d(out), co, n);
                }
            }
        });
        return out;
    }

    /** Whether the batch axes of {@code a} and its row axis form one strided axis (so a batch of products is one). */
    private static boolean foldsIntoRows(Tensor a) {
        int[] s = a.shape();
        int[] st = a.strides();
        // Each batch axis must start where the axes inside it end; size-1 axes (any stride) are skipped.
        long next = (long) st[s.length - 2] * s[s.length - 2];
        for (int i = s.length - 3; i >= 0; i--) {
            if (s[i] == 1) {
                continue;
            }
            if (st[i] != next) {
                return false;
            }
            next = (long) st[i] * s[i];
        }
        return true;
    }

    // ------------------------------------------------------------------ copies

    @Override
    public void copy(Tensor src, Tensor dst) {
        int[] shape = dst.shape();
        int[] srcStrides = Shapes.broadcastStrides(src.shape(), src.strides(), shape);
        Object from = isF32(src) ? f(src) : d(src);
        Object to = isF32(dst) ? f(dst) : d(dst);
        int last = shape.length - 1;
        if (last > 0 && srcStrides[last] == 0 && dst.strides()[last] == 1 && shape[last] > 1
                && shape[last] <= Copies.MAX_REPEATS && src.dtype() == dst.dtype()) {
            // each element repeated along a short last axis (nearest upsampling): segments over the axes before it
            int times = shape[last];
            StridedLoop loop = new StridedLoop(Arrays.copyOf(shape, last), new int[] {src.offset(), dst.offset()},
                    Arrays.copyOf(srcStrides, last), Arrays.copyOf(dst.strides(), last));
            int ss = loop.innerStride(0);
            int ds = loop.innerStride(1);
            loop.forEach((off, n) -> Copies.repeat(from, off[0], ss, to, off[1], ds, n, times));
            return;
        }
        StridedLoop loop = new StridedLoop(shape, new int[] {src.offset(), dst.offset()}, srcStrides, dst.strides());
        int ss = loop.innerStride(0);
        int ds = loop.innerStride(1);
        loop.forEach((off, n) -> Copies.copy(from, off[0], ss, to, off[1], ds, n));
    }

    @Override
    public double[] toDoubleArray(Tensor x) {
        Tensor out = empty(DType.FLOAT64, x.shape());
        copy(x, out);
        return d(out);
    }

    @Override
    public Tensor transferFrom(Tensor x) {
        return fromDoubles(x.dtype(), x.shape(), x.toDoubleArray());
    }
}
