package joule.ebm.device;

import static joule.ebm.device.DeviceParity.assertSameOnCpuAndCuda;

import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.flow.RealNvp;
import joule.ebm.loss.ContrastiveDivergence;
import joule.ebm.loss.DenoisingScoreMatching;
import joule.ebm.loss.ExactScoreMatching;
import joule.ebm.loss.FlowContrastiveEstimation;
import joule.ebm.loss.GaussianNoise;
import joule.ebm.loss.Loss;
import joule.ebm.loss.MultiLevelDenoisingScoreMatching;
import joule.ebm.loss.NoiseContrastiveEstimation;
import joule.ebm.loss.Projection;
import joule.ebm.loss.SlicedScoreMatching;
import joule.ebm.nn.Activation;
import joule.ebm.nn.NoiseConditionalMLP;
import joule.ebm.nn.Parameter;
import joule.ebm.nn.ResNetEnergy;
import joule.ebm.sample.DecoupledLangevin;
import joule.ebm.sample.Mala;
import joule.ebm.sample.ReplayBuffer;
import joule.ebm.sample.SamplerOptions;
import joule.ebm.sample.UnadjustedLangevin;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every loss runs unchanged on the (emulated) CUDA device: with the model and the batch on the
 * device, a few evaluations with backward passes give the loss values and parameter gradients of
 * the CPU run, bit for bit, on the device.
 */
class LossesOnDeviceTest {
    /** A loss of a model on {@code device}, given the data batch there. */
    private interface LossOnDevice extends BiFunction<Device, Tensor, Loss> {
    }

    private static Energy energy(Device d) {
        return DeviceParity.mlp(d, 11, 2, 16, 16, 1).asEnergy();
    }

    static Stream<Arguments> losses() {
        ReplayBuffer.Prior prior = ReplayBuffer.Prior.uniform(-2, 2, DType.FLOAT32, 2);
        double[] sigmas = {1, 0.3, 0.1};
        return Stream.of(
                Arguments.of("CD-k", (LossOnDevice) (d, data) -> new ContrastiveDivergence(energy(d),
                        new UnadjustedLangevin(0.01), 5, null, 0.1, SamplerOptions.DEFAULT)),
                Arguments.of("persistent CD", (LossOnDevice) (d, data) -> new ContrastiveDivergence(energy(d),
                        new Mala(0.01), 5, new ReplayBuffer(40, 0.2, prior), 0.1, SamplerOptions.DEFAULT.withBox(-3, 3))),
                Arguments.of("ESM", (LossOnDevice) (d, data) -> new ExactScoreMatching(energy(d))),
                Arguments.of("SSM Rademacher", (LossOnDevice) (d, data) -> new SlicedScoreMatching(energy(d), 2,
                        Projection.RADEMACHER, false)),
                Arguments.of("SSM Gaussian", (LossOnDevice) (d, data) -> new SlicedScoreMatching(energy(d), 1,
                        Projection.GAUSSIAN, false)),
                Arguments.of("SSM sphere", (LossOnDevice) (d, data) -> new SlicedScoreMatching(energy(d), 1,
                        Projection.SPHERE, false)),
                Arguments.of("SSM-VR", (LossOnDevice) (d, data) -> new SlicedScoreMatching(energy(d), 3,
                        Projection.RADEMACHER, true)),
                Arguments.of("DSM", (LossOnDevice) (d, data) -> new DenoisingScoreMatching(energy(d), 0.1)),
                Arguments.of("NCSN", (LossOnDevice) (d, data) -> {
                    NoiseConditionalMLP model = new NoiseConditionalMLP(2, Activation.SILU, DType.FLOAT32,
                            new RandomStream(12), 16);
                    model.to(d);
                    return new MultiLevelDenoisingScoreMatching(model, sigmas);
                }),
                Arguments.of("NCE", (LossOnDevice) (d, data) -> new NoiseContrastiveEstimation(energy(d),
                        GaussianNoise.fit(data, 1.5), 2, DType.FLOAT32)),
                Arguments.of("FCE", (LossOnDevice) (d, data) -> {
                    RealNvp flow = new RealNvp(2, 2, 8, DType.FLOAT32, new RandomStream(13));
                    flow.to(d);
                    return new Fce(new FlowContrastiveEstimation(energy(d), flow, 1, DType.FLOAT32));
                }));
    }

    /** FCE, whose gradients reach the flow's parameters as well as the energy's and {@code log Z}. */
    private record Fce(FlowContrastiveEstimation fce) implements Loss {
        @Override
        public Var compute(Tensor batch, RandomStream rng) {
            return fce.compute(batch, rng);
        }

        @Override
        public List<Parameter> parameters() {
            return Stream.concat(fce.parameters().stream(), fce.flowParameters().stream()).toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void lossGivesTheCpuValuesAndGradientsOnTheDevice(String name, LossOnDevice make) {
        assertSameOnCpuAndCuda(name, d -> {
            Tensor data = DeviceParity.moons(32, 10, d);
            return valuesAndGradients(make.apply(d, data), data);
        });
    }

    /** A convolutional energy on the device (its parameters and spectral-norm vectors moved there). */
    private static ResNetEnergy resNet(Device d) {
        ResNetEnergy energy = new ResNetEnergy(new ResNetEnergy.Config(1, 4, 4, List.of(2, 3), 1, Activation.SILU, true),
                DType.FLOAT32, new RandomStream(15));
        energy.to(d);
        return energy;
    }

    static Stream<Arguments> imageLosses() {
        return Stream.of(
                Arguments.of("image PCD", (LossOnDevice) (d, data) -> new ContrastiveDivergence(resNet(d),
                        new DecoupledLangevin(1.0, 0.01), 3, new ReplayBuffer(20, 0.05,
                        ReplayBuffer.Prior.uniform(-1, 1, DType.FLOAT32, 1, 4, 4)), 0.1, SamplerOptions.DEFAULT.withBox(-1, 1))),
                Arguments.of("image DSM", (LossOnDevice) (d, data) -> new DenoisingScoreMatching(resNet(d), 0.3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("imageLosses")
    void imageLossGivesTheCpuValuesAndGradientsOnTheDevice(String name, LossOnDevice make) {
        assertSameOnCpuAndCuda(name, d -> {
            Tensor data = new RandomStream(16).uniform(d, -1, 1, DType.FLOAT32, 8, 1, 4, 4);
            return valuesAndGradients(make.apply(d, data), data);
        });
    }

    /** Three steps' losses and gradients. */
    private static DeviceParity.Results valuesAndGradients(Loss loss, Tensor data) {
        RandomStream rng = new RandomStream(14);
        DeviceParity.Results results = new DeviceParity.Results();
        for (int step = 0; step < 3; step++) {
            loss.parameters().forEach(Parameter::zeroGrad);
            Var value = loss.compute(data, rng);
            value.backward();
            results.tensor("loss " + step, value.value());
            for (Parameter p : loss.parameters()) {
                String what = "gradient of " + p.name() + " at " + step;
                if (p.grad() == null) {
                    results.values(what + " (none: the loss does not depend on it)");
                } else {
                    results.tensor(what, p.grad());
                }
            }
        }
        return results;
    }
}
