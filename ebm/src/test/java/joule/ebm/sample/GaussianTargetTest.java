package joule.ebm.sample;

import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.ebm.energy.GaussianEnergy;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * ebm-reference, "Results to test against": on the 2-D Gaussian with mean (1, −1) and covariance
 * [[1, 0.5], [0.5, 2]], MH, MALA and HMC recover mean and covariance within sampling error, and
 * ULA does too for a small step. The final states of N independent chains, started from N(0, I)
 * and run long past mixing, are N independent draws, so the standard errors are those of N iid
 * Gaussian samples: sqrt(C_ii/N) for the mean, sqrt((C_ii C_jj + C_ij²)/N) for the covariance; the
 * bound is 5 of them.
 */
class GaussianTargetTest {
    static final double[] MU = {1, -1};
    static final double[][] C = {{1, 0.5}, {0.5, 2}};
    static final int CHAINS = 4000;

    static GaussianEnergy target() {
        return new GaussianEnergy(Tensor.of(MU), Tensor.of(new double[] {1, 0.5, 0.5, 2}, 2, 2));
    }

    private static void check(String name, Sampler sampler, int steps, long seed) {
        RandomStream rng = new RandomStream(seed);
        Tensor init = rng.normal(DType.FLOAT64, CHAINS, 2);
        SampleResult r = sampler.sample(target(), init, steps, rng);
        new Moments(r.state()).assertMatches(name, MU, C, 5);
        double acc = r.meanAcceptance();
        assertTrue(acc > 0 && acc <= 1, name + ": acceptance " + acc);
    }

    @Test
    void randomWalkMetropolisRecoversMeanAndCovariance() {
        check("RWM", new RandomWalkMetropolis(1.2), 200, 1);
    }

    @Test
    void malaRecoversMeanAndCovariance() {
        check("MALA", new Mala(0.4), 150, 2);
    }

    @Test
    void hmcRecoversMeanAndCovariance() {
        check("HMC", new Hmc(0.3, 8), 30, 3);
    }

    @Test
    void hmcWithDiagonalMassRecoversMeanAndCovariance() {
        check("HMC mass", new Hmc(0.3, 8, Tensor.of(new double[] {1, 2})), 30, 4);
    }

    /**
     * ULA with η = 0.03: its stationary covariance is C (I − ηΛ/2)⁻¹ ≈ C + (η/2) I, a bias of 0.015
     * on the variances, under a standard error (0.022 and 0.045 here) and far inside the 5-SE
     * bound (the mean is unbiased). 800 steps shrink the start's offset by
     * (1 − η λ_min(Λ))^800 ≈ e^{−10.9}.
     */
    @Test
    void ulaWithSmallStepRecoversMeanAndCovariance() {
        check("ULA", new UnadjustedLangevin(0.03), 800, 5);
    }

    /**
     * MALA with a huge step (η = 4, where ULA itself diverges: |1 − ηλ_max(Λ)| ≈ 4 > 1) still has
     * the right stationary law: chains started in it stay in it (about 20 accepted moves each over
     * 200 steps), with a low acceptance rate (about 0.1).
     */
    @Test
    void malaWithHugeStepKeepsTheStationaryLaw() {
        RandomStream rng = new RandomStream(6);
        Tensor init = target().sample(CHAINS, rng);
        SampleResult r = new Mala(4.0).sample(target(), init, 200, rng);
        new Moments(r.state()).assertMatches("MALA η=4", MU, C, 5);
        double acc = r.meanAcceptance();
        assertTrue(acc > 0.02 && acc < 0.2, "acceptance " + acc);
    }
}
