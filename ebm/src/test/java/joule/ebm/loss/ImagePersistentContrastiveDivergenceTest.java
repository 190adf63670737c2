package joule.ebm.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.ebm.nn.ResNetEnergy;
import joule.ebm.optim.Adam;
import joule.ebm.optim.Optimizer;
import joule.ebm.sample.DecoupledLangevin;
import joule.ebm.sample.ReplayBuffer;
import joule.ebm.sample.Sampler;
import joule.ebm.sample.SamplerOptions;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Persistent CD on images, IGEBM's recipe in small: 8×8 images that are one of two patterns (top half or left
 * half at 0.8, the rest at −0.8) plus noise of 0.05, a ResNetEnergy, a replay buffer with 5% restarts from
 * uniform noise on [−1, 1], Langevin with decoupled noise clamped to [−1, 1], and the energy-magnitude regulariser.
 */
class ImagePersistentContrastiveDivergenceTest {
    private static final int SIDE = 8;
    private static final int PIXELS = SIDE * SIDE;
    private static final SamplerOptions DATA_RANGE = SamplerOptions.DEFAULT.withBox(-1, 1);

    private static Tensor patterns() {
        double[] p = new double[2 * PIXELS];
        for (int i = 0; i < SIDE; i++) {
            for (int j = 0; j < SIDE; j++) {
                p[i * SIDE + j] = i < SIDE / 2 ? 0.8 : -0.8;
                p[PIXELS + i * SIDE + j] = j < SIDE / 2 ? 0.8 : -0.8;
            }
        }
        return Tensor.of(DType.FLOAT32, p, 2, 1, SIDE, SIDE);
    }

    /** The mean over images of the root-mean-square distance to the nearer pattern. */
    private static double distanceToPatterns(Tensor images, Tensor patterns) {
        double[] x = images.toDoubleArray();
        double[] p = patterns.toDoubleArray();
        int n = images.size(0);
        double total = 0;
        for (int i = 0; i < n; i++) {
            double nearest = Double.POSITIVE_INFINITY;
            for (int k = 0; k < 2; k++) {
                double s = 0;
                for (int d = 0; d < PIXELS; d++) {
                    double e = x[i * PIXELS + d] - p[k * PIXELS + d];
                    s += e * e;
                }
                nearest = Math.min(nearest, Math.sqrt(s / PIXELS));
            }
            total += nearest;
        }
        return total / n;
    }

    @Test
    void trainingLowersTheEnergyOfDataBelowNoiseAndDrawsSamplesToThePatterns() {
        RandomStream rng = new RandomStream(1);
        Tensor patterns = patterns();
        int n = 256;
        int[] which = new int[n];
        double[] coin = rng.uniform(DType.FLOAT64, n).toDoubleArray();
        for (int i = 0; i < n; i++) {
            which[i] = coin[i] < 0.5 ? 0 : 1;
        }
        Tensor data = patterns.indexSelect(0, which).add(rng.normal(DType.FLOAT32, n, 1, SIDE, SIDE).mul(0.05)).clamp(-1, 1);
        ResNetEnergy energy = new ResNetEnergy(ResNetEnergy.Config.of(1, SIDE, SIDE, 4, 2), DType.FLOAT32, new RandomStream(2));
        ReplayBuffer buffer = new ReplayBuffer(1000, 0.05, ReplayBuffer.Prior.uniform(-1, 1, DType.FLOAT32, 1, SIDE, SIDE));
        Sampler langevin = new DecoupledLangevin(1.0, 0.01);
        int k = 10;
        Loss pcd = new ContrastiveDivergence(energy, langevin, k, buffer, 0.1, DATA_RANGE);
        Tensor noise = new RandomStream(3).uniform(-1, 1, DType.FLOAT32, 64, 1, SIDE, SIDE);
        double before = distanceToPatterns(langevin.sample(energy, noise, 2 * k, new RandomStream(4), DATA_RANGE).state(),
                patterns);

        Optimizer adam = new Adam(energy.parameters(), 1e-2, 0.0, 0.999, 1e-8, 0);
        int batch = 16;
        int steps = 40;
        for (int step = 0; step < steps; step++) {
            adam.zeroGrad();
            pcd.compute(data.narrow(0, step * batch % n, batch), rng).backward();
            adam.step();
        }
        assertEquals(steps * batch, buffer.size(), "each step pushes its chains");
        assertArrayEquals(new int[] {3, 1, SIDE, SIDE}, buffer.draw(3, rng).shape());

        double dataEnergy = energy.energy(data.narrow(0, 0, 64)).mean().item();
        double noiseEnergy = energy.energy(noise).mean().item();
        assertTrue(dataEnergy < noiseEnergy - 1, "mean energy of data " + dataEnergy + ", of noise " + noiseEnergy);
        double after = distanceToPatterns(langevin.sample(energy, noise, 2 * k, new RandomStream(4), DATA_RANGE).state(),
                patterns);
        assertTrue(after < 0.6 * before, "distance of short-run samples to the patterns " + before + " → " + after);
    }
}
