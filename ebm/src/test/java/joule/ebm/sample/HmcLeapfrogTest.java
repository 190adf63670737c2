package joule.ebm.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.ebm.energy.DoubleWellEnergy;
import joule.ebm.energy.Energy;
import joule.ebm.energy.RosenbrockEnergy;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** ebm-reference: HMC's leapfrog is reversible and keeps H nearly constant (error O(h²)). */
class HmcLeapfrogTest {
    @Test
    void leapfrogIsReversible() {
        for (Energy energy : new Energy[] {new RosenbrockEnergy(), new DoubleWellEnergy(2), GaussianTargetTest.target()}) {
            RandomStream rng = new RandomStream(31);
            Tensor x0 = rng.normal(DType.FLOAT64, 200, 2);
            Tensor p0 = rng.normal(DType.FLOAT64, 200, 2);
            Hmc hmc = new Hmc(0.01, 50, Tensor.of(new double[] {1.5, 0.7}));
            Hmc.PhasePoint end = hmc.leapfrog(energy, x0, p0);
            Hmc.PhasePoint back = hmc.leapfrog(energy, end.x(), end.p().neg());
            assertArrayEquals(x0.toDoubleArray(), back.x().toDoubleArray(), 1e-10, energy.toString());
            assertArrayEquals(p0.toDoubleArray(), back.p().neg().toDoubleArray(), 1e-10, energy.toString());
            // it did move
            assertTrue(end.x().sub(x0).abs().max().item() > 0.1, energy.toString());
        }
    }

    /** Mean |H(x', p') − H(x, p)| over many chains for a trajectory of fixed length h·L = 1. */
    private static double meanEnergyError(Energy energy, double h, long seed) {
        RandomStream rng = new RandomStream(seed);
        Tensor x = rng.normal(DType.FLOAT64, 1000, 2);
        Tensor p = rng.normal(DType.FLOAT64, 1000, 2);
        Hmc hmc = new Hmc(h, (int) Math.round(1 / h));
        Tensor h0 = hmc.hamiltonian(energy.energy(x), p);
        Hmc.PhasePoint end = hmc.leapfrog(energy, x, p);
        Tensor h1 = hmc.hamiltonian(end.energy(), end.p());
        return h1.sub(h0).abs().mean().item();
    }

    @Test
    void energyErrorScalesAsStepSquared() {
        for (Energy energy : new Energy[] {GaussianTargetTest.target(), new DoubleWellEnergy(0.5)}) {
            double e1 = meanEnergyError(energy, 0.05, 32);
            double e2 = meanEnergyError(energy, 0.025, 32);
            double e3 = meanEnergyError(energy, 0.0125, 32);
            assertEquals(4, e1 / e2, 0.4, energy + ": errors " + e1 + ", " + e2);
            assertEquals(4, e2 / e3, 0.2, energy + ": errors " + e2 + ", " + e3);
            assertTrue(e1 < 0.05, energy + ": error " + e1);
        }
    }

    @Test
    void hamiltonianIncludesTheMass() {
        Hmc hmc = new Hmc(0.1, 1, Tensor.of(new double[] {2, 4}));
        Tensor h = hmc.hamiltonian(Tensor.of(new double[] {1}), Tensor.of(new double[] {2, 4}, 1, 2));
        assertEquals(1 + 0.5 * (4.0 / 2 + 16.0 / 4), h.item(), 1e-15);
        assertThrows(IllegalArgumentException.class,
                () -> hmc.hamiltonian(Tensor.of(new double[] {1}), Tensor.of(new double[] {2, 4, 1}, 1, 3)));
    }
}
