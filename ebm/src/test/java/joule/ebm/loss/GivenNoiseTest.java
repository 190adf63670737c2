package joule.ebm.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.ebm.nn.NoiseConditionalMLP;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The losses that draw noise or projections (SSM, DSM, NCSN) also take given ones: the same noise
 * gives the same loss bit for bit, whether drawn from a seed or handed in, and other noise another loss.
 */
class GivenNoiseTest {
    private static final int B = 6;
    private static final int D = 3;
    private final Tensor batch = new RandomStream(1).normal(Device.CPU, DType.FLOAT64, B, D);
    private final MLP mlp = new MLP(Activation.SILU, DType.FLOAT64, new RandomStream(2), D, 8, 1);

    @Test
    void slicedScoreMatchingTakesGivenProjections() {
        for (boolean vr : new boolean[] {false, true}) {
            SlicedScoreMatching ssm = new SlicedScoreMatching(mlp.asEnergy(), 2, Projection.RADEMACHER, vr);
            Tensor v = Projection.RADEMACHER.sample(Device.CPU, DType.FLOAT64, 2 * B, D, new RandomStream(7));
            double drawn = ssm.compute(batch, new RandomStream(7)).item();
            assertEquals(drawn, ssm.compute(batch, v).item(), 0.0);
            assertNotEquals(drawn, ssm.compute(batch,
                    Projection.RADEMACHER.sample(Device.CPU, DType.FLOAT64, 2 * B, D, new RandomStream(70))).item());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ssm.compute(batch, v.narrow(0, 0, B)));
            assertTrue(e.getMessage().contains("should be [12, 3]"), e.getMessage());
        }
    }

    @Test
    void denoisingScoreMatchingTakesGivenNoise() {
        DenoisingScoreMatching dsm = new DenoisingScoreMatching(mlp.asEnergy(), 0.1);
        Tensor eps = new RandomStream(8).normal(Device.CPU, DType.FLOAT64, B, D);
        double drawn = dsm.compute(batch, new RandomStream(8)).item();
        assertEquals(drawn, dsm.compute(batch, eps).item(), 0.0);
        assertNotEquals(drawn, dsm.compute(batch, eps.neg()).item());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dsm.compute(batch, eps.reshape(D, B)));
        assertTrue(e.getMessage().contains("noise ε should be [6, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> dsm.compute(batch, (Tensor) null));
    }

    @Test
    void multiLevelDenoisingScoreMatchingTakesGivenLevelsAndNoise() {
        double[] levels = {1.0, 0.3, 0.1};
        NoiseConditionalMLP net = new NoiseConditionalMLP(D, Activation.SILU, DType.FLOAT64, new RandomStream(3), 8);
        MultiLevelDenoisingScoreMatching ncsn = new MultiLevelDenoisingScoreMatching(net, levels);
        RandomStream rng = new RandomStream(9);
        double[] u = rng.uniform(Device.CPU, DType.FLOAT64, B).toDoubleArray();
        double[] sigma = new double[B];
        for (int i = 0; i < B; i++) {
            sigma[i] = levels[Math.min(levels.length - 1, (int) (u[i] * levels.length))];
        }
        Tensor eps = rng.normal(Device.CPU, DType.FLOAT64, B, D);
        double drawn = ncsn.compute(batch, new RandomStream(9)).item();
        assertEquals(drawn, ncsn.compute(batch, Tensor.of(sigma), eps).item(), 0.0);
        assertNotEquals(drawn, ncsn.compute(batch, Tensor.of(sigma).mul(2), eps).item());
        double[] zero = sigma.clone();
        zero[2] = 0;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ncsn.compute(batch, Tensor.of(zero), eps));
        assertTrue(e.getMessage().contains("must be positive"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ncsn.compute(batch, Tensor.of(sigma).narrow(0, 0, 2), eps));
        assertArrayEquals(new int[] {B, D}, eps.shape());
    }
}
