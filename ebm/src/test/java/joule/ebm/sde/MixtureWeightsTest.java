package joule.ebm.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.autograd.Var;
import joule.ebm.energy.ScoreNetwork;
import joule.ebm.sde.PredictorCorrector.StepRule;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * NCSN's toy mixture {@code 0.8 N((5, 5), I) + 0.2 N((−5, −5), I)}, on which plain Langevin dynamics get the
 * weights wrong: with the exact score of the diffused mixture, predictor–corrector and probability-flow samples
 * recover the weights within 0.03.
 */
class MixtureWeightsTest {
    private static final int CHAINS = 3000;

    /**
     * The exact score of the mixture diffused by {@code sde} (weights kept, means {@code m μ_k}, both variances
     * {@code s² = m² + σ²}): {@code (μ₂ + r₁ (μ₁ − μ₂) − x) / s²} with {@code r₁ = sigmoid(log(w₁/w₂) + (‖x − μ₂‖² −
     * ‖x − μ₁‖²) / (2 s²))}; {@code σ} is read from the first sample (one level per batch here).
     */
    static ScoreNetwork diffusedMixtureScore(Sde sde) {
        return (x, sigma) -> {
            double s = sigma.value().get(0);
            double m = switch (sde) {
                case VeSde ve -> 1;
                case VpSde vp -> Math.sqrt(1 - s * s);
                case SubVpSde sub -> Math.sqrt(1 - s);
            };
            double var = m * m + s * s;
            Var mu1 = Var.constant(x.value().scalarLike(5 * m));
            Var mu2 = Var.constant(x.value().scalarLike(-5 * m));
            Var d1 = x.sub(mu1).square().sum(1);
            Var d2 = x.sub(mu2).square().sum(1);
            Var r1 = d2.sub(d1).mul(1 / (2 * var)).add(Math.log(0.8 / 0.2)).sigmoid().unsqueeze(1);
            return r1.mul(10 * m).add(-5 * m).sub(x).mul(1 / var);
        };
    }

    /** The fraction of samples nearer (5, 5) than (−5, −5). */
    private static double firstWeight(Tensor samples) {
        return samples.sum(1).gt(0).to(DType.FLOAT64).mean().item();
    }

    @Test
    void predictorCorrectorRecoversTheWeights() {
        for (Sde sde : new Sde[] {new VeSde(0.01, 50), new VpSde()}) {
            PredictorCorrector pc = new PredictorCorrector(sde, 200, 1, 0.16, StepRule.BATCH_MEAN);
            Tensor like = Tensor.zeros(DType.FLOAT64, 1);
            Tensor x = pc.sample(diffusedMixtureScore(sde), CHAINS, new int[] {2}, like, new RandomStream(5));
            assertEquals(0.8, firstWeight(x), 0.03, sde.toString());
            assertEquals(400, pc.scoreEvaluations());
            // the samples sit on the modes: within-mode spread ≈ 1
            Tensor upper = x.sub(x.scalarLike(5)).square().sum(1).lt(16);
            assertTrue(upper.to(DType.FLOAT64).mean().item() > 0.75, sde.toString());
        }
    }

    @Test
    void probabilityFlowSamplesRecoverTheWeights() {
        for (Sde sde : new Sde[] {new VeSde(0.01, 50), new VpSde()}) {
            ProbabilityFlow flow = new ProbabilityFlow(sde, diffusedMixtureScore(sde));
            ProbabilityFlow.Samples s = flow.sample(CHAINS, new int[] {2}, Tensor.zeros(DType.FLOAT64, 1),
                    new RandomStream(6), DormandPrince.defaults());
            assertEquals(0.8, firstWeight(s.x()), 0.03, sde.toString());
            assertTrue(s.solution().acceptedSteps() > 5 && s.solution().acceptedSteps() < 2000, s.solution().toString());
        }
    }

    @Test
    void badSettingsAreRejected() {
        Sde sde = new VpSde();
        assertThrows(IllegalArgumentException.class, () -> new PredictorCorrector(sde, 0, 1, 0.16, StepRule.BATCH_MEAN));
        assertThrows(IllegalArgumentException.class, () -> new PredictorCorrector(sde, 10, -1, 0.16, StepRule.BATCH_MEAN));
        assertThrows(IllegalArgumentException.class, () -> new PredictorCorrector(sde, 10, 1, 0, StepRule.BATCH_MEAN));
        assertThrows(IllegalArgumentException.class, () -> new PredictorCorrector(sde, 10, 1, 0.16, null));
        ScoreNetwork nan = (x, sigma) -> sigma.value().get(0) < 0.5 ? x.mul(Double.NaN) : x.neg();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new PredictorCorrector(sde, 10, 0, 0.1, StepRule.BATCH_MEAN)
                .sample(nan, 4, new int[] {2}, Tensor.zeros(DType.FLOAT64, 1), new RandomStream(1)));
        assertTrue(e.getMessage().startsWith("PredictorCorrector:"), e.getMessage());
        IllegalStateException ode = assertThrows(IllegalStateException.class, () -> new ProbabilityFlow(sde, nan)
                .sample(4, new int[] {2}, Tensor.zeros(DType.FLOAT64, 1), new RandomStream(1), DormandPrince.defaults()));
        assertTrue(ode.getMessage().startsWith("DormandPrince:") && ode.getMessage().contains("not finite"),
                ode.getMessage());
        double reached = Double.parseDouble(ode.getMessage().replaceAll(".*reached t = ([^,]+),.*", "$1"));
        assertEquals(0.5, sde.std(reached), 1e-6);   // where the network turned NaN
    }
}
