package joule.ebm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.io.Checkpoint;
import joule.ebm.io.SafeTensors;
import joule.ebm.io.StateDict;
import joule.ebm.loss.ContrastiveDivergence;
import joule.ebm.loss.ExactScoreMatching;
import joule.ebm.loss.Loss;
import joule.ebm.nn.Activation;
import joule.ebm.nn.ExponentialMovingAverage;
import joule.ebm.nn.MLP;
import joule.ebm.nn.Parameter;
import joule.ebm.optim.Adam;
import joule.ebm.optim.SGD;
import joule.ebm.sample.ReplayBuffer;
import joule.ebm.sample.SamplerOptions;
import joule.ebm.sample.UnadjustedLangevin;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    /** {@code E(x) = ½ (x − μ)ᵀ Λ (x − μ)} with {@code Λ = A Aᵀ}: learnable mean and precision. */
    private static final class LearnableGaussian implements Energy {
        final Parameter mean;
        final Parameter factor;

        LearnableGaussian(int d) {
            mean = new Parameter("mean", Tensor.zeros(DType.FLOAT64, d));
            factor = new Parameter("factor", Tensor.eye(DType.FLOAT64, d));
        }

        Tensor precision() {
            return factor.value().matmul(factor.value().mT());
        }

        @Override
        public Var energy(Var x) {
            Var centred = x.sub(mean.var());
            Var projected = centred.matmul(factor.var());      // (x − μ)ᵀ A
            return projected.square().sum(1).mul(0.5);
        }

        @Override
        public List<Parameter> parameters() {
            return List.of(mean, factor);
        }
    }

    /**
     * ebm-reference: a Gaussian energy fitted by exact score matching has its minimum at the sample
     * mean and {@code Λ = C⁻¹} (C the sample covariance), as maximum likelihood.
     */
    @Test
    void exactScoreMatchingFitsTheSampleMeanAndInverseCovariance() {
        Tensor z = new RandomStream(21).normal(DType.FLOAT64, 2000, 2);
        Tensor mix = Tensor.of(new double[] {1.0, 0.0, 0.5, 1.3}, 2, 2);   // x = z Mᵀ + m
        Tensor data = z.matmul(mix.mT()).add(Tensor.of(new double[] {1, -1}));
        LearnableGaussian energy = new LearnableGaussian(2);
        Loss loss = new ExactScoreMatching(energy);
        Trainer.Options options = Trainer.Options.defaults().withSteps(600).withBatchSize(2000).withEvalEvery(0);
        new Trainer(loss, new Adam(loss.parameters(), 0.05), data, options).run();

        Tensor sampleMean = data.mean(0);
        Tensor centred = data.sub(sampleMean);
        Tensor cov = centred.mT().matmul(centred).div(data.size(0));
        Tensor precision = energy.precision();
        Tensor identity = precision.matmul(cov);
        for (int i = 0; i < 2; i++) {
            assertEquals(sampleMean.get(i), energy.mean.value().get(i), 1e-3, "mean " + i);
            for (int j = 0; j < 2; j++) {
                assertEquals(i == j ? 1 : 0, identity.get(i, j), 1e-3, "Λ C at " + i + "," + j);
            }
        }
    }

    @Test
    void savesCheckpointsAtEvaluations(@TempDir Path dir) throws Exception {
        Tensor data = new RandomStream(5).normal(DType.FLOAT64, 300, 2);
        LearnableGaussian energy = new LearnableGaussian(2);
        Loss loss = new ExactScoreMatching(energy);
        Path file = dir.resolve("model.safetensors");
        new Trainer(loss, new Adam(loss.parameters(), 0.01), data,
                Trainer.Options.defaults().withSteps(20).withBatchSize(64).withEvalEvery(10))
                .checkpointing(file, Map.of("model", "learnable-gaussian"))
                .run();
        LearnableGaussian restored = new LearnableGaussian(2);
        Map<String, String> metadata = Checkpoint.load(file, restored.parameters());
        assertEquals("20", metadata.get("step"));
        assertEquals("learnable-gaussian", metadata.get("model"));
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(energy.parameters().get(i).value().toDoubleArray(),
                    restored.parameters().get(i).value().toDoubleArray());
        }
    }

    /** A PCD run of an MLP energy with a replay buffer, a weight average and Adam: all a resumable checkpoint must hold. */
    private record PcdRun(MLP mlp, ExponentialMovingAverage ema, Trainer trainer) {
        static PcdRun of(Path dir, Tensor data) {
            MLP mlp = new MLP(Activation.SILU, DType.FLOAT64, new RandomStream(7), 2, 8, 1);
            ReplayBuffer buffer = new ReplayBuffer(100, 0.05, ReplayBuffer.Prior.uniform(-3, 3, DType.FLOAT64, 2));
            Loss loss = new ContrastiveDivergence(mlp.asEnergy(), new UnadjustedLangevin(0.01), 3, buffer, 0.1,
                    SamplerOptions.DEFAULT);
            ExponentialMovingAverage ema = new ExponentialMovingAverage(mlp, 0.9, "ema.", true);
            List<Parameter> state = new ArrayList<>(mlp.state());
            state.addAll(ema.averages());
            Trainer trainer = new Trainer(loss, new Adam(loss.parameters(), 0.01), data,
                    Trainer.Options.defaults().withSteps(30).withBatchSize(64).withEvalEvery(0).withSeed(4))
                    .saving(state)
                    .averaging(ema)
                    .withState("replay", buffer)
                    .monitoring(mlp.asEnergy())
                    .checkpointing(dir.resolve("model.safetensors"), Map.of("model", "mlp"))
                    .resumable(dir.resolve("state.safetensors"), 10);
            return new PcdRun(mlp, ema, trainer);
        }
    }

    @Test
    void aStoppedAndResumedRunEndsWithTheBitsOfAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Tensor data = new RandomStream(5).normal(DType.FLOAT64, 300, 2);
        Path whole = Files.createDirectories(dir.resolve("whole"));
        Trainer.Result uninterrupted = PcdRun.of(whole, data).trainer().run();

        Path parts = Files.createDirectories(dir.resolve("parts"));
        Trainer first = PcdRun.of(parts, data).trainer();
        first.listening(r -> {
            if (r.step() == 17) {
                first.requestStop();
            }
        });
        Trainer.Result stopped = first.run();
        assertTrue(stopped.stopped());
        assertEquals(17, stopped.steps().size());
        assertEquals("17", SafeTensors.read(parts.resolve("model.safetensors")).metadata().get("step"));

        Trainer.Result resumed = PcdRun.of(parts, data).trainer()
                .resume(StateDict.load(parts.resolve("state.safetensors"))).run();
        assertEquals(uninterrupted.steps().stream().map(Trainer.StepRecord::loss).toList(),
                resumed.steps().stream().map(Trainer.StepRecord::loss).toList());
        for (String f : List.of("model.safetensors", "state.safetensors")) {
            assertArrayEquals(Files.readAllBytes(whole.resolve(f)), Files.readAllBytes(parts.resolve(f)), f);
        }
    }

    @Test
    void divergenceSavesTheLastStateThatPassesEveryCheck(@TempDir Path dir) throws Exception {
        Tensor data = new RandomStream(3).normal(DType.FLOAT64, 256, 2).mul(10);
        LearnableGaussian energy = new LearnableGaussian(2);
        Loss loss = new ExactScoreMatching(energy);
        Path file = dir.resolve("model.safetensors");
        Trainer trainer = new Trainer(loss, new SGD(loss.parameters(), 10.0), data,
                Trainer.Options.defaults().withSteps(200).withBatchSize(64).withBlowUp(1e8))
                .monitoring(energy)
                .checkpointing(file, Map.of());
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, trainer::run);
        LearnableGaussian saved = new LearnableGaussian(2);
        int step = Integer.parseInt(Checkpoint.load(file, saved.parameters()).get("step"));
        assertTrue(e.getMessage().contains("Saved the parameters after step " + step), e.getMessage());
        assertTrue(step < e.step());
        double worst = saved.energy(data).abs().max().item();
        assertTrue(Double.isFinite(worst) && worst <= 1e8, "saved energies reach " + worst);
    }

    @Test
    void divergenceStopsBeforeTheBadUpdate() {
        Tensor data = new RandomStream(3).normal(DType.FLOAT64, 256, 2).mul(10);
        LearnableGaussian energy = new LearnableGaussian(2);
        Loss loss = new ExactScoreMatching(energy);
        Trainer trainer = new Trainer(loss, new SGD(loss.parameters(), 10.0), data,
                Trainer.Options.defaults().withSteps(200).withBatchSize(64).withBlowUp(1e8));
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, trainer::run);
        assertTrue(e.getMessage().startsWith("training stopped at step " + e.step()), e.getMessage());
        assertTrue(e.step() > 1);
        for (Parameter p : loss.parameters()) {
            assertTrue(Double.isFinite(p.value().abs().max().item()), p + " must keep the last good value");
        }
    }

    @Test
    void reportsStepsAndEvaluationsAndIsReproducible() {
        Tensor data = new RandomStream(5).normal(DType.FLOAT64, 300, 2);
        double[] finals = new double[2];
        for (int run = 0; run < 2; run++) {
            LearnableGaussian energy = new LearnableGaussian(2);
            Loss loss = new ExactScoreMatching(energy);
            int[] evaluated = {0};
            Trainer.Result result = new Trainer(loss, new Adam(loss.parameters(), 0.01), data,
                    Trainer.Options.defaults().withSteps(30).withBatchSize(64).withEvalEvery(10).withSeed(9))
                    .evaluating(step -> {
                        evaluated[0]++;
                        return Map.of("mean0", energy.mean.value().get(0));
                    })
                    .run();
            assertEquals(30, result.steps().size());
            assertEquals(3, result.evaluations().size());
            assertEquals(3, evaluated[0]);
            assertEquals(List.of(10, 20, 30), result.evaluations().stream().map(Trainer.Evaluation::step).toList());
            finals[run] = result.steps().get(29).loss();
        }
        assertEquals(finals[0], finals[1], 0.0, "same seed, same run");
    }
}
