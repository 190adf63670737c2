package joule.ebm.device;

import java.util.concurrent.atomic.AtomicLong;
import joule.tensor.Backend;
import joule.tensor.Backends;
import joule.tensor.BinaryOp;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.ReduceOp;
import joule.tensor.Tensor;
import joule.tensor.UnaryOp;
import joule.tensor.cpu.CpuBackend;
import joule.tensor.cpu.CpuStorage;
import joule.tensor.random.Distribution;

/**
 * A test-only {@link Device#CUDA} backend that computes with the CPU backend: every SPI method
 * unwraps its inputs to host views, calls {@link CpuBackend}, and wraps the result in an
 * {@link EmulatedCudaStorage}, which reports {@code cuda}. The arithmetic is the CPU's, so a run on
 * this device must give bit-identical results to the same run on the CPU; and a tensor that some
 * code created on the CPU and mixed in fails as it would on a GPU ("devices cpu and cuda differ"),
 * or, where only one tensor goes in, here with "emulated cuda: … got a tensor on cpu".
 *
 * <p>Counts what would cross the PCIe bus on a GPU: {@link #uploads()} (tensors transferred from
 * the host) and {@link #hostReads()} (tensors read back to the host).
 */
public final class EmulatedCudaBackend implements Backend {
    private static final CpuBackend CPU = CpuBackend.INSTANCE;

    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong hostReads = new AtomicLong();

    EmulatedCudaBackend() {
    }

    /** The emulated backend that {@code Backends.of(Device.CUDA)} returns on ebm's test class path. */
    public static EmulatedCudaBackend instance() {
        return (EmulatedCudaBackend) Backends.of(Device.CUDA);
    }

    /** Tensors transferred to this device so far. */
    public long uploads() {
        return uploads.get();
    }

    /** Tensors read back to the host so far ({@code toDoubleArray}, hence {@code item()} and {@code get}). */
    public long hostReads() {
        return hostReads.get();
    }

    private static Tensor wrap(Tensor host) {
        return Tensor.view(new EmulatedCudaStorage((CpuStorage) host.storage()), host.shape(), host.strides(),
                host.offset());
    }

    private static Tensor unwrap(String op, Tensor t) {
        if (!(t.storage() instanceof EmulatedCudaStorage s)) {
            throw new IllegalArgumentException("emulated cuda: " + op + " got a tensor on " + t.device()
                    + " (move it with to(Device))");
        }
        return Tensor.view(s.host(), t.shape(), t.strides(), t.offset());
    }

    @Override
    public Device device() {
        return Device.CUDA;
    }

    @Override
    public Tensor empty(DType dtype, int[] shape) {
        return wrap(CPU.empty(dtype, shape));
    }

    @Override
    public Tensor full(DType dtype, int[] shape, double value) {
        return wrap(CPU.full(dtype, shape, value));
    }

    @Override
    public Tensor fromDoubles(DType dtype, int[] shape, double[] data) {
        uploads.incrementAndGet();
        return wrap(CPU.fromDoubles(dtype, shape, data));
    }

    @Override
    public Tensor fromFloats(int[] shape, float[] data) {
        uploads.incrementAndGet();
        return wrap(CPU.fromFloats(shape, data));
    }

    @Override
    public Tensor random(Distribution distribution, DType dtype, int[] shape, long seed, long offset) {
        return wrap(CPU.random(distribution, dtype, shape, seed, offset));
    }

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        return wrap(CPU.unary(op, unwrap(op.opName(), x)));
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        return wrap(CPU.binary(op, unwrap(op.opName(), a), unwrap(op.opName(), b)));
    }

    @Override
    public Tensor binaryThenUnary(BinaryOp op, Tensor a, Tensor b, UnaryOp u) {
        return wrap(CPU.binaryThenUnary(op, unwrap(op.opName(), a), unwrap(op.opName(), b), u));
    }

    @Override
    public Tensor binaryOfUnary(BinaryOp op, Tensor a, UnaryOp u, Tensor b) {
        return wrap(CPU.binaryOfUnary(op, unwrap(op.opName(), a), u, unwrap(op.opName(), b)));
    }

    @Override
    public Tensor langevinStep(Tensor x, Tensor score, Tensor noise, double step, double noiseScale) {
        return wrap(CPU.langevinStep(unwrap("langevinStep", x), unwrap("langevinStep", score),
                unwrap("langevinStep", noise), step, noiseScale));
    }

    @Override
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        return wrap(CPU.where(unwrap("where", cond), unwrap("where", a), unwrap("where", b)));
    }

    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepdim) {
        return wrap(CPU.reduce(op, unwrap(op.opName(), x), axes, keepdim));
    }

    @Override
    public Tensor argmax(Tensor x, int axis, boolean keepdim) {
        return wrap(CPU.argmax(unwrap("argmax", x), axis, keepdim));
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor w, Conv2dSpec spec) {
        return wrap(CPU.conv2d(unwrap("conv2d", x), unwrap("conv2d", w), spec));
    }

    @Override
    public Tensor conv2dTranspose(Tensor g, Tensor w, Conv2dSpec spec, int h, int width) {
        return wrap(CPU.conv2dTranspose(unwrap("conv2dTranspose", g), unwrap("conv2dTranspose", w), spec, h, width));
    }

    @Override
    public Tensor conv2dWeightGrad(Tensor x, Tensor g, Conv2dSpec spec, int kh, int kw) {
        return wrap(CPU.conv2dWeightGrad(unwrap("conv2dWeightGrad", x), unwrap("conv2dWeightGrad", g), spec, kh, kw));
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b) {
        return wrap(CPU.matmul(unwrap("matmul", a), unwrap("matmul", b)));
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        CPU.copy(unwrap("copy", src), unwrap("copy", dst));
    }

    @Override
    public double[] toDoubleArray(Tensor x) {
        hostReads.incrementAndGet();
        return CPU.toDoubleArray(unwrap("toDoubleArray", x));
    }

    @Override
    public Tensor transferFrom(Tensor x) {
        return fromDoubles(x.dtype(), x.shape(), x.toDoubleArray());
    }
}
