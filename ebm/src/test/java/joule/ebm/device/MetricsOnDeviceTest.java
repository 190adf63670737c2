package joule.ebm.device;

import static joule.ebm.device.DeviceParity.assertSameOnCpuAndCuda;

import joule.ebm.energy.GaussianEnergy;
import joule.ebm.energy.GaussianMixtureEnergy;
import joule.ebm.flow.RealNvp;
import joule.ebm.loss.GaussianNoise;
import joule.ebm.metrics.Box;
import joule.ebm.metrics.EnergyDistance;
import joule.ebm.metrics.GridKl;
import joule.ebm.metrics.Mmd;
import joule.ebm.nn.NeuralEnergy;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Sample metrics, and the distributions that draw samples without data to follow, on the
 * (emulated) CUDA device: equal to the CPU's results bit for bit.
 */
class MetricsOnDeviceTest {
    @Test
    void sampleMetricsGiveTheCpuValuesOnTheDevice() {
        assertSameOnCpuAndCuda("metrics", d -> {
            Tensor x = DeviceParity.moons(300, 51, d);
            Tensor y = DeviceParity.moons(200, 52, d).mul(1.1);
            NeuralEnergy energy = DeviceParity.mlp(d, 53, 2, 8, 1).asEnergy();
            return new DeviceParity.Results().values("metrics", Mmd.mmd2(x, y), Mmd.mmd2(x, y, 0.7),
                    Mmd.medianBandwidth(x, y), EnergyDistance.energyDistance(x, y),
                    GridKl.gridKl(energy, x, Box.square(3), 20));
        });
    }

    @Test
    void noiseDistributionsGiveTheCpuSamplesAndDensitiesOnTheDevice() {
        assertSameOnCpuAndCuda("noise distributions", d -> {
            Tensor data = DeviceParity.moons(64, 54, d);
            GaussianNoise noise = GaussianNoise.fit(data, 1.5);
            RealNvp flow = new RealNvp(2, 2, 8, DType.FLOAT32, new RandomStream(55));
            flow.to(d);
            RandomStream rng = new RandomStream(56);
            Tensor fromNoise = noise.sample(10, rng);
            Tensor fromFlow = flow.sample(10, rng);
            return new DeviceParity.Results().tensor("Gaussian noise", fromNoise)
                    .tensor("its log density", noise.logDensity(joule.autograd.Var.constant(fromNoise)).value())
                    .tensor("flow samples", fromFlow)
                    .tensor("their log density", flow.logDensity(joule.autograd.Var.constant(fromFlow)).value());
        });
    }

    @Test
    void analyticEnergiesDrawOnTheStreamsDevice() {
        GaussianEnergy gaussian = new GaussianEnergy(Tensor.of(new double[] {1, -1}),
                Tensor.of(new double[] {1, 0.5, 0.5, 2}, 2, 2));
        GaussianMixtureEnergy mixture = new GaussianMixtureEnergy(Tensor.of(new double[] {1, 2}),
                Tensor.of(new double[] {-1, 0, 1, 1}, 2, 2), Tensor.of(new double[] {0.5, 0.8}));
        assertSameOnCpuAndCuda("analytic samples", d -> {
            RandomStream rng = new RandomStream(57, 0, d);
            return new DeviceParity.Results().tensor("Gaussian", gaussian.sample(20, rng))
                    .tensor("mixture", mixture.sample(20, rng));
        });
    }
}
