package joule.ebm.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GridKlTest {
    /** {@code E(x) = ‖x − μ‖²/(2s²)}: the Gaussian N(μ, s² I) up to its normaliser. */
    record Quadratic(double mx, double my, double s) implements Energy {
        @Override
        public Var energy(Var x) {
            Var mu = Var.constant(Tensor.of(x.dtype(), new double[] {mx, my}, 1, 2));
            return x.sub(mu).square().sum(1).mul(1 / (2 * s * s));
        }
    }

    private static final Box BOX = Box.square(5);
    private static final Tensor DATA = new RandomStream(42).normal(DType.FLOAT64, 200_000, 2);

    @Test
    void nearZeroForTheTrueEnergy() {
        double kl = GridKl.gridKl(new Quadratic(0, 0, 1), DATA, BOX, 50);
        // Histogram bias ≈ (occupied cells)/(2N) ≈ 1300/400000; the grid error is far smaller.
        assertTrue(kl >= 0 && kl < 0.006, "KL " + kl);
        double kl32 = GridKl.gridKl(new Quadratic(0, 0, 1), DATA.to(DType.FLOAT32), BOX, 50);
        assertEquals(kl, kl32, 1e-4);
        assertEquals(kl, GridKl.gridKl(new Quadratic(0, 0, 1), DATA, BOX, 50, 0.0), 1e-4);
    }

    @Test
    void matchesTheClosedFormForWrongEnergies() {
        // KL(N(0, I) ‖ N(μ, I)) = ½‖μ‖² = 0.5.
        double shifted = GridKl.gridKl(new Quadratic(1, 0, 1), DATA, BOX, 50);
        assertEquals(0.5, shifted, 0.02);
        // KL(N(0, I) ‖ N(0, 4I)) = 2 · ½(1/4 + ln 4 − 1) ≈ 0.636, less ≈ 0.025 for p_θ's mass outside the box.
        double wide = GridKl.gridKl(new Quadratic(0, 0, 2), DATA, BOX, 50);
        assertEquals(0.636 - 0.025, wide, 0.02);
    }

    @Test
    void logDensityIsNormalisedOnTheGrid() {
        int cells = 40;
        Tensor logp = GridKl.logDensity(new Quadratic(0.5, -1, 1.5), BOX, cells, DType.FLOAT32, Device.CPU);
        assertArrayEquals(new int[] {cells, cells}, logp.shape());
        assertEquals(1.0, logp.exp().sum().item() * BOX.cellArea(cells), 1e-12);
        // Close to the true Gaussian log density well inside the box.
        Tensor centres = BOX.cellCentres(cells, DType.FLOAT64);
        int k = 20 * cells + 15;
        double x = centres.get(k, 0) - 0.5;
        double y = centres.get(k, 1) + 1;
        double truth = -(x * x + y * y) / (2 * 2.25) - Math.log(2 * Math.PI * 2.25);
        assertEquals(truth, logp.get(20, 15), 0.01);
    }

    @Test
    void boxCells() {
        Box b = new Box(-1, 3, 0, 2);
        assertEquals(1.0 * 0.5, b.cellArea(4));
        Tensor c = b.cellCentres(4, DType.FLOAT64);
        assertArrayEquals(new int[] {16, 2}, c.shape());
        assertArrayEquals(new double[] {-0.5, 0.25}, new double[] {c.get(0, 0), c.get(0, 1)}, 0.0);
        assertArrayEquals(new double[] {-0.5, 0.75}, new double[] {c.get(1, 0), c.get(1, 1)}, 0.0);
        assertEquals(1, b.cellOf(-0.5, 0.75, 4));
        assertEquals(15, b.cellOf(3, 2, 4));
        assertEquals(-1, b.cellOf(3.01, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> new Box(1, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> b.cellArea(0));
    }

    @Test
    void pointsOutsideTheBoxAreLeftOut() {
        Tensor far = Tensor.of(new double[] {100, 100, -100, 0}, 2, 2);
        double inside = GridKl.gridKl(new Quadratic(0, 0, 1), DATA.narrow(0, 0, 1000), BOX, 20);
        double withFar = GridKl.gridKl(new Quadratic(0, 0, 1), Tensor.cat(0, DATA.narrow(0, 0, 1000), far), BOX, 20);
        assertEquals(inside, withFar, 1e-12);
    }

    @Test
    void badInputIsRejected() {
        Energy e = new Quadratic(0, 0, 1);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> GridKl.gridKl(e, Tensor.of(new double[] {100, 100}, 1, 2), BOX, 10));
        assertTrue(ex.getMessage().contains("none of the 1 data points"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class,
                () -> GridKl.gridKl(e, Tensor.zeros(DType.FLOAT64, 3, 3), BOX, 10));
        assertTrue(ex.getMessage().contains("[N, 2]") && ex.getMessage().contains("[3, 3]"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> GridKl.gridKl(e, DATA, BOX, 0));
        assertTrue(ex.getMessage().contains("got 0"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> GridKl.gridKl(e, DATA, BOX, 10, -1));
        assertTrue(ex.getMessage().contains("-1"), ex.getMessage());
    }
}
