package joule.ebm.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.autograd.Var;
import joule.ebm.energy.ScoreNetwork;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Annealed Langevin with a score network: the energy's run with the analytic score, on any chain shape. */
class AnnealedLangevinScoreNetworkTest {
    /** The score of {@link AnnealedLangevinTest#PERTURBED_GAUSSIAN}: {@code −(x − μ) / (s² + σ²)}. */
    private static final ScoreNetwork PERTURBED_GAUSSIAN_SCORE = (x, sigma) -> x
            .sub(Var.constant(Tensor.of(x.dtype(), new double[] {1, -1}, 2)))
            .neg()
            .div(sigma.square().add(1).unsqueeze(1));

    @Test
    void runsAsTheEnergyWithItsScoreAndReportsNoEnergy() {
        double[] sigmas = AnnealedLangevin.geometricSigmas(1, 0.1, 3);
        AnnealedLangevin sampler = new AnnealedLangevin(sigmas, 0.01, 4, true);
        Tensor init = new RandomStream(1).normal(DType.FLOAT64, 20, 2);
        SamplerOptions options = SamplerOptions.DEFAULT.withCollect(true).withTrace(true);
        SampleResult byEnergy = sampler.sample(AnnealedLangevinTest.PERTURBED_GAUSSIAN, init, new RandomStream(2), options);
        SampleResult byScore = sampler.sample(PERTURBED_GAUSSIAN_SCORE, init, new RandomStream(2), options);
        assertArrayEquals(byEnergy.state().toDoubleArray(), byScore.state().toDoubleArray(), 1e-12);
        assertArrayEquals(byEnergy.samples().toDoubleArray(), byScore.samples().toDoubleArray(), 1e-12);
        assertEquals(12, byScore.trace().size());
        for (int i = 0; i < 12; i++) {
            assertTrue(Double.isNaN(byScore.trace().get(i).meanEnergy()));
            assertTrue(Double.isFinite(byEnergy.trace().get(i).meanEnergy()));
            assertEquals(byEnergy.trace().get(i).stepSize(), byScore.trace().get(i).stepSize(), 0);
        }
    }

    /** Chains of images {@code [C, 1, 2, 2]} of N(0, I) data: one step per level, then denoising, by hand. */
    @Test
    void chainsMayBeImages() {
        ScoreNetwork standardNormal = (x, sigma) -> x.neg().div(sigma.square().add(1).reshape(x.size(0), 1, 1, 1));
        double[] sigmas = {2, 0.5};
        Tensor x = new RandomStream(3).normal(DType.FLOAT64, 3, 1, 2, 2);
        SampleResult r = new AnnealedLangevin(sigmas, 0.01, 1, true).sample(standardNormal, x, new RandomStream(4));
        RandomStream rng = new RandomStream(4);
        for (int i = 0; i < 2; i++) {
            double etaI = 0.01 * (sigmas[i] / 0.5) * (sigmas[i] / 0.5);
            x = x.add(x.mul(-etaI / (1 + sigmas[i] * sigmas[i]))).add(rng.normal(DType.FLOAT64, 3, 1, 2, 2)
                    .mul(Math.sqrt(2 * etaI)));
        }
        Tensor denoised = x.add(x.mul(-0.25 / 1.25));
        assertArrayEquals(new int[] {3, 1, 2, 2}, r.state().shape());
        assertArrayEquals(denoised.toDoubleArray(), r.state().toDoubleArray(), 1e-12);
    }

    @Test
    void aScoreOfAnotherShapeIsAnError() {
        ScoreNetwork flat = (x, sigma) -> x.reshape(x.size(0), -1);
        var e = assertThrows(IllegalArgumentException.class, () -> new AnnealedLangevin(new double[] {1}, 0.1, 1, false)
                .sample(flat, Tensor.zeros(DType.FLOAT64, 2, 1, 2, 2), new RandomStream(5)));
        assertEquals("AnnealedLangevin: the score network gave [2, 4] for x of shape [2, 1, 2, 2]; a score has the shape "
                + "of x", e.getMessage());
    }
}
