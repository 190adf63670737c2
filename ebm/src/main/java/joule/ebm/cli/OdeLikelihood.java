package joule.ebm.cli;

import java.io.PrintWriter;
import java.util.Locale;
import joule.ebm.sde.Divergence;
import joule.ebm.sde.DormandPrince;
import joule.ebm.sde.ProbabilityFlow;
import joule.tensor.Tensor;
import joule.tensor.random.Distribution;

/**
 * {@code joule eval}'s likelihood of a score SDE model: {@code log p(x)} of data points by the probability-flow
 * ODE ({@link ProbabilityFlow#logLikelihood}, Dormand–Prince with {@code rtol = atol = 1e-5}), the exact divergence
 * for data of at most {@link #EXACT_MAX_DIM} coordinates, Hutchinson with Rademacher probes above; printed as the
 * mean negative log-likelihood in nats with its standard error over the points, and for Fashion-MNIST (data
 * {@code 2x − 1} of images dequantised as {@code x = (p + u)/256}) in bits per dimension.
 */
final class OdeLikelihood {
    static final int EXACT_MAX_DIM = 16;

    private OdeLikelihood() {
    }

    /** Prints the likelihood lines for the first {@code points} rows of {@code data}. */
    static void report(Model model, Tensor data, int points, long seed, boolean images, PrintWriter out) {
        int n = Math.min(points, data.size(0));
        Tensor x = data.narrow(0, 0, n).contiguous();
        int d = x.size(1);
        boolean exact = d <= EXACT_MAX_DIM;
        Divergence div = exact ? Divergence.exact() : Divergence.hutchinson(Distribution.RADEMACHER, seed + 6);
        long start = System.nanoTime();
        ProbabilityFlow.Likelihood l = model.withAverages(() -> new ProbabilityFlow(model.sde(), model.scoreNetwork())
                .logLikelihood(x, div, DormandPrince.defaults()));
        double seconds = (System.nanoTime() - start) / 1e9;
        String how = String.format(Locale.ROOT, "(%d points, %s divergence, %d steps, %d evaluations, %.1f s)", n,
                exact ? "exact" : "Hutchinson", l.solution().acceptedSteps(), l.solution().evaluations(), seconds);
        double[] nll = l.logDensity().neg().toDoubleArray();
        out.printf(Locale.ROOT, "%-17s %s   %s%n", "ode_nll_nats", meanAndError(nll), how);
        if (images) {
            out.printf(Locale.ROOT, "%-17s %s%n", "bits_per_dim", meanAndError(l.bitsPerDimSymmetric().toDoubleArray()));
        }
    }

    /** {@code mean ± standard error}. */
    private static String meanAndError(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x / v.length;
        }
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        double se = v.length > 1 ? Math.sqrt(ss / (v.length - 1) / v.length) : Double.NaN;
        return String.format(Locale.ROOT, "%.6g ± %.3g", mean, se);
    }
}
