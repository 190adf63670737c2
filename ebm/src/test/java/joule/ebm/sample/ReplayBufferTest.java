package joule.ebm.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {
    @Test
    void emptyBufferDrawsFromThePrior() {
        ReplayBuffer buffer = new ReplayBuffer(100, 0.05, ReplayBuffer.Prior.uniform(-1, 1, DType.FLOAT32, 2));
        Tensor x = buffer.draw(500, new RandomStream(1));
        assertArrayEquals(new int[] {500, 2}, x.shape());
        assertEquals(DType.FLOAT32, x.dtype());
        assertTrue(x.min().item() >= -1 && x.max().item() < 1);
        assertEquals(0, buffer.size());
    }

    @Test
    void reinitialisationFractionIsRho() {
        double rho = 0.05;
        ReplayBuffer buffer = new ReplayBuffer(1000, rho, ReplayBuffer.Prior.uniform(-1, 1, DType.FLOAT64, 2));
        buffer.push(Tensor.full(DType.FLOAT64, 100, 1000, 2));
        int n = 20000;
        double[] x = buffer.draw(n, new RandomStream(2)).toDoubleArray();
        int fresh = 0;
        for (int i = 0; i < n; i++) {
            fresh += x[2 * i] < 50 ? 1 : 0;
        }
        double sd = Math.sqrt(n * rho * (1 - rho));
        assertEquals(n * rho, fresh, 5 * sd, "re-initialised rows");
    }

    @Test
    void pushOverwritesTheOldestAndDrawsAreUniformOverTheBuffer() {
        ReplayBuffer buffer = new ReplayBuffer(3, 0.0, ReplayBuffer.Prior.gaussian(0, 1, DType.FLOAT64, 1));
        buffer.push(Tensor.of(new double[] {1, 2}, 2, 1));
        buffer.push(Tensor.of(new double[] {3, 4, 5}, 3, 1));
        assertEquals(3, buffer.size());
        double[] x = buffer.draw(3000, new RandomStream(3)).toDoubleArray();
        int[] counts = new int[6];
        for (double v : x) {
            counts[(int) v]++;
        }
        assertEquals(0, counts[1] + counts[2], "the two oldest are gone");
        for (int v = 3; v <= 5; v++) {
            assertEquals(1000, counts[v], 5 * Math.sqrt(3000 / 3.0 * 2 / 3), "value " + v);
        }
        // a push larger than the capacity keeps its last rows
        buffer.push(Tensor.of(new double[] {6, 7, 8, 9, 10}, 5, 1));
        Set<Double> seen = new HashSet<>();
        for (double v : buffer.draw(300, new RandomStream(4)).toDoubleArray()) {
            seen.add(v);
        }
        assertEquals(Set.of(8.0, 9.0, 10.0), seen);
    }

    @Test
    void drawsAreReproducibleAndPriorsHaveTheirMoments() {
        ReplayBuffer a = new ReplayBuffer(50, 0.3, ReplayBuffer.Prior.gaussian(2, 0.5, DType.FLOAT64, 3));
        ReplayBuffer b = new ReplayBuffer(50, 0.3, ReplayBuffer.Prior.gaussian(2, 0.5, DType.FLOAT64, 3));
        Tensor first = a.draw(50, new RandomStream(5));
        a.push(first);
        b.push(b.draw(50, new RandomStream(5)));
        assertArrayEquals(a.draw(40, new RandomStream(6)).toDoubleArray(), b.draw(40, new RandomStream(6)).toDoubleArray(), 0);
        Tensor prior = ReplayBuffer.Prior.gaussian(2, 0.5, DType.FLOAT64, 3).sample(20000, new RandomStream(7));
        assertEquals(2, prior.mean().item(), 5 * 0.5 / Math.sqrt(60000));
        assertEquals(0.25, prior.sub(2).square().mean().item(), 5 * 0.25 * Math.sqrt(2.0 / 60000));
    }

    @Test
    void badInputIsRejected() {
        ReplayBuffer.Prior prior = ReplayBuffer.Prior.uniform(0, 1, DType.FLOAT64, 2);
        assertThrows(IllegalArgumentException.class, () -> new ReplayBuffer(0, 0.05, prior));
        IllegalArgumentException rho = assertThrows(IllegalArgumentException.class, () -> new ReplayBuffer(10, 1.5, prior));
        assertTrue(rho.getMessage().contains("ReplayBuffer") && rho.getMessage().contains("1.5"), rho.getMessage());
        ReplayBuffer buffer = new ReplayBuffer(10, 0.05, prior);
        buffer.push(Tensor.zeros(DType.FLOAT64, 4, 2));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> buffer.push(Tensor.zeros(DType.FLOAT64, 4, 3)));
        assertTrue(shape.getMessage().contains("[4, 3]"), shape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> buffer.push(Tensor.zeros(DType.FLOAT32, 4, 2)));
        assertThrows(IllegalArgumentException.class, () -> buffer.draw(0, new RandomStream(1)));
        assertThrows(IllegalArgumentException.class, () -> ReplayBuffer.Prior.uniform(1, 1, DType.FLOAT64, 2));
    }
}
