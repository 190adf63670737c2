package joule.ebm.apply;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import joule.ebm.data.ToyDataset;
import joule.ebm.energy.Energy;
import joule.ebm.energy.ScoreNetwork;
import joule.ebm.loss.DenoisingScoreMatching;
import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.ebm.optim.Adam;
import joule.ebm.train.Trainer;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An MLP energy trained briefly on two moons (denoising score matching at σ = 0.3, 800 steps) separates held-out
 * two-moons points from uniform points off the moons (in the data's box widened by 0.5, farther than 0.3 from every
 * held-out point) with AUROC ≥ 0.99 by its energy (measured 0.999). Its score norm separates them less well (0.985):
 * the score also vanishes where the energy is flat or has a saddle off the data, between and beyond the moons.
 */
class TwoMoonsAnomalyTest {
    private static final DType DT = DType.FLOAT32;
    private static Energy energy;
    private static Tensor scored;
    private static int[] labels;

    @BeforeAll
    static void train() {
        MLP mlp = new MLP(Activation.SILU, DT, new RandomStream(1), 2, 64, 64, 1);
        energy = mlp.asEnergy();
        Tensor train = ToyDataset.TWO_MOONS.sample(4000, DT, new RandomStream(1));
        DenoisingScoreMatching loss = new DenoisingScoreMatching(energy, 0.3);
        new Trainer(loss, new Adam(loss.parameters(), 3e-3), train,
                Trainer.Options.defaults().withSteps(800).withBatchSize(128).withEvalEvery(0).withSeed(4)).run();
        Tensor heldOut = ToyDataset.TWO_MOONS.sample(1000, DT, new RandomStream(2));
        Tensor off = Corruptions.uniformAwayFrom(heldOut, 1000, 0.5, 0.3, new RandomStream(3));
        scored = Tensor.cat(0, heldOut, off);
        labels = new int[2000];
        java.util.Arrays.fill(labels, 1000, 2000, 1);
    }

    @Test
    void energySeparatesHeldOutDataFromOffManifoldPoints() {
        DetectionMetrics.Report r = DetectionMetrics.evaluate(AnomalyScores.energy(energy, scored), labels, 200, 0.95,
                new RandomStream(5));
        String text = String.format(Locale.ROOT, "energy: AUROC %.4f [%.4f, %.4f], AUPRC %.4f", r.auroc().estimate(),
                r.auroc().lo(), r.auroc().hi(), r.auprc().estimate());
        System.out.println(text);
        assertTrue(r.auroc().estimate() >= 0.99, text);
    }

    @Test
    void scoreNormSeparatesThemToo() {
        double auroc = DetectionMetrics.auroc(AnomalyScores.scoreNorm(ScoreNetwork.of(energy), scored, 0.1), labels);
        System.out.printf(Locale.ROOT, "score norm: AUROC %.4f%n", auroc);
        assertTrue(auroc >= 0.95, "score norm AUROC " + auroc);
    }

    @Test
    void dataOfAnotherDimensionIsRejected() {
        Tensor three = new RandomStream(1).normal(DT, 4, 3);
        assertThrows(IllegalArgumentException.class, () -> AnomalyScores.energy(energy, three));
        assertThrows(IllegalArgumentException.class, () -> AnomalyScores.scoreNorm(ScoreNetwork.of(energy), three, 0.1));
    }
}
