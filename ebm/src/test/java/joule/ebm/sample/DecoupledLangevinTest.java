package joule.ebm.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.ebm.energy.Energy;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Langevin with decoupled noise, x' = x − α∇E(x) + σξ, on image-shaped chains [chains, C, H, W]. */
class DecoupledLangevinTest {
    private static final int[] PIXELS = {1, 2, 3};

    /** E(x) = ½‖x‖² over each image's pixels: ∇E = x. */
    private static final Energy HALF_SQUARED_NORM = x -> x.square().sum(PIXELS).mul(0.5);

    private static Tensor images(long seed) {
        return new RandomStream(seed).normal(DType.FLOAT64, 500, 1, 2, 2);
    }

    @Test
    void withNoiseSqrtTwoAlphaItIsUlaBitForBit() {
        double alpha = 0.05;
        SamplerOptions options = SamplerOptions.DEFAULT.withTrace(true).withThin(2);
        SampleResult ula = new UnadjustedLangevin(alpha).sample(HALF_SQUARED_NORM, images(1), 10, new RandomStream(2), options);
        SampleResult decoupled = new DecoupledLangevin(alpha, Math.sqrt(2 * alpha)).sample(HALF_SQUARED_NORM, images(1), 10,
                new RandomStream(2), options);
        assertArrayEquals(ula.state().toDoubleArray(), decoupled.state().toDoubleArray(), 0);
        assertArrayEquals(ula.samples().toDoubleArray(), decoupled.samples().toDoubleArray(), 0);
        assertEquals(ula.trace(), decoupled.trace());
        assertArrayEquals(new int[] {500, 1, 2, 2}, decoupled.state().shape());
    }

    @Test
    void withoutNoiseItIsGradientDescent() {
        double alpha = 0.1;
        Tensor x0 = images(3);
        Tensor x = new DecoupledLangevin(alpha, 0).sample(HALF_SQUARED_NORM, x0, 5, new RandomStream(4)).state();
        assertArrayEquals(x0.mul(Math.pow(1 - alpha, 5)).toDoubleArray(), x.toDoubleArray(), 1e-12);
    }

    /** With a flat energy only the noise moves the chains: after t steps each pixel has variance t σ². */
    @Test
    void theNoiseScaleIsSigma() {
        double sigma = 0.3;
        int steps = 4;
        Energy flat = x -> x.sum(PIXELS).mul(0);
        Tensor x = new DecoupledLangevin(1.0, sigma).sample(flat, Tensor.zeros(DType.FLOAT64, 5000, 1, 2, 2), steps,
                new RandomStream(5)).state();
        double variance = x.square().mean().item();
        int n = 5000 * 4;
        double expected = steps * sigma * sigma;
        assertEquals(expected, variance, 5 * expected * Math.sqrt(2.0 / n));
    }

    @Test
    void theBoxClampsImagesToTheDataRange() {
        Tensor x = new DecoupledLangevin(2.0, 0.5).sample(x0 -> x0.sum(PIXELS).mul(-3), images(6).mul(0.1), 3,
                new RandomStream(7), SamplerOptions.DEFAULT.withBox(-1, 1)).state();
        assertEquals(1.0, x.max().item(), 0, "pushed up to the top of the box");
        assertTrue(x.min().item() >= -1);
    }

    @Test
    void badSettingsNameTheSamplerAndTheValue() {
        var step = assertThrows(IllegalArgumentException.class, () -> new DecoupledLangevin(0, 0.1));
        assertTrue(step.getMessage().startsWith("DecoupledLangevin: step size alpha") && step.getMessage().endsWith("0.0"),
                step.getMessage());
        var noise = assertThrows(IllegalArgumentException.class, () -> new DecoupledLangevin(1, -0.1));
        assertTrue(noise.getMessage().startsWith("DecoupledLangevin: noise sigma") && noise.getMessage().endsWith("-0.1"),
                noise.getMessage());
        var init = assertThrows(IllegalArgumentException.class,
                () -> new DecoupledLangevin(1, 0.1).sample(HALF_SQUARED_NORM, Tensor.zeros(DType.FLOAT64, 4), 3,
                        new RandomStream(1)));
        assertTrue(init.getMessage().startsWith("DecoupledLangevin: init") && init.getMessage().contains("[4]"),
                init.getMessage());
    }
}
