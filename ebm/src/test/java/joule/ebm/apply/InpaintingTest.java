package joule.ebm.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.ebm.sample.AnnealedLangevin;
import joule.ebm.sample.SamplerOptions;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Inpainting with the exact score of a correlated 2-D Gaussian: filling {@code x2} given {@code x1} must draw from the
 * conditional {@code N(μ2 + C21/C11 (x1 − μ1), C22 − C21²/C11)}.
 */
class InpaintingTest {
    private static final GaussianScores GAUSSIAN = new GaussianScores(new double[] {1, -1},
            new double[][] {{1, 0.8}, {0.8, 1}});
    /** Steps large enough that the chains mix at every level, down to the last (with NCSN's tiny last steps they stop
     * mixing at the middle levels, and the conditional is that of the data noised at those levels). */
    private static final Inpainting INPAINTING = new Inpainting(AnnealedLangevin.geometricSigmas(0.5, 0.05, 5), 5e-3, 200,
            SamplerOptions.DEFAULT);

    @Test
    void fillsTheMissingCoordinateFromTheConditional() {
        int n = 2000;
        double x1 = 2;
        Tensor data = Tensor.of(new double[] {x1, 0}, 1, 2).expand(n, 2).add(0);
        Tensor mask = Tensor.of(new double[] {1, 0}, 2);
        Tensor filled = INPAINTING.inpaint(GAUSSIAN, data, mask, new RandomStream(4));
        double[] v = filled.toDoubleArray();
        double mean = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            assertEquals(x1, v[2 * i], "known coordinates are kept exactly");
            mean += v[2 * i + 1] / n;
            sq += v[2 * i + 1] * v[2 * i + 1] / n;
        }
        double var = sq - mean * mean;
        double wantMean = -1 + 0.8 * (x1 - 1);
        double wantVar = 1 - 0.64;
        assertEquals(wantMean, mean, 0.05, "conditional mean");
        assertEquals(wantVar, var, 0.25 * wantVar, "conditional variance");
    }

    @Test
    void sameSeedSameBits() {
        Tensor data = new RandomStream(5).normal(DType.FLOAT32, 16, 2);
        Tensor mask = Tensor.of(DType.FLOAT32, new double[] {0, 1}, 2);
        Inpainting short1 = new Inpainting(new double[] {1, 0.1}, 1e-3, 5, SamplerOptions.DEFAULT.withBox(-3, 3));
        assertArrayEquals(short1.inpaint(GAUSSIAN, data, mask, new RandomStream(6)).toDoubleArray(),
                short1.inpaint(GAUSSIAN, data, mask, new RandomStream(6)).toDoubleArray());
    }

    @Test
    void badMasksAreRejectedWithAReason() {
        Tensor data = Tensor.of(new double[] {0, 0, 1, 1}, 2, 2);
        RandomStream rng = new RandomStream(1);
        assertMessage("must have the shape of one row [2] or of the data [2, 2]",
                () -> INPAINTING.inpaint(GAUSSIAN, data, Tensor.of(new double[] {1, 0, 1}, 3), rng));
        assertMessage("mask is all zeros", () -> INPAINTING.inpaint(GAUSSIAN, data, Tensor.of(new double[] {0, 0}, 2), rng));
        assertMessage("mask is all ones", () -> INPAINTING.inpaint(GAUSSIAN, data, Tensor.of(new double[] {1, 1}, 2), rng));
        assertMessage("mask row 1 is all ones",
                () -> INPAINTING.inpaint(GAUSSIAN, data, Tensor.of(new double[] {1, 0, 1, 1}, 2, 2), rng));
        assertMessage("mask values must be 0 (missing) or 1 (known), got 0.5",
                () -> INPAINTING.inpaint(GAUSSIAN, data, Tensor.of(new double[] {1, 0.5}, 2), rng));
    }

    private static void assertMessage(String text, org.junit.jupiter.api.function.Executable call) {
        String message = assertThrows(IllegalArgumentException.class, call).getMessage();
        assertTrue(message.contains(text), message);
    }
}
