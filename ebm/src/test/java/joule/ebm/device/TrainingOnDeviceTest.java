package joule.ebm.device;

import static joule.ebm.device.DeviceParity.assertSameOnCpuAndCuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import joule.ebm.io.Checkpoint;
import joule.ebm.loss.Loss;
import joule.ebm.loss.Projection;
import joule.ebm.loss.SlicedScoreMatching;
import joule.ebm.metrics.EnergyDistance;
import joule.ebm.metrics.Mmd;
import joule.ebm.nn.MLP;
import joule.ebm.nn.NeuralEnergy;
import joule.ebm.nn.Parameter;
import joule.ebm.optim.Adam;
import joule.ebm.optim.AdamW;
import joule.ebm.optim.GradClip;
import joule.ebm.optim.LearningRateSchedule;
import joule.ebm.optim.Optimizer;
import joule.ebm.optim.SGD;
import joule.ebm.optim.ScheduledOptimizer;
import joule.ebm.sample.UnadjustedLangevin;
import joule.ebm.train.Trainer;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Training runs unchanged on the (emulated) CUDA device: the optimizers, gradient clipping, the
 * {@link Trainer} (batches, divergence checks, evaluations, checkpoints) give the CPU run's
 * parameters and records bit for bit, and checkpoints written from the device load back onto it.
 */
class TrainingOnDeviceTest {
    @TempDir
    Path dir;

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("SGD", (Function<List<Parameter>, Optimizer>) ps -> new SGD(ps, 0.05)),
                Arguments.of("SGD Nesterov", (Function<List<Parameter>, Optimizer>) ps -> new SGD(ps, 0.05, 0.9, 1e-3, true)),
                Arguments.of("Adam", (Function<List<Parameter>, Optimizer>) ps -> new Adam(ps, 1e-2, 0.9, 0.99, 1e-8, 1e-3)),
                Arguments.of("AdamW", (Function<List<Parameter>, Optimizer>) ps -> new AdamW(ps, 1e-2)),
                Arguments.of("scheduled Adam", (Function<List<Parameter>, Optimizer>) ps -> new ScheduledOptimizer(
                        new Adam(ps, 1e-2), LearningRateSchedule.warmup(2, LearningRateSchedule.cosine(1e-2, 1e-4, 5)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void optimizerStepsGiveTheCpuParametersOnTheDevice(String name, Function<List<Parameter>, Optimizer> make) {
        assertSameOnCpuAndCuda(name, d -> {
            MLP mlp = DeviceParity.mlp(d, 21, 2, 8, 1);
            Loss loss = new SlicedScoreMatching(mlp.asEnergy(), 1, Projection.RADEMACHER, true);
            Optimizer optimizer = make.apply(loss.parameters());
            Tensor data = DeviceParity.moons(16, 22, d);
            RandomStream rng = new RandomStream(23);
            double[] norms = new double[4];
            for (int step = 0; step < norms.length; step++) {
                optimizer.zeroGrad();
                loss.compute(data, rng).backward();
                norms[step] = GradClip.clipByGlobalNorm(optimizer.parameters(), 0.5);
                optimizer.step();
            }
            return parameters(mlp.parameters()).values("gradient norms", norms);
        });
    }

    @Test
    void trainerGivesTheCpuRunOnTheDevice() {
        assertSameOnCpuAndCuda("Trainer", d -> {
            MLP mlp = DeviceParity.mlp(d, 31, 2, 16, 16, 1);
            NeuralEnergy energy = mlp.asEnergy();
            Loss loss = new SlicedScoreMatching(energy, 1, Projection.RADEMACHER, true);
            Tensor data = DeviceParity.moons(100, 32, d);
            Tensor heldOut = DeviceParity.moons(50, 33, d);
            Path file = dir.resolve("trainer-" + d + ".safetensors");
            Trainer.Result result = new Trainer(loss, new Adam(loss.parameters(), 1e-2), data,
                    Trainer.Options.defaults().withSteps(9).withBatchSize(32).withEvalEvery(4).withMaxGradNorm(1)
                            .withSeed(34))
                    .monitoring(energy)
                    .checkpointing(file, Map.of("device", d.toString()))
                    .evaluating(step -> {
                        Tensor samples = new UnadjustedLangevin(0.01).sample(energy,
                                new RandomStream(35).normal(DType.FLOAT32, 50, 2).to(d), 10, new RandomStream(36)).state();
                        return Map.of("mmd2", Mmd.mmd2(samples, heldOut),
                                "energy distance", EnergyDistance.energyDistance(samples, heldOut));
                    })
                    .run();
            double[] records = result.steps().stream().flatMapToDouble(r -> java.util.stream.DoubleStream.of(r.step(),
                    r.loss(), r.learningRate(), r.gradNorm())).toArray();
            double[] evaluations = result.evaluations().stream().flatMapToDouble(e -> java.util.stream.DoubleStream.of(
                    e.step(), e.metrics().get("mmd2"), e.metrics().get("energy distance"))).toArray();
            MLP restored = DeviceParity.mlp(d, 99, 2, 16, 16, 1);
            try {
                Checkpoint.load(file, restored.parameters());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            DeviceParity.Results r = parameters(mlp.parameters()).values("steps", records)
                    .values("evaluations", evaluations);
            restored.parameters().forEach(p -> r.tensor("restored " + p.name(), p.value()));
            return r;
        });
    }

    private static DeviceParity.Results parameters(List<Parameter> parameters) {
        DeviceParity.Results r = new DeviceParity.Results();
        parameters.forEach(p -> r.tensor(p.name(), p.value()));
        return r;
    }
}
