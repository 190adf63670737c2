package joule.ebm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import joule.autograd.Var;
import joule.ebm.data.ToyDataset;
import joule.ebm.loss.ContrastiveDivergence;
import joule.ebm.loss.DenoisingScoreMatching;
import joule.ebm.loss.Loss;
import joule.ebm.loss.MultiLevelDenoisingScoreMatching;
import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.ebm.nn.Parameter;
import joule.ebm.nn.ResNetEnergy;
import joule.ebm.nn.UNet;
import joule.ebm.optim.Adam;
import joule.ebm.optim.GradClip;
import joule.ebm.sample.AnnealedLangevin;
import joule.ebm.sample.DecoupledLangevin;
import joule.ebm.sample.ReplayBuffer;
import joule.ebm.sample.SamplerOptions;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.tensor.Workspace;
import org.junit.jupiter.api.Test;

/**
 * The trainer runs each step in a {@link Workspace} scope: the parameters it ends with are bit for bit those
 * of the same steps run without one, for an MLP energy (DSM), a U-Net (NCSN: convolutions, group norms,
 * concatenations) and a spectral-norm ResNet energy (persistent CD with a replay buffer), and tensors that
 * escape a step fail loudly.
 */
class TrainerWorkspaceTest {
    private static final int STEPS = 4;
    private static final long SEED = 3;

    /** A loss, its data and its model's parameters, made afresh from fixed seeds. */
    private record Problem(Loss loss, Tensor data) {
    }

    private static Problem mlpDsm() {
        MLP mlp = new MLP(Activation.SILU, DType.FLOAT32, new RandomStream(1), 2, 32, 32, 1);
        return new Problem(new DenoisingScoreMatching(mlp.asEnergy(), 0.1),
                ToyDataset.TWO_MOONS.sample(256, DType.FLOAT32, new RandomStream(2)));
    }

    private static Problem unetNcsn() {
        UNet net = new UNet(new UNet.Config(1, 8, 8, 8, List.of(1, 2), 1, UNet.Downsample.CONV, 16), DType.FLOAT32,
                new RandomStream(1));
        return new Problem(new MultiLevelDenoisingScoreMatching(net, AnnealedLangevin.geometricSigmas(1, 0.01, 4)),
                new RandomStream(2).uniform(DType.FLOAT32, 64, 1, 8, 8));
    }

    private static Problem resnetPcd() {
        ResNetEnergy energy = new ResNetEnergy(ResNetEnergy.Config.of(1, 8, 8, 8, 2), DType.FLOAT32, new RandomStream(1));
        ReplayBuffer buffer = new ReplayBuffer(200, 0.05, (n, rng) -> rng.uniform(DType.FLOAT32, n, 1, 8, 8));
        return new Problem(new ContrastiveDivergence(energy, new DecoupledLangevin(1, 0.01), 3, buffer, 0.1,
                SamplerOptions.DEFAULT.withBox(-1, 1)), new RandomStream(2).uniform(DType.FLOAT32, 64, 1, 8, 8));
    }

    @Test
    void trainingInAWorkspaceGivesTheSameBitsAsWithout() {
        for (Supplier<Problem> make : List.<Supplier<Problem>>of(TrainerWorkspaceTest::mlpDsm,
                TrainerWorkspaceTest::unetNcsn, TrainerWorkspaceTest::resnetPcd)) {
            Problem withTrainer = make.get();
            Adam adam = new Adam(withTrainer.loss().parameters(), 1e-3);
            new Trainer(withTrainer.loss(), adam, withTrainer.data(),
                    Trainer.Options.defaults().withSteps(STEPS).withBatchSize(16).withEvalEvery(0).withSeed(SEED)).run();

            Problem plain = make.get();
            Adam plainAdam = new Adam(plain.loss().parameters(), 1e-3);
            RandomStream rng = new RandomStream(SEED);
            Batches batches = new Batches(plain.data(), 16, rng);
            for (int step = 0; step < STEPS; step++) {
                Tensor batch = batches.next();
                plainAdam.zeroGrad();
                plain.loss().compute(batch, rng).backward();
                GradClip.globalNorm(plainAdam.parameters());
                plainAdam.step();
            }
            List<Parameter> a = withTrainer.loss().parameters();
            List<Parameter> b = plain.loss().parameters();
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(b.get(i).value().toDoubleArray(), a.get(i).value().toDoubleArray(),
                        withTrainer.loss() + ": parameter " + a.get(i).name());
            }
        }
    }

    @Test
    void aResultThatEscapesItsStepFailsNamingItsOp() {
        Var x = Var.leaf(Tensor.of(new float[] {1, 2, 3}, 3));
        Var escaped;
        try (Workspace.Scope scope = new Workspace("Trainer step").open()) {
            escaped = x.tanh();
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> escaped.value().sum().item());
        assertTrue(e.getMessage().contains("tanh") && e.getMessage().contains("Trainer step"), e.getMessage());
    }
}
