package joule.ebm.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.tensor.random.Distribution;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The probability-flow likelihood with the exact score of a diffused Gaussian (data {@code N(μ, Σ)} in 2-D and
 * 10-D) against the closed form {@code log N(x; m(ε) μ, m(ε)² Σ + std(ε)² I)}, with the exact {@code p_T} at the end.
 */
class ProbabilityFlowGaussianTest {
    private static final DormandPrince SOLVER = new DormandPrince(1e-7, 1e-7, 5000);

    private static Sde sde(String name) {
        return switch (name) {
            case "ve" -> new VeSde(0.01, 10);
            case "vp" -> new VpSde();
            default -> new SubVpSde();
        };
    }

    private static DiffusedGaussian gaussian(Sde sde, int d) {
        double[] mu = new double[d];
        double[] lambda = new double[d];
        double[] u = new double[d];
        for (int i = 0; i < d; i++) {
            mu[i] = 1.5 * Math.cos(i + 1);
            lambda[i] = 0.3 + 0.2 * i;
            u[i] = 1 + 0.5 * i;
        }
        return new DiffusedGaussian(sde, mu, lambda, u);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ve-2", "vp-2", "subvp-2", "ve-10", "vp-10"})
    void exactDivergenceGivesTheClosedFormWithinAThousandthOfANat(String setting) {
        String[] parts = setting.split("-");
        Sde sde = sde(parts[0]);
        int d = Integer.parseInt(parts[1]);
        DiffusedGaussian g = gaussian(sde, d);
        double sigmaEps = sde.std(sde.epsilon());
        Tensor x = g.sample(8, sigmaEps, new RandomStream(3));
        ProbabilityFlow flow = new ProbabilityFlow(sde, g);
        ProbabilityFlow.Likelihood l = flow.logLikelihood(x, Divergence.exact(), SOLVER,
                xT -> g.logDensity(xT, sde.std(Sde.T)));
        double[] got = l.logDensity().toDoubleArray();
        double[] want = g.logDensity(x, sigmaEps).toDoubleArray();
        for (int i = 0; i < got.length; i++) {
            assertEquals(want[i], got[i], 1e-3, setting + " point " + i);
        }
        assertTrue(l.solution().acceptedSteps() > 0 && l.solution().evaluations() >= 6 * l.solution().acceptedSteps());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ve-10", "vp-10"})
    void hutchinsonIsWithinThreeStandardErrorsOfTheClosedForm(String setting) {
        String[] parts = setting.split("-");
        Sde sde = sde(parts[0]);
        int d = Integer.parseInt(parts[1]);
        DiffusedGaussian g = gaussian(sde, d);
        double sigmaEps = sde.std(sde.epsilon());
        Tensor point = g.sample(1, sigmaEps, new RandomStream(4));
        int copies = 200;
        Tensor x = point.expand(copies, d).contiguous();
        ProbabilityFlow flow = new ProbabilityFlow(sde, g);
        double[] est = flow.logLikelihood(x, Divergence.hutchinson(Distribution.RADEMACHER, 9),
                new DormandPrince(1e-5, 1e-5, 5000), xT -> g.logDensity(xT, sde.std(Sde.T))).logDensity()
                .toDoubleArray();
        double mean = 0;
        for (double e : est) {
            mean += e / copies;
        }
        double var = 0;
        for (double e : est) {
            var += (e - mean) * (e - mean) / (copies - 1);
        }
        double se = Math.sqrt(var / copies);
        double want = g.logDensity(point, sigmaEps).item();
        assertTrue(se > 0, "Rademacher probes on a full Jacobian must vary");
        assertEquals(want, mean, 3 * se, setting + ": mean " + mean + " ± " + se);
    }
}
