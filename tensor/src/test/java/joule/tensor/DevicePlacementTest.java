package joule.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Where creation functions and random draws put their tensors. Only the CPU has a backend on this
 * module's class path; ebm's tests run the same code on an emulated CUDA device.
 */
class DevicePlacementTest {
    @Test
    void creationOnANamedDeviceMatchesTheCpuDefaults() {
        assertArrayEquals(Tensor.zeros(DType.FLOAT32, 2, 3).toDoubleArray(),
                Tensor.zeros(Device.CPU, DType.FLOAT32, 2, 3).toDoubleArray());
        assertArrayEquals(new double[] {1, 1}, Tensor.ones(Device.CPU, DType.FLOAT64, 2).toDoubleArray());
        Tensor full = Tensor.full(Device.CPU, DType.FLOAT32, 2.5, 1, 2);
        assertArrayEquals(new int[] {1, 2}, full.shape());
        assertArrayEquals(new double[] {2.5, 2.5}, full.toDoubleArray());
    }

    @Test
    void zerosLikeTakesShapeDtypeAndDevice() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).mT();
        Tensor z = x.zerosLike();
        assertArrayEquals(new int[] {3, 2}, z.shape());
        assertEquals(DType.FLOAT32, z.dtype());
        assertEquals(x.device(), z.device());
        assertTrue(z.isContiguous());
        assertArrayEquals(new double[6], z.toDoubleArray());
    }

    @Test
    void aDeviceWithoutABackendIsAnErrorSayingSo() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Tensor.zeros(Device.CUDA, DType.FLOAT32, 2));
        assertTrue(e.getMessage().startsWith("cuda: "), e.getMessage());
        assertThrows(IllegalStateException.class, () -> new RandomStream(1).normal(Device.CUDA, DType.FLOAT32, 2));
    }

    @Test
    void drawsOnANamedDeviceAreTheStreamsNumbersAndAdvanceItAlike() {
        RandomStream named = new RandomStream(7);
        RandomStream plain = new RandomStream(7);
        assertEquals(Device.CPU, plain.device());
        assertArrayEquals(plain.normal(DType.FLOAT32, 5).toDoubleArray(),
                named.normal(Device.CPU, DType.FLOAT32, 5).toDoubleArray());
        assertArrayEquals(plain.uniform(DType.FLOAT64, 3).toDoubleArray(),
                named.uniform(Device.CPU, DType.FLOAT64, 3).toDoubleArray());
        assertArrayEquals(plain.uniform(-2, 3, DType.FLOAT32, 4).toDoubleArray(),
                named.uniform(Device.CPU, -2, 3, DType.FLOAT32, 4).toDoubleArray());
        assertArrayEquals(plain.rademacher(DType.FLOAT32, 6).toDoubleArray(),
                named.rademacher(Device.CPU, DType.FLOAT32, 6).toDoubleArray());
        assertEquals(plain.offset(), named.offset());
    }
}
