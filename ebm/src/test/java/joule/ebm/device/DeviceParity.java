package joule.ebm.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import joule.ebm.data.ToyDataset;
import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.tensor.cpu.CpuBackend;

/**
 * Runs one computation on the CPU and on the emulated CUDA device ({@link EmulatedCudaBackend},
 * whose arithmetic is the CPU's) and checks that both give bit-identical results, and that the
 * tensors the computation returns live on the device it ran on.
 */
final class DeviceParity {
    private DeviceParity() {
    }

    /** What one run produced: named tensors, which must be on the run's device, and named host values. */
    static final class Results {
        private final Map<String, Tensor> tensors = new LinkedHashMap<>();
        private final Map<String, double[]> values = new LinkedHashMap<>();

        /** A tensor result, expected on the device of the run. */
        Results tensor(String name, Tensor t) {
            tensors.put(name, t);
            return this;
        }

        /** Host values (read with {@code item()}, or host-side results such as acceptance rates and traces). */
        Results values(String name, double... v) {
            values.put(name, v);
            return this;
        }
    }

    /**
     * Runs {@code run} on both devices and compares; returns the emulated-CUDA run's results. Both runs
     * use the CPU's scalar kernels: the Vector API's exp, log, tanh… round differently once C2 has
     * compiled them, so two runs with the vector kernels in one JVM need not agree to the last bit.
     */
    static Results assertSameOnCpuAndCuda(String what, Function<Device, Results> run) {
        Results cpu = CpuBackend.withScalarKernels(() -> run.apply(Device.CPU));
        Results cuda = CpuBackend.withScalarKernels(() -> run.apply(Device.CUDA));
        assertEquals(cpu.tensors.keySet(), cuda.tensors.keySet(), what);
        assertEquals(cpu.values.keySet(), cuda.values.keySet(), what);
        for (Map.Entry<String, Tensor> e : cpu.tensors.entrySet()) {
            String name = what + ", " + e.getKey();
            Tensor c = e.getValue();
            Tensor g = cuda.tensors.get(e.getKey());
            assertEquals(Device.CPU, c.device(), name + " of the CPU run");
            assertEquals(Device.CUDA, g.device(), name + " of the CUDA run");
            assertEquals(c.dtype(), g.dtype(), name);
            assertArrayEquals(c.shape(), g.shape(), name);
            assertArrayEquals(c.toDoubleArray(), g.toDoubleArray(), name + ": values differ");
        }
        for (Map.Entry<String, double[]> e : cpu.values.entrySet()) {
            assertArrayEquals(e.getValue(), cuda.values.get(e.getKey()), what + ", " + e.getKey() + ": values differ");
        }
        return cuda;
    }

    /** Two-moons points {@code [n, 2]} float32 from {@code seed}, on {@code device}. */
    static Tensor moons(int n, long seed, Device device) {
        return ToyDataset.TWO_MOONS.sample(n, DType.FLOAT32, new RandomStream(seed)).to(device);
    }

    /** A SiLU MLP of {@code sizes}, float32, initialised from {@code seed}, moved to {@code device}. */
    static MLP mlp(Device device, long seed, int... sizes) {
        MLP mlp = new MLP(Activation.SILU, DType.FLOAT32, new RandomStream(seed), sizes);
        mlp.to(device);
        return mlp;
    }
}
