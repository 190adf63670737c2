package joule.ebm.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.energy.GaussianEnergy;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Options, acceptance bookkeeping, reproducibility, the box, and argument checks of all samplers. */
class SamplerMechanicsTest {
    private static final List<Sampler> SAMPLERS = List.of(new RandomWalkMetropolis(1.0), new UnadjustedLangevin(0.1),
            new DecoupledLangevin(0.1, 0.05), new Mala(0.3), new Hmc(0.2, 5));

    private static Tensor init(long seed, int chains) {
        return new RandomStream(seed).normal(DType.FLOAT64, chains, 2);
    }

    @Test
    void acceptanceRatesLieInTheUnitIntervalAndUlaAcceptsAll() {
        for (Sampler s : SAMPLERS) {
            SampleResult r = s.sample(GaussianTargetTest.target(), init(1, 300), 40, new RandomStream(2));
            assertArrayEquals(new int[] {300}, r.acceptance().shape(), s.toString());
            assertEquals(DType.FLOAT64, r.acceptance().dtype());
            for (double a : r.acceptance().toDoubleArray()) {
                assertTrue(a >= 0 && a <= 1, s + ": acceptance " + a);
            }
            double mean = r.meanAcceptance();
            assertTrue(mean > 0 && mean <= 1, s + ": mean acceptance " + mean);
            if (s instanceof UnadjustedLangevin || s instanceof DecoupledLangevin) {
                assertEquals(1.0, mean, 0);
            } else {
                assertTrue(mean < 1, s + " should reject sometimes: " + mean);
            }
        }
    }

    @Test
    void sameSeedGivesBitIdenticalResults() {
        SamplerOptions opt = SamplerOptions.DEFAULT.withBurnIn(5).withThin(3).withTrace(true);
        for (Sampler s : SAMPLERS) {
            SampleResult a = s.sample(GaussianTargetTest.target(), init(3, 100), 20, new RandomStream(4), opt);
            SampleResult b = s.sample(GaussianTargetTest.target(), init(3, 100), 20, new RandomStream(4), opt);
            SampleResult c = s.sample(GaussianTargetTest.target(), init(3, 100), 20, new RandomStream(5), opt);
            assertArrayEquals(a.state().toDoubleArray(), b.state().toDoubleArray(), 0, s.toString());
            assertArrayEquals(a.samples().toDoubleArray(), b.samples().toDoubleArray(), 0, s.toString());
            assertArrayEquals(a.acceptance().toDoubleArray(), b.acceptance().toDoubleArray(), 0, s.toString());
            assertEquals(a.trace(), b.trace(), s.toString());
            assertFalse(Arrays.equals(a.state().toDoubleArray(), c.state().toDoubleArray()), s.toString());
        }
    }

    @Test
    void burnInAndThinningPickTheRightSteps() {
        int burnIn = 10;
        int thin = 7;
        int steps = 50;
        SamplerOptions opt = SamplerOptions.DEFAULT.withBurnIn(burnIn).withThin(thin);
        assertEquals(5, opt.sampleCount(steps));
        for (Sampler s : SAMPLERS) {
            SampleResult r = s.sample(GaussianTargetTest.target(), init(6, 50), steps, new RandomStream(7), opt);
            assertArrayEquals(new int[] {5, 50, 2}, r.samples().shape(), s.toString());
            assertArrayEquals(new int[] {250, 2}, r.flatSamples().shape());
            for (int k = 0; k < 5; k++) {
                // sample k is the state after step burnIn + (k+1)·thin: rerun that many steps with the same seed
                Tensor expected = s.sample(GaussianTargetTest.target(), init(6, 50), burnIn + (k + 1) * thin,
                        new RandomStream(7)).state();
                assertArrayEquals(expected.toDoubleArray(), r.samples().select(0, k).contiguous().toDoubleArray(), 0,
                        s + " sample " + k);
            }
        }
        // nothing collected by default
        SampleResult plain = new Mala(0.3).sample(GaussianTargetTest.target(), init(6, 50), 5, new RandomStream(7));
        assertArrayEquals(new int[] {0, 50, 2}, plain.samples().shape());
        assertEquals(0, plain.sampleCount());
        assertTrue(plain.trace().isEmpty());
    }

    @Test
    void traceRecordsEveryStepAndAgreesWithPerChainAcceptance() {
        int burnIn = 4;
        for (Sampler s : SAMPLERS) {
            SampleResult r = s.sample(GaussianTargetTest.target(), init(8, 200), 30, new RandomStream(9),
                    SamplerOptions.DEFAULT.withTrace(true).withBurnIn(burnIn));
            assertEquals(30, r.trace().size());
            double sum = 0;
            for (int t = 0; t < 30; t++) {
                StepStats st = r.trace().get(t);
                assertEquals(t + 1, st.step());
                assertTrue(Double.isFinite(st.meanEnergy()) && st.meanEnergy() >= 0);
                assertTrue(st.acceptanceRate() >= 0 && st.acceptanceRate() <= 1);
                assertTrue(st.stepSize() > 0);
                if (st.step() > burnIn) {
                    sum += st.acceptanceRate();
                }
            }
            // mean over chains of per-chain rates = mean over post-burn-in steps of per-step rates
            assertEquals(sum / (30 - burnIn), r.meanAcceptance(), 1e-12, s.toString());
        }
    }

    @Test
    void theBoxKeepsEveryStateInside() {
        SamplerOptions opt = SamplerOptions.DEFAULT.withCollect(true).withBox(-0.5, 0.5);
        for (Sampler s : List.of(new RandomWalkMetropolis(2.0), new UnadjustedLangevin(0.5), new DecoupledLangevin(0.5, 0.1),
                new Mala(1.0), new Hmc(0.5, 5))) {
            Tensor start = init(10, 200).mul(3);         // mostly outside: clamped into the box first
            SampleResult r = s.sample(GaussianTargetTest.target(), start, 30, new RandomStream(11), opt);
            assertTrue(r.samples().min().item() >= -0.5 && r.samples().max().item() <= 0.5, s.toString());
            assertTrue(r.state().min().item() >= -0.5 && r.state().max().item() <= 0.5, s.toString());
        }
    }

    /**
     * Rejecting proposals outside the box samples the target restricted to the box exactly: for
     * N(0, 1) on [0, 10] that is the half-normal, mean sqrt(2/π), variance 1 − 2/π.
     */
    @Test
    void metropolisWithABoxSamplesTheTruncatedTarget() {
        GaussianEnergy standard = new GaussianEnergy(Tensor.of(new double[] {0}), Tensor.of(new double[] {1}, 1, 1));
        int n = 4000;
        RandomStream rng = new RandomStream(12);
        SampleResult r = new Mala(0.5).sample(standard, rng.uniform(0, 2, DType.FLOAT64, n, 1), 150, rng,
                SamplerOptions.DEFAULT.withBox(0, 10));
        Moments m = new Moments(r.state());
        double var = 1 - 2 / Math.PI;
        assertEquals(Math.sqrt(2 / Math.PI), m.mean[0], 5 * Math.sqrt(var / n));
        // SE of a sample variance: sqrt((μ₄ − σ⁴)/n), with the half-normal's central μ₄ = 3 − 2m² − 3m⁴, m² = 2/π
        double m2 = 2 / Math.PI;
        double mu4 = 3 - 2 * m2 - 3 * m2 * m2;
        assertEquals(var, m.cov[0][0], 5 * Math.sqrt((mu4 - var * var) / n));
    }

    @Test
    void float32ChainsStayFloat32() {
        GaussianEnergy g = GaussianTargetTest.target();
        for (Sampler s : SAMPLERS) {
            SampleResult r = s.sample(g, init(13, 64).to(DType.FLOAT32), 10, new RandomStream(14),
                    SamplerOptions.DEFAULT.withCollect(true));
            assertEquals(DType.FLOAT32, r.state().dtype(), s.toString());
            assertEquals(DType.FLOAT32, r.samples().dtype(), s.toString());
            assertTrue(Double.isFinite(r.state().sum().item()));
        }
    }

    @Test
    void badInputIsRejectedWithTheSamplerAndValueNamed() {
        assertMessage(() -> new RandomWalkMetropolis(0), "RandomWalkMetropolis", "0.0");
        assertMessage(() -> new UnadjustedLangevin(-0.1), "UnadjustedLangevin", "-0.1");
        assertMessage(() -> new Mala(Double.NaN), "Mala", "NaN");
        assertMessage(() -> new Hmc(0.1, 0), "Hmc", "0");
        assertMessage(() -> new Hmc(0.1, 3, Tensor.of(new double[] {1, -2})), "Hmc", "-2.0");
        assertMessage(() -> new AnnealedLangevin(new double[] {1, 2}, 0.1, 10, false), "AnnealedLangevin", "2.0");
        assertMessage(() -> SamplerOptions.DEFAULT.withThin(0), "thin", "0");
        assertMessage(() -> SamplerOptions.DEFAULT.withBox(1, -1), "box", "-1.0");
        Sampler mala = new Mala(0.1);
        Energy g = GaussianTargetTest.target();
        assertMessage(() -> mala.sample(g, Tensor.zeros(DType.FLOAT64, 5), 10, new RandomStream(1)), "Mala", "[5]");
        assertMessage(() -> mala.sample(g, init(1, 5), 0, new RandomStream(1)), "Mala", "0");
        assertMessage(() -> mala.sample(g, init(1, 5), 10, new RandomStream(1), SamplerOptions.DEFAULT.withBurnIn(10)),
                "Mala", "10");
        assertMessage(() -> mala.sample(g, init(1, 5).narrow(1, 0, 1), 10, new RandomStream(1)), "GaussianEnergy",
                "[5, 1]");
        Energy wrongShape = new Energy() {
            @Override
            public Var energy(Var x) {
                return x.sum(1).unsqueeze(1);
            }
        };
        assertMessage(() -> new RandomWalkMetropolis(1).sample(wrongShape, init(1, 5), 3, new RandomStream(1)),
                "RandomWalkMetropolis", "[5, 1]");
        assertMessage(() -> new Hmc(0.1, 3, Tensor.of(new double[] {1, 2, 3})).sample(g, init(1, 5), 3,
                new RandomStream(1)), "Hmc", "[3]");
    }

    private static void assertMessage(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
        }
    }
}
