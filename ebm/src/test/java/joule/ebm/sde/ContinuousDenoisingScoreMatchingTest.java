package joule.ebm.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.autograd.Var;
import joule.ebm.energy.ScoreNetwork;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Continuous DSM against its closed form: for data {@code N(0, v I)} in {@code D} dimensions and the exact score
 * of the diffused data, {@code −x / (m² v + σ²)}, each sample's {@code ½ ‖σ s + ε‖²} has expectation
 * {@code ½ D v m² / (m² v + σ²)}, averaged over {@code t ~ U(ε, 1)}.
 */
class ContinuousDenoisingScoreMatchingTest {
    @Test
    void exactScoreGivesTheClosedFormAndAWrongScoreMore() {
        double v = 0.5;
        int d = 3;
        for (Sde sde : new Sde[] {new VeSde(0.01, 5, 1e-5), new VpSde(), new SubVpSde()}) {
            // the exact score per sample knows t through σ: m² as a function of σ, as in DiffusedGaussian
            DiffusedGaussian shape = new DiffusedGaussian(sde, new double[] {0}, new double[] {1}, new double[] {1});
            ScoreNetwork perSample = (x, sigma) -> {
                Tensor m2 = switch (sde) {
                    case VeSde ve -> sigma.value().scalarLike(1).expand(sigma.size(0));
                    case VpSde vp -> sigma.value().square().neg().add(1);
                    case SubVpSde sub -> sigma.value().neg().add(1);
                };
                Tensor denominator = m2.mul(v).add(sigma.value().square()).unsqueeze(1);
                return x.div(Var.constant(denominator)).neg();
            };
            Tensor data = new RandomStream(1).normal(DType.FLOAT64, 20000, d).mul(Math.sqrt(v));
            ContinuousDenoisingScoreMatching loss = new ContinuousDenoisingScoreMatching(perSample, sde);
            double got = loss.compute(data, new RandomStream(2)).value().item();
            double want = 0;
            int grid = 20000;
            for (int i = 0; i < grid; i++) {
                double t = sde.epsilon() + (1 - sde.epsilon()) * (i + 0.5) / grid;
                double m = sde.meanScale(t);
                double s = sde.std(t);
                want += 0.5 * d * v * m * m / (m * m * v + s * s) / grid;
            }
            assertEquals(want, got, 0.03 * want, sde.toString());
            ScoreNetwork wrong = (x, sigma) -> perSample.score(x, sigma).mul(1.3);
            double worse = new ContinuousDenoisingScoreMatching(wrong, sde).compute(data, new RandomStream(2)).value()
                    .item();
            assertTrue(worse > got + 0.02 * want, sde + ": " + worse + " vs " + got);
            assertEquals(0, shape.meanScaleAt(sde.std(0.5)) - sde.meanScale(0.5), 1e-12, "σ identifies t");
        }
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ContinuousDenoisingScoreMatching(null, new VpSde()));
        ScoreNetwork flat = (x, sigma) -> x.reshape(x.size(0), -1).narrow(1, 0, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ContinuousDenoisingScoreMatching(flat, new VpSde()).compute(Tensor.zeros(DType.FLOAT64, 4, 3),
                        new RandomStream(1)));
        assertTrue(e.getMessage().startsWith("ContinuousDenoisingScoreMatching"), e.getMessage());
    }
}
