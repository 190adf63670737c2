package joule.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import joule.autograd.GradCheck.Tolerance;
import joule.ebm.energy.GaussianMixtureEnergy;
import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.ebm.nn.NeuralEnergy;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.testing.DerivativeAssertions;
import joule.testing.EnergySuite;
import org.junit.jupiter.api.Test;

/**
 * joule-testing on a GPU: the device check compares CUDA with the CPU (float64, within 1e-8), and the whole
 * {@link EnergySuite} runs with the batch and the energy on CUDA (finite differences, layouts and fast paths
 * computed there).
 */
class EnergySuiteOnCudaTest extends CudaTest {
    private static final Tolerance CLOSE = new Tolerance(0, 1e-8, 1e-8);

    private static NeuralEnergy mlpEnergy() {
        return new MLP(Activation.SILU, DType.FLOAT64, new RandomStream(1), 3, 8, 8, 1).asEnergy();
    }

    private static Tensor batch(Device device) {
        return new RandomStream(2).uniform(device, -1, 1, DType.FLOAT64, 4, 3);
    }

    @Test
    void theDeviceCheckComparesCudaWithTheCpu() {
        NeuralEnergy energy = mlpEnergy();
        assertEquals(List.of(Device.CUDA), DerivativeAssertions.assertSameOnEveryDevice(energy, CLOSE, batch(Device.CPU)));
        assertEquals(Device.CPU, energy.parameters().getFirst().value().device(), "moved back where it was");

        GaussianMixtureEnergy mixture = new GaussianMixtureEnergy(Tensor.of(new double[] {0.3, 0.7}),
                Tensor.of(new double[] {-1, 0, 1, 1, 0.5, -0.5}, 2, 3), Tensor.of(new double[] {0.8, 1.2}));
        assertEquals(List.of(Device.CUDA), DerivativeAssertions.assertSameOnEveryDevice(mixture, CLOSE, batch(Device.CPU)));
    }

    @Test
    void theWholeSuitePassesOnCuda() {
        NeuralEnergy energy = mlpEnergy();
        energy.to(Device.CUDA);
        EnergySuite.of(energy).deviceTolerance(CLOSE).check(batch(Device.CUDA));
        assertEquals(Device.CUDA, energy.parameters().getFirst().value().device());
    }
}
