package joule.ebm.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import joule.ebm.energy.Energy;
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
import joule.ebm.flow.RealNvp;
import joule.ebm.nn.Activation;
import joule.ebm.nn.NoiseConditionalMLP;
import joule.ebm.nn.Parameter;
import joule.ebm.optim.Adam;
import joule.ebm.sample.AnnealedLangevin;
import joule.ebm.sample.Hmc;
import joule.ebm.sample.DecoupledLangevin;
import joule.ebm.sample.Mala;
import joule.ebm.sample.RandomWalkMetropolis;
import joule.ebm.sample.ReplayBuffer;
import joule.ebm.sample.Sampler;
import joule.ebm.sample.SamplerOptions;
import joule.ebm.sample.UnadjustedLangevin;
import joule.ebm.train.Trainer;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What crosses between host and device in the inner loops, counted by the emulated CUDA backend:
 * sampler steps move nothing, a training step reads back only its loss and gradient norm, and each
 * loss uploads and reads back only what its algorithm needs on the host.
 */
class HostTransfersTest {
    /** Uploads to the device and reads back to the host. */
    private record Transfers(long uploads, long hostReads) {
        static Transfers during(Runnable work) {
            EmulatedCudaBackend cuda = EmulatedCudaBackend.instance();
            long u = cuda.uploads();
            long r = cuda.hostReads();
            work.run();
            return new Transfers(cuda.uploads() - u, cuda.hostReads() - r);
        }
    }

    private static Energy energy() {
        return DeviceParity.mlp(Device.CUDA, 61, 2, 16, 16, 1).asEnergy();
    }

    static List<Sampler> samplers() {
        return List.of(new RandomWalkMetropolis(0.5), new UnadjustedLangevin(0.05), new DecoupledLangevin(0.05, 0.1),
                new Mala(0.1), new Hmc(0.1, 3), new Hmc(0.1, 3, Tensor.of(new double[] {1, 2})));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void samplerStepsMoveNothingBetweenHostAndDevice(Sampler sampler) {
        Energy energy = energy();
        Tensor init = new RandomStream(62).normal(Device.CUDA, DType.FLOAT32, 32, 2);
        SamplerOptions options = SamplerOptions.DEFAULT.withBurnIn(2).withBox(-3, 3);
        Transfers shortRun = Transfers.during(() -> sampler.sample(energy, init, 5, new RandomStream(63), options));
        Transfers longRun = Transfers.during(() -> sampler.sample(energy, init, 25, new RandomStream(63), options));
        assertEquals(shortRun, longRun, sampler + ": 20 more steps should transfer nothing more");
    }

    @Test
    void annealedLangevinStepsMoveNothingBetweenHostAndDevice() {
        NoiseConditionalMLP model = new NoiseConditionalMLP(2, Activation.SILU, DType.FLOAT32,
                new RandomStream(64, 0, Device.CUDA), 16);
        Tensor init = new RandomStream(65).normal(Device.CUDA, DType.FLOAT32, 32, 2);
        double[] sigmas = AnnealedLangevin.geometricSigmas(1, 0.1, 3);
        Transfers shortRun = Transfers.during(() -> new AnnealedLangevin(sigmas, 0.01, 2, true)
                .sample(model, init, new RandomStream(66)));
        Transfers longRun = Transfers.during(() -> new AnnealedLangevin(sigmas, 0.01, 8, true)
                .sample(model, init, new RandomStream(66)));
        assertEquals(shortRun, longRun, "18 more steps should transfer nothing more");
    }

    static Stream<Arguments> lossesAndTheirTransfersPerStep() {
        return Stream.of(
                Arguments.of("SSM", (Supplier<Loss>) () -> new SlicedScoreMatching(energy(), 2, Projection.SPHERE, false),
                        new Transfers(0, 0)),
                Arguments.of("SSM-VR", (Supplier<Loss>) () -> new SlicedScoreMatching(energy(), 1, Projection.RADEMACHER,
                        true), new Transfers(0, 0)),
                Arguments.of("ESM", (Supplier<Loss>) () -> new ExactScoreMatching(energy()), new Transfers(0, 0)),
                Arguments.of("DSM", (Supplier<Loss>) () -> new DenoisingScoreMatching(energy(), 0.1), new Transfers(0, 0)),
                Arguments.of("NCSN: the levels, picked on the host", (Supplier<Loss>) () ->
                        new MultiLevelDenoisingScoreMatching(new NoiseConditionalMLP(2, Activation.SILU, DType.FLOAT32,
                                new RandomStream(67, 0, Device.CUDA), 16), new double[] {1, 0.3, 0.1}),
                        new Transfers(1, 0)),
                Arguments.of("CD-k", (Supplier<Loss>) () -> new ContrastiveDivergence(energy(), new Mala(0.01), 4, null,
                        0.1, SamplerOptions.DEFAULT), new Transfers(0, 0)),
                Arguments.of("persistent CD: the buffer's chains are kept on the host", (Supplier<Loss>) () ->
                        new ContrastiveDivergence(energy(), new UnadjustedLangevin(0.01), 4, new ReplayBuffer(100, 0.05,
                                ReplayBuffer.Prior.uniform(-2, 2, DType.FLOAT32, 2)), 0.1, SamplerOptions.DEFAULT),
                        new Transfers(1, 1)),
                Arguments.of("NCE", (Supplier<Loss>) () -> new NoiseContrastiveEstimation(energy(),
                        GaussianNoise.fit(DeviceParity.moons(64, 68, Device.CUDA), 1.5), 2, DType.FLOAT32),
                        new Transfers(0, 0)),
                Arguments.of("FCE", (Supplier<Loss>) () -> new FlowContrastiveEstimation(energy(),
                        new RealNvp(2, 2, 8, DType.FLOAT32, new RandomStream(69, 0, Device.CUDA)), 1, DType.FLOAT32),
                        new Transfers(0, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lossesAndTheirTransfersPerStep")
    void lossTransfersOnlyWhatItsAlgorithmNeeds(String name, Supplier<Loss> make, Transfers perStep) {
        Loss loss = make.get();
        Tensor batch = DeviceParity.moons(32, 70, Device.CUDA);
        RandomStream rng = new RandomStream(71);
        Runnable step = () -> {
            loss.parameters().forEach(Parameter::zeroGrad);
            loss.compute(batch, rng).backward();
        };
        step.run();
        assertEquals(new Transfers(2 * perStep.uploads(), 2 * perStep.hostReads()), Transfers.during(() -> {
            step.run();
            step.run();
        }), name + ": transfers in two steps");
    }

    @Test
    void aTrainingStepReadsBackTheLossAndTheGradientNormOnly() {
        Energy energy = energy();
        Loss loss = new SlicedScoreMatching(energy, 1, Projection.RADEMACHER, true);
        Tensor data = DeviceParity.moons(1000, 72, Device.CUDA);
        Transfers threeSteps = Transfers.during(() -> train(loss, data, 3));
        Transfers eightSteps = Transfers.during(() -> train(loss, data, 8));
        assertEquals(new Transfers(0, 2 * 5), new Transfers(eightSteps.uploads() - threeSteps.uploads(),
                eightSteps.hostReads() - threeSteps.hostReads()), "5 more steps (in the first epoch)");
    }

    private static void train(Loss loss, Tensor data, int steps) {
        new Trainer(loss, new Adam(loss.parameters(), 1e-3), data,
                Trainer.Options.defaults().withSteps(steps).withBatchSize(32).withEvalEvery(0).withMaxGradNorm(1)).run();
    }
}
