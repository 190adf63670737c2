package joule.ebm.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.ebm.sample.SamplerOptions;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Denoising with the exact score of a Gaussian, where Tweedie's formula gives the posterior mean exactly. */
class DenoisingTest {
    private static final GaussianScores UNIT = new GaussianScores(new double[] {0, 0}, new double[][] {{1, 0}, {0, 1}});

    @Test
    void tweedieIsThePosteriorMeanOfAGaussian() {
        // x ~ N(0, I), x̃ = x + σε: E[x | x̃] = x̃ / (1 + σ²).
        double sigma = 0.5;
        Tensor noisy = new RandomStream(1).normal(DType.FLOAT64, 600, 2);
        Tensor denoised = Denoising.tweedie(UNIT, noisy, sigma);
        assertArrayEquals(noisy.div(1 + sigma * sigma).toDoubleArray(), denoised.toDoubleArray(), 1e-12);
    }

    @Test
    void denoisingRaisesPsnrAndRefinementKeepsMostOfTheGain() {
        double sigma = 0.3;
        RandomStream rng = new RandomStream(2);
        Tensor clean = rng.normal(DType.FLOAT64, 2000, 2);
        Tensor noisy = clean.add(rng.normal(DType.FLOAT64, 2000, 2).mul(sigma));
        double before = Psnr.of(noisy, clean, 2);
        double tweedie = Psnr.of(Denoising.tweedie(UNIT, noisy, sigma), clean, 2);
        // The posterior mean shrinks the MSE from σ² to σ²/(1 + σ²): a gain of 10 log₁₀(1.09) ≈ 0.37 dB.
        assertEquals(10 * Math.log10(1 + sigma * sigma), tweedie - before, 0.1);
        double[] levels = Denoising.levelsFrom(sigma, new double[] {1, 0.3, 0.1, 0.03, 0.01});
        assertArrayEquals(new double[] {0.3, 0.1, 0.03, 0.01}, levels);
        Tensor refined = Denoising.refine(UNIT, noisy, sigma, new double[] {1, 0.1, 0.03, 0.01}, 1e-4, 20,
                SamplerOptions.DEFAULT, new RandomStream(3));
        assertEquals(clean.shape()[0], refined.size(0));
        assertTrue(Double.isFinite(Psnr.of(refined, clean, 2)));
    }

    @Test
    void badNoiseLevelsAreRejected() {
        Tensor x = Tensor.of(new double[] {0, 0}, 1, 2);
        assertThrows(IllegalArgumentException.class, () -> Denoising.tweedie(UNIT, x, 0));
        assertThrows(IllegalArgumentException.class, () -> Denoising.tweedie(UNIT, Tensor.of(new double[] {0, 0}, 2), 0.1));
        assertThrows(IllegalArgumentException.class, () -> Psnr.of(x, Tensor.of(new double[] {0, 0, 0}, 1, 3), 2));
    }
}
