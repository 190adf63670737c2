package joule.ebm.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.tensor.Backends;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Tensor;
import joule.tensor.UnaryOp;
import org.junit.jupiter.api.Test;

/** The emulated CUDA device itself: what the device tests rely on to catch tensors left on the CPU. */
class EmulatedCudaBackendTest {
    @Test
    void itServesCudaOnEbmsTestClassPath() {
        assertSame(EmulatedCudaBackend.instance(), Backends.of(Device.CUDA));
    }

    @Test
    void resultsStayOnTheDeviceAndComeBackExactly() {
        Tensor host = Tensor.of(new float[] {1, -2, 3, 4, 5, 6}, 2, 3);
        Tensor x = host.to(Device.CUDA);
        Tensor y = x.mT().matmul(x).add(1).exp().sum(new int[] {0}, true);
        assertEquals(Device.CUDA, y.device());
        assertArrayEquals(host.mT().matmul(host).add(1).exp().sum(new int[] {0}, true).toDoubleArray(),
                y.to(Device.CPU).toDoubleArray());
        assertTrue(y.toString().contains("device=cuda"), y.toString());
    }

    @Test
    void aCpuTensorMixedInIsAnError() {
        Tensor onDevice = Tensor.ones(Device.CUDA, DType.FLOAT32, 3);
        Tensor onHost = Tensor.ones(DType.FLOAT32, 3);
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> onDevice.mul(onHost));
        assertEquals("mul: devices cuda and cpu differ (move one with to(Device))", mixed.getMessage());
        IllegalArgumentException direct = assertThrows(IllegalArgumentException.class,
                () -> EmulatedCudaBackend.instance().unary(UnaryOp.EXP, onHost));
        assertTrue(direct.getMessage().startsWith("emulated cuda: exp got a tensor on cpu"), direct.getMessage());
    }

    @Test
    void itCountsUploadsAndHostReads() {
        EmulatedCudaBackend cuda = EmulatedCudaBackend.instance();
        long uploads = cuda.uploads();
        long reads = cuda.hostReads();
        Tensor x = Tensor.of(new double[] {1, 2}).to(Device.CUDA);
        x.square().sum().item();
        x.get(1);
        assertEquals(uploads + 1, cuda.uploads());
        assertEquals(reads + 2, cuda.hostReads());
    }
}
