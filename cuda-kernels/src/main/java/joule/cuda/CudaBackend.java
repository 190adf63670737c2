package joule.cuda;

import java.util.Arrays;
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

/**
 * The GPU backend: tensors in device memory ({@link CudaStorage}, pooled by a {@link CachingAllocator}), every op a
 * hand-written kernel (kernels.cu, through JCuda's driver API), with the CPU backend's results: elementwise ops
 * compute in double and round once, as the CPU's scalar reference does; reductions add in double in an order fixed
 * by the shapes; Philox numbers follow the CPU's element mapping (uniform and Rademacher bit for bit).
 *
 * <p>All work is queued on one stream, in order, so the host waits only when it reads data back ({@code
 * toDoubleArray}, and with it {@code item} and {@code toString}) or calls {@link #synchronize}. Domain errors
 * ({@code log} of a negative value, {@code 0/0}, ...) are found by the kernels and thrown at that point, with the
 * CPU's message ({@link DomainErrors}).
 *
 * <p>System properties, read when the backend is created: {@code joule.cuda.tf32=true} runs float32 matmul on
 * tensor cores in TF32 (inputs rounded to 10-bit mantissas: faster, less exact); {@code joule.cuda.poison=true}
 * fills every new buffer with NaN before a kernel writes it, so that an element a kernel fails to write shows.
 */
public final class CudaBackend implements Backend {
    private static final int THREADS = 256;
    /** 0x7FF80000 is a NaN as a float32, and 0x7FF80000_7FF80000 is a NaN as a float64. */
    private static final int NAN_WORD = 0x7FF80000;
    /** Most blocks of the y dimension of a grid. */
    private static final int MAX_GRID_Y = 65535;
    /** Most partial sums a weight gradient is cut into (its rows are cut into chunks up to this many in all). */
    private static final int MAX_PARTIALS = 1 << 24;

    private final Gpu gpu;
    private final CachingAllocator allocator;
    private final DomainErrors errors = new DomainErrors();
    private final CudaStorage errorRecord;
    private final boolean poison;
    private final boolean tf32;
    private final int maxBlocks;

    CudaBackend(Gpu gpu, boolean poison, boolean tf32) {
        this.gpu = gpu;
        this.allocator = new CachingAllocator(gpu, CachingAllocator::collectGarbage);
        this.poison = poison;
        this.tf32 = tf32;
        this.maxBlocks = gpu.multiprocessors() * (2048 / THREADS);
        this.errorRecord = CudaStorage.allocate(allocator, DType.FLOAT64, DomainErrors.RECORD_BYTES / 8);
        resetErrorRecord("cuda backend");
    }

    /**
     * Opens device 0.
     *
     * @throws IllegalStateException saying why there is no usable GPU
     */
    static CudaBackend open() {
        return new CudaBackend(CudaDevice.open(), Boolean.getBoolean("joule.cuda.poison"),
                Boolean.getBoolean("joule.cuda.tf32"));
    }

    @Override
    public Device device() {
        return Device.CUDA;
    }

    /** Waits for all queued work and throws the first domain error a kernel found since the last wait, if any. */
    public void synchronize() {
        synchronize("synchronize");
    }

    /** Gives the memory that the pool holds but no tensor uses back to the driver. */
    public void emptyCache() {
        allocator.emptyCache();
    }

    @Override
    public String toString() {
        return "CudaBackend[" + gpu.name() + (tf32 ? ", tf32" : "") + (poison ? ", poison" : "") + "]";
    }

    // ------------------------------------------------------------------ buffers

    private static CudaStorage storage(Tensor t) {
        return (CudaStorage) t.storage();
    }

    private Tensor newTensor(DType dtype, int[] shape, String op) {
        int n = Shapes.numel(shape);
        CudaStorage s = CudaStorage.allocate(allocator, dtype, n);
        if (poison && n > 0) {
            gpu.fill32(s.address(), NAN_WORD, (long) n * dtype.bytes() / 4, op);
        }
        return Tensor.contiguousView(s, shape);
    }

    /** Blocks of a grid-stride launch over {@code n} items. */
    private int blocksFor(long n) {
        return (int) Math.max(1, Math.min(maxBlocks, (n + THREADS - 1) / THREADS));
    }

    private void synchronize(String op) {
        gpu.synchronize(op);
        byte[] record = new byte[DomainErrors.RECORD_BYTES];
        gpu.copyToHost(record, errorRecord.address(), op);
        IllegalArgumentException error = errors.toException(record);
        if (error != null) {
            resetErrorRecord(op);
            throw error;
        }
    }

    private void resetErrorRecord(String op) {
        gpu.copyToDevice(errorRecord.address(), DomainErrors.emptyRecord(), op);
    }

    // ------------------------------------------------------------------ creation and transfer

    @Override
    public Tensor empty(DType dtype, int[] shape) {
        return newTensor(dtype, shape, "empty");
    }

    @Override
    public Tensor full(DType dtype, int[] shape, double value) {
        Tensor out = newTensor(dtype, shape, "full");
        fill(out, value, "full");
        return out;
    }

    private void fill(Tensor contiguous, double value, String op) {
        int n = contiguous.numel();
        if (n > 0) {
            gpu.launch(Kernel.of(Kernel.FILL_F32, Kernel.FILL_F64, contiguous.dtype()), op, blocksFor(n), 1, THREADS,
                    new KernelArgs().i32(n).f64(value).buffer(storage(contiguous)));
        }
    }

    @Override
    public Tensor fromDoubles(DType dtype, int[] shape, double[] data) {
        if (dtype == DType.FLOAT32) {
            float[] rounded = new float[data.length];
            for (int i = 0; i < data.length; i++) {
                rounded[i] = (float) data[i];
            }
            return fromFloats(shape, rounded);
        }
        Tensor out = newTensor(dtype, shape, "fromDoubles");
        upload(out, data, "fromDoubles");
        return out;
    }

    @Override
    public Tensor fromFloats(int[] shape, float[] data) {
        Tensor out = newTensor(DType.FLOAT32, shape, "fromFloats");
        upload(out, data, "fromFloats");
        return out;
    }

    private void upload(Tensor out, Object hostArray, String op) {
        if (out.numel() > 0) {
            gpu.copyToDevice(storage(out).address(), hostArray, op);
        }
    }

    @Override
    public Tensor transferFrom(Tensor x) {
        return x.dtype() == DType.FLOAT32 ? fromFloats(x.shape(), x.toFloatArray())
                : fromDoubles(DType.FLOAT64, x.shape(), x.toDoubleArray());
    }

    @Override
    public double[] toDoubleArray(Tensor x) {
        Tensor c = x;
        if (!x.isContiguous()) {
            c = empty(x.dtype(), x.shape());
            copy(x, c);
        }
        synchronize("toDoubleArray");
        int n = c.numel();
        double[] out = new double[n];
        if (n == 0) {
            return out;
        }
        long at = storage(c).address() + (long) c.offset() * c.dtype().bytes();
        if (c.dtype() == DType.FLOAT64) {
            gpu.copyToHost(out, at, "toDoubleArray");
        } else {
            float[] values = new float[n];
            gpu.copyToHost(values, at, "toDoubleArray");
            for (int i = 0; i < n; i++) {
                out[i] = values[i];
            }
        }
        // c (and x, which it may be) must stay reachable until the copy is done: otherwise the Cleaner could
        // hand its block to another thread's kernel mid-read
        java.lang.ref.Reference.reachabilityFence(c);
        java.lang.ref.Reference.reachabilityFence(x);
        return out;
    }

    @Override
    public Tensor random(Distribution distribution, DType dtype, int[] shape, long seed, long offset) {
        Tensor out = newTensor(dtype, shape, "random");
        int n = out.numel();
        if (n > 0) {
            int perBlock = distribution == Distribution.RADEMACHER || dtype == DType.FLOAT32 ? 4 : 2;
            gpu.launch(Kernel.of(Kernel.RANDOM_F32, Kernel.RANDOM_F64, dtype), "random",
                    blocksFor(((long) n + perBlock - 1) / perBlock), 1, THREADS, new KernelArgs().i32(distribution.ordinal())
                            .i32(n).i32(perBlock).u64(seed).u64(offset).buffer(storage(out)));
        }
        return out;
    }

    // ------------------------------------------------------------------ elementwise

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        Tensor out = newTensor(x.dtype(), x.shape(), op.opName());
        int n = out.numel();
        if (n > 0) {
            int[] layout = Layouts.of(op.opName(), x.shape(), new int[] {x.offset()}, x.strides());
            int descriptor = op.domain() != null ? errors.descriptor(op, x.shape()) : -1;
            gpu.launch(Kernel.of(Kernel.UNARY_F32, Kernel.UNARY_F64, x.dtype()), op.opName(), blocksFor(n), 1, THREADS,
                    new KernelArgs().struct(layout).i32(n).i32(op.ordinal()).buffer(storage(x)).buffer(storage(out))
                            .buffer(errorRecord).i32(descriptor));
        }
        return out;
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast(op.opName(), a.shape(), b.shape());
        Tensor out = newTensor(a.dtype(), shape, op.opName());
        int n = out.numel();
        if (n > 0) {
            int[] layout = layout(op.opName(), shape, a, b);
            int descriptor = op.restrictedDomain() ? errors.descriptor(op, shape) : -1;
            gpu.launch(Kernel.of(Kernel.BINARY_F32, Kernel.BINARY_F64, a.dtype()), op.opName(), blocksFor(n), 1,
                    THREADS, new KernelArgs().struct(layout).i32(n).i32(op.ordinal()).buffer(storage(a))
                            .buffer(storage(b)).buffer(storage(out)).buffer(errorRecord).i32(descriptor));
        }
        return out;
    }

    /** The layout of operands broadcast to {@code shape}. */
    private static int[] layout(String op, int[] shape, Tensor... operands) {
        int[] offsets = new int[operands.length];
        int[][] strides = new int[operands.length][];
        for (int k = 0; k < operands.length; k++) {
            offsets[k] = operands[k].offset();
            strides[k] = Shapes.broadcastStrides(operands[k].shape(), operands[k].strides(), shape);
        }
        return Layouts.of(op, shape, offsets, strides);
    }

    /**
     * Fused when neither op has a restricted domain; otherwise the two ops one after the other, so that domain
     * errors are found and reported exactly as on the CPU.
     */
    @Override
    public Tensor binaryThenUnary(BinaryOp op, Tensor a, Tensor b, UnaryOp u) {
        if (op.restrictedDomain() || u.domain() != null) {
            return unary(u, binary(op, a, b));
        }
        return fused(Kernel.of(Kernel.BINARY_THEN_UNARY_F32, Kernel.BINARY_THEN_UNARY_F64, a.dtype()),
                op.opName() + "+" + u.opName(), op, a, u, b);
    }

    /** Fused when neither op has a restricted domain, like {@link #binaryThenUnary}. */
    @Override
    public Tensor binaryOfUnary(BinaryOp op, Tensor a, UnaryOp u, Tensor b) {
        if (op.restrictedDomain() || u.domain() != null) {
            return binary(op, a, unary(u, b));
        }
        return fused(Kernel.of(Kernel.BINARY_OF_UNARY_F32, Kernel.BINARY_OF_UNARY_F64, a.dtype()),
                op.opName() + "+" + u.opName(), op, a, u, b);
    }

    private Tensor fused(Kernel kernel, String name, BinaryOp op, Tensor a, UnaryOp u, Tensor b) {
        int[] shape = Shapes.broadcast(name, a.shape(), b.shape());
        Tensor out = newTensor(a.dtype(), shape, name);
        int n = out.numel();
        if (n > 0) {
            gpu.launch(kernel, name, blocksFor(n), 1, THREADS, new KernelArgs().struct(layout(name, shape, a, b))
                    .i32(n).i32(op.ordinal()).i32(u.ordinal()).buffer(storage(a)).buffer(storage(b))
                    .buffer(storage(out)));
        }
        return out;
    }

    @Override
    public Tensor langevinStep(Tensor x, Tensor score, Tensor noise, double step, double noiseScale) {
        Tensor out = newTensor(x.dtype(), x.shape(), "langevinStep");
        int n = out.numel();
        if (n > 0) {
            gpu.launch(Kernel.of(Kernel.LANGEVIN_STEP_F32, Kernel.LANGEVIN_STEP_F64, x.dtype()), "langevinStep",
                    blocksFor(n), 1, THREADS, new KernelArgs().struct(layout("langevinStep", x.shape(), x, score, noise))
                            .i32(n).f64(step).f64(noiseScale).buffer(storage(x)).buffer(storage(score))
                            .buffer(storage(noise)).buffer(storage(out)));
        }
        return out;
    }

    @Override
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast("where", cond.shape(), Shapes.broadcast("where", a.shape(), b.shape()));
        Tensor out = newTensor(a.dtype(), shape, "where");
        int n = out.numel();
        if (n > 0) {
            gpu.launch(Kernel.of(Kernel.WHERE_F32, Kernel.WHERE_F64, a.dtype()), "where", blocksFor(n), 1, THREADS,
                    new KernelArgs().struct(layout("where", shape, cond, a, b)).i32(n).buffer(storage(cond))
                            .buffer(storage(a)).buffer(storage(b)).buffer(storage(out)));
        }
        return out;
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        int[] shape = dst.shape();
        int n = dst.numel();
        if (n == 0) {
            return;
        }
        int[] layout = Layouts.of("copy", shape, new int[] {src.offset(), dst.offset()},
                Shapes.broadcastStrides(src.shape(), src.strides(), shape), dst.strides());
        Kernel kernel = Kernel.of(Kernel.COPY_F32_F32, Kernel.COPY_F32_F64, Kernel.COPY_F64_F32, Kernel.COPY_F64_F64,
                src.dtype(), dst.dtype());
        gpu.launch(kernel, "copy", blocksFor(n), 1, THREADS, new KernelArgs().struct(layout).i32(n)
                .buffer(storage(src)).buffer(storage(dst)));
    }

    // ------------------------------------------------------------------ reductions

    /** A tensor's axes split into kept ones (in order) and reduced ones, as two one-operand layouts. */
    private record Rows(int[] kept, int[] reduced, int outputs, int length) {
        static Rows of(String op, Tensor x, int[] sortedAxes) {
            int[] shape = x.shape();
            int[] strides = x.strides();
            int[] keptShape = new int[shape.length - sortedAxes.length];
            int[] keptStrides = new int[keptShape.length];
            int[] reducedShape = new int[sortedAxes.length];
            int[] reducedStrides = new int[sortedAxes.length];
            for (int i = 0, k = 0, r = 0; i < shape.length; i++) {
                if (Arrays.binarySearch(sortedAxes, i) >= 0) {
                    reducedShape[r] = shape[i];
                    reducedStrides[r++] = strides[i];
                } else {
                    keptShape[k] = shape[i];
                    keptStrides[k++] = strides[i];
                }
            }
            return new Rows(Layouts.of(op, keptShape, new int[] {x.offset()}, keptStrides),
                    Layouts.of(op, reducedShape, new int[] {0}, reducedStrides), Shapes.numel(keptShape),
                    Shapes.numel(reducedShape));
        }

        ReducePlan plan(int chunkLength) {
            return ReducePlan.of(outputs, length, Layouts.innerStride(kept, 0), Layouts.innerStride(reduced, 0),
                    chunkLength);
        }
    }

    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepdim) {
        int[] outShape = Shapes.reduced(x.shape(), axes, keepdim);
        if (x.numel() == 0) {
            return full(x.dtype(), outShape, op.identity());
        }
        Tensor rows = reduceRows(op, Rows.of(op.opName(), x, axes), storage(x), x.dtype(), x.dtype());
        return Tensor.contiguousView(rows.storage(), outShape);
    }

    /**
     * {@code out[o] = op over row o}, as a contiguous {@code [outputs]} tensor of {@code outType}. Rows longer than
     * {@link ReducePlan#CHUNK} are reduced in chunks into float64 partial results, which are reduced in turn.
     */
    private Tensor reduceRows(ReduceOp op, Rows rows, CudaStorage in, DType inType, DType outType) {
        ReducePlan plan = rows.plan(ReducePlan.CHUNK);
        DType partType = plan.chunks() > 1 ? DType.FLOAT64 : outType;
        Tensor part = newTensor(partType, new int[] {rows.outputs(), plan.chunks()}, op.opName());
        gpu.launch(Kernel.of(Kernel.REDUCE_F32_F32, Kernel.REDUCE_F32_F64, Kernel.REDUCE_F64_F32,
                        Kernel.REDUCE_F64_F64, inType, partType), op.opName(), plan.blocks(), 1, THREADS,
                new KernelArgs().struct(rows.kept()).struct(rows.reduced()).i32(op.ordinal()).i32(rows.outputs())
                        .i32(rows.length()).i32(plan.chunkLength()).i32(plan.chunks()).i32(plan.lanes())
                        .i32(plan.lanesFastest() ? 1 : 0).buffer(in).buffer(storage(part)));
        if (plan.chunks() == 1) {
            return part;
        }
        Rows partials = Rows.of(op.opName(), part, new int[] {1});
        return reduceRows(op, partials, storage(part), DType.FLOAT64, outType);
    }

    @Override
    public Tensor argmax(Tensor x, int axis, boolean keepdim) {
        int[] axes = {axis};
        Tensor out = newTensor(DType.FLOAT64, Shapes.reduced(x.shape(), axes, keepdim), "argmax");
        Rows rows = Rows.of("argmax", x, axes);
        if (rows.outputs() > 0) {
            ReducePlan plan = rows.plan(rows.length());
            gpu.launch(Kernel.of(Kernel.ARGMAX_F32, Kernel.ARGMAX_F64, x.dtype()), "argmax", plan.blocks(), 1, THREADS,
                    new KernelArgs().struct(rows.kept()).struct(rows.reduced()).i32(rows.outputs()).i32(rows.length())
                            .i32(plan.lanes()).i32(plan.lanesFastest() ? 1 : 0).buffer(storage(x))
                            .buffer(storage(out)));
        }
        return out;
    }

    // ------------------------------------------------------------------ convolution

    /**
     * One thread per output element, summing its (input channel, tap) products in double in the CPU reference's
     * order (conv.cuh).
     */
    @Override
    public Tensor conv2d(Tensor x, Tensor w, Conv2dSpec spec) {
        int[] shape = spec.outputShape("conv2d", x.shape(), w.shape());
        Tensor out = newTensor(x.dtype(), shape, "conv2d");
        int n = out.numel();
        if (n > 0) {
            gpu.launch(Kernel.of(Kernel.CONV2D_F32, Kernel.CONV2D_F64, x.dtype()), "conv2d", blocksFor(n), 1, THREADS,
                    new KernelArgs().struct(convGeometry(x.shape(), w.shape(), shape, spec)).i32(x.offset())
                            .i32(w.offset()).buffer(storage(x)).buffer(storage(w)).buffer(storage(out)));
        }
        return out;
    }

    /**
     * In gather form: one thread per element of the result, summing over the (output channel, output pixel) pairs
     * that read it, in double in the CPU reference's order (conv.cuh).
     */
    @Override
    public Tensor conv2dTranspose(Tensor g, Tensor w, Conv2dSpec spec, int h, int width) {
        int[] shape = {g.shape()[0], w.shape()[1] * spec.groups(), h, width};
        Tensor out = newTensor(g.dtype(), shape, "conv2dTranspose");
        int n = out.numel();
        if (n > 0) {
            gpu.launch(Kernel.of(Kernel.CONV2D_TRANSPOSE_F32, Kernel.CONV2D_TRANSPOSE_F64, g.dtype()), "conv2dTranspose",
                    blocksFor(n), 1, THREADS, new KernelArgs().struct(convGeometry(shape, w.shape(), g.shape(), spec))
                            .i32(g.offset()).i32(w.offset()).buffer(storage(g)).buffer(storage(w))
                            .buffer(storage(out)));
        }
        return out;
    }

    /**
     * A reduction per weight element over the {@code N·Ho·Wo} products it takes part in, planned as {@link #reduce}
     * plans one ({@link ReducePlan}: lanes of a block, then chunks whose float64 partial sums a second pass adds),
     * so the order of the additions depends on the shapes only.
     */
    @Override
    public Tensor conv2dWeightGrad(Tensor x, Tensor g, Conv2dSpec spec, int kh, int kw) {
        int[] shape = {g.shape()[1], x.shape()[1] / spec.groups(), kh, kw};
        int weights = Shapes.numel(shape);
        if (weights == 0) {
            return newTensor(x.dtype(), shape, "conv2dWeightGrad");
        }
        int length = g.shape()[0] * g.shape()[2] * g.shape()[3];  // at most g's size, as g has ≥ 1 channel
        if (length == 0) {
            return full(x.dtype(), shape, 0.0);
        }
        // Each weight element's row of products, seen as contiguous: lanes take neighbouring products. Chunks keep
        // the GPU busy when there are few weight elements; many need none, and their partial sums stay few.
        int chunksPerWeight = Math.max(1, MAX_PARTIALS / weights);
        int chunkLength = Math.max(ReducePlan.CHUNK, (int) ((length + (long) chunksPerWeight - 1) / chunksPerWeight));
        ReducePlan plan = ReducePlan.of(weights, length, length, 1, chunkLength);
        Tensor part = newTensor(DType.FLOAT64, new int[] {weights, plan.chunks()}, "conv2dWeightGrad");
        gpu.launch(Kernel.of(Kernel.CONV2D_WEIGHT_GRAD_F32, Kernel.CONV2D_WEIGHT_GRAD_F64, x.dtype()),
                "conv2dWeightGrad", plan.blocks(), 1, THREADS, new KernelArgs()
                        .struct(convGeometry(x.shape(), shape, g.shape(), spec)).i32(x.offset()).i32(g.offset())
                        .i32(plan.chunkLength()).i32(plan.chunks()).i32(plan.lanes()).buffer(storage(x))
                        .buffer(storage(g)).buffer(storage(part)));
        if (plan.chunks() == 1 && x.dtype() == DType.FLOAT64) {
            return Tensor.contiguousView(part.storage(), shape);
        }
        Tensor sums = reduceRows(ReduceOp.SUM, Rows.of("conv2dWeightGrad", part, new int[] {1}), storage(part),
                DType.FLOAT64, x.dtype());
        return Tensor.contiguousView(sums.storage(), shape);
    }

    /** The {@code ConvGeometry} of conv.cuh (16 ints) for an input, weight and output shape. */
    private static int[] convGeometry(int[] input, int[] weight, int[] output, Conv2dSpec spec) {
        return new int[] {input[0], input[1], input[2], input[3], weight[0], weight[2], weight[3], output[2], output[3],
            spec.strideH(), spec.strideW(), spec.padH(), spec.padW(), spec.dilationH(), spec.dilationW(),
            spec.groups()};
    }

    // ------------------------------------------------------------------ matmul

    @Override
    public Tensor matmul(Tensor a, Tensor b) {
        int ra = a.rank();
        int rb = b.rank();
        int[] as = a.shape();
        int[] bs = b.shape();
        int[] ast = a.strides();
        int[] bst = b.strides();
        int m = as[ra - 2];
        int k = as[ra - 1];
        int n = bs[rb - 1];
        int[] batch = Shapes.broadcast("matmul", Arrays.copyOf(as, ra - 2), Arrays.copyOf(bs, rb - 2));
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = newTensor(a.dtype(), outShape, "matmul");
        if (out.numel() == 0) {
            return out;
        }
        if (k == 0) {
            fill(out, 0.0, "matmul");
            return out;
        }
        int[] batchLayout = Layouts.of("matmul", batch, new int[] {a.offset(), b.offset()},
                Shapes.broadcastStrides(Arrays.copyOf(as, ra - 2), Arrays.copyOf(ast, ra - 2), batch),
                Shapes.broadcastStrides(Arrays.copyOf(bs, rb - 2), Arrays.copyOf(bst, rb - 2), batch));
        int[] shape = {m, n, k, ast[ra - 2], ast[ra - 1], bst[rb - 2], bst[rb - 1]};
        boolean f32 = a.dtype() == DType.FLOAT32;
        Kernel kernel = f32 ? (tf32 ? Kernel.MATMUL_TF32 : Kernel.MATMUL_F32) : Kernel.MATMUL_F64;
        int tile = kernel == Kernel.MATMUL_F32 ? 128 : 64;
        int threads = kernel == Kernel.MATMUL_TF32 ? 128 : 256;
        int tiles = ((m + tile - 1) / tile) * ((n + tile - 1) / tile);
        int count = Shapes.numel(batch);
        gpu.launch(kernel, "matmul", tiles, Math.min(count, MAX_GRID_Y), threads, new KernelArgs().struct(batchLayout)
                .i32(count).struct(shape).buffer(storage(a)).buffer(storage(b)).buffer(storage(out)));
        return out;
    }
}
