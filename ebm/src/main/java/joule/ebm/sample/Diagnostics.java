package joule.ebm.sample;

import java.util.Arrays;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * MCMC diagnostics (ebm-reference, "Metrics": acceptance rate, effective sample size, split-R̂)
 * computed from a trace {@code [n, chains, D]} (draws × chains × coordinates, as in
 * {@link SampleResult#samples()}; {@code [n, chains]} is one coordinate, and trailing axes beyond
 * the third are flattened into {@code D}). Results are per coordinate, {@code double[D]}; all in
 * double on the host.
 *
 * <ul>
 *   <li>{@link #effectiveSampleSize}: the basic multi-chain ESS of Vehtari, Gelman, Simpson,
 *       Carpenter and Bürkner (2021, "Rank-normalization, folding, and localization", §3.2; Stan's
 *       reference manual, "Effective sample size"; {@code posterior::ess_basic}) on split chains,
 *       without rank normalisation: autocorrelations
 *       {@code ρ̂_t = 1 − (W − mean_m acov_m(t)) / var⁺}, summed over Geyer's (1992) initial
 *       positive sequence made monotone, {@code ESS = N M / τ̂},
 *       {@code τ̂ = −1 + 2 Σ_{t<t_max} ρ̂_t + ρ̂_{t_max}} (capped at {@code N M log10(N M)}).</li>
 *   <li>{@link #splitRhat}: the classic split-R̂ of Gelman et al. (2013, BDA3 §11.4): each chain
 *       split in halves, {@code R̂ = sqrt(var⁺/W)}, {@code var⁺ = (N−1)/N W + B/N}.</li>
 *   <li>{@link #rankNormalizedSplitRhat}: Vehtari et al. (2021)'s R̂, the larger of the split-R̂ of
 *       rank-normalised draws and of rank-normalised folded draws {@code |θ − median θ|}.</li>
 * </ul>
 */
public final class Diagnostics {
    private Diagnostics() {
    }

    /** The acceptance rate of a run, averaged over chains. */
    public static double acceptanceRate(SampleResult result) {
        return result.meanAcceptance();
    }

    /** The mean of per-chain acceptance rates {@code [chains]}. */
    public static double acceptanceRate(Tensor perChain) {
        return perChain.to(joule.tensor.DType.FLOAT64).mean().item();
    }

    /** Effective sample size per coordinate of a trace {@code [n, chains, D]}, {@code n ≥ 4} (see the class comment). */
    public static double[] effectiveSampleSize(Tensor trace) {
        double[][][] c = chains("effectiveSampleSize", trace, 4);
        double[] out = new double[c.length];
        for (int d = 0; d < c.length; d++) {
            out[d] = ess(split(c[d]));
        }
        return out;
    }

    /** Classic split-R̂ (BDA3) per coordinate of a trace {@code [n, chains, D]}, {@code n ≥ 4}. */
    public static double[] splitRhat(Tensor trace) {
        double[][][] c = chains("splitRhat", trace, 4);
        double[] out = new double[c.length];
        for (int d = 0; d < c.length; d++) {
            out[d] = rhat(split(c[d]));
        }
        return out;
    }

    /** Rank-normalised split-R̂ (Vehtari et al. 2021) per coordinate of a trace {@code [n, chains, D]}, {@code n ≥ 4}. */
    public static double[] rankNormalizedSplitRhat(Tensor trace) {
        double[][][] c = chains("rankNormalizedSplitRhat", trace, 4);
        double[] out = new double[c.length];
        for (int d = 0; d < c.length; d++) {
            double[][] x = split(c[d]);
            double bulk = rhat(rankNormalize(x));
            double median = median(x);
            double[][] folded = new double[x.length][];
            for (int m = 0; m < x.length; m++) {
                folded[m] = new double[x[m].length];
                for (int i = 0; i < x[m].length; i++) {
                    folded[m][i] = Math.abs(x[m][i] - median);
                }
            }
            out[d] = Math.max(bulk, rhat(rankNormalize(folded)));
        }
        return out;
    }

    /**
     * Autocorrelation {@code ρ(t) = acov(t)/acov(0)} of one chain at lags {@code 0 … n−1}, with
     * the biased autocovariance {@code acov(t) = (1/n) Σ_{i<n−t} (x_i − x̄)(x_{i+t} − x̄)} (Geyer
     * 1992), computed by FFT.
     */
    public static double[] autocorrelation(double[] chain) {
        double[] acov = autocovariance(chain);
        double[] r = new double[acov.length];
        for (int t = 0; t < r.length; t++) {
            r[t] = acov[t] / acov[0];
        }
        return r;
    }

    // ---------------------------------------------------------------- the estimators

    /** Basic ESS of chains {@code x[m][i]} (Vehtari et al. 2021; Stan). */
    static double ess(double[][] x) {
        int chains = x.length;
        int n = x[0].length;
        double total = (double) chains * n;
        if (!allFinite(x)) {
            return Double.NaN;
        }
        if (isConstant(x)) {
            return total;
        }
        double[][] acov = new double[chains][];
        double[] means = new double[chains];
        double meanVar = 0;
        for (int m = 0; m < chains; m++) {
            acov[m] = autocovariance(x[m]);
            means[m] = mean(x[m]);
            meanVar += acov[m][0] * n / (n - 1.0);
        }
        meanVar /= chains;
        double varPlus = meanVar * (n - 1.0) / n;
        if (chains > 1) {
            varPlus += variance(means);
        }
        double[] rho = new double[n];
        int t = 0;
        double even = 1;
        rho[0] = even;
        double odd = 1 - (meanVar - meanAt(acov, 1)) / varPlus;
        rho[1] = odd;
        while (t < n - 5 && !Double.isNaN(even + odd) && even + odd > 0) {
            t += 2;
            even = 1 - (meanVar - meanAt(acov, t)) / varPlus;
            odd = 1 - (meanVar - meanAt(acov, t + 1)) / varPlus;
            if (even + odd >= 0) {
                rho[t] = even;
                rho[t + 1] = odd;
            }
        }
        int maxT = t;
        if (even > 0) {
            rho[maxT] = even;
        }
        // Geyer's initial monotone sequence
        for (int s = 2; s <= maxT - 2; s += 2) {
            if (rho[s] + rho[s + 1] > rho[s - 2] + rho[s - 1]) {
                rho[s] = (rho[s - 2] + rho[s - 1]) / 2;
                rho[s + 1] = rho[s];
            }
        }
        double sum = 0;
        for (int s = 0; s < maxT; s++) {
            sum += rho[s];
        }
        double tau = -1 + 2 * sum + rho[maxT];
        tau = Math.max(tau, 1 / Math.log10(total));
        return total / tau;
    }

    /** Split-R̂ of chains {@code x[m][i]} (already split): {@code sqrt(((N−1)/N W + B/N) / W)}. */
    static double rhat(double[][] x) {
        if (!allFinite(x)) {
            return Double.NaN;
        }
        if (isConstant(x)) {
            return 1;
        }
        int chains = x.length;
        int n = x[0].length;
        double[] means = new double[chains];
        double within = 0;
        for (int m = 0; m < chains; m++) {
            means[m] = mean(x[m]);
            within += variance(x[m]);
        }
        within /= chains;
        double between = n * variance(means);
        return Math.sqrt(((n - 1.0) / n * within + between / n) / within);
    }

    /** Each chain cut in two halves (the middle draw dropped when {@code n} is odd). */
    static double[][] split(double[][] x) {
        int n = x[0].length;
        int half = n / 2;
        double[][] out = new double[2 * x.length][];
        for (int m = 0; m < x.length; m++) {
            out[2 * m] = Arrays.copyOfRange(x[m], 0, half);
            out[2 * m + 1] = Arrays.copyOfRange(x[m], n - half, n);
        }
        return out;
    }

    /** Rank-normalised draws {@code Φ⁻¹((r − 3/8)/(S + 1/4))}, pooled ranks with ties averaged (Vehtari et al. 2021, eq. 14). */
    static double[][] rankNormalize(double[][] x) {
        int chains = x.length;
        int n = x[0].length;
        int total = chains * n;
        Integer[] order = new Integer[total];
        double[] flat = new double[total];
        for (int m = 0; m < chains; m++) {
            System.arraycopy(x[m], 0, flat, m * n, n);
        }
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(flat[a], flat[b]));
        double[] rank = new double[total];
        for (int i = 0; i < total; ) {
            int j = i;
            while (j + 1 < total && flat[order[j + 1]] == flat[order[i]]) {
                j++;
            }
            double r = (i + j) / 2.0 + 1;      // 1-based average rank of the tie group
            for (int k = i; k <= j; k++) {
                rank[order[k]] = r;
            }
            i = j + 1;
        }
        double[][] z = new double[chains][n];
        for (int m = 0; m < chains; m++) {
            for (int i = 0; i < n; i++) {
                z[m][i] = inverseNormalCdf((rank[m * n + i] - 0.375) / (total + 0.25));
            }
        }
        return z;
    }

    // ---------------------------------------------------------------- helpers

    /** The trace as {@code [D][chains][n]} doubles, checking its shape. */
    private static double[][][] chains(String who, Tensor trace, int minDraws) {
        if (trace == null || trace.rank() < 2) {
            throw new IllegalArgumentException("Diagnostics." + who + ": expected a trace [n, chains, D], got "
                    + (trace == null ? "null" : Shapes.format(trace.shape())));
        }
        int n = trace.size(0);
        int chains = trace.size(1);
        int dims = trace.numel() / Math.max(1, n * chains);
        if (n < minDraws || chains < 1 || dims < 1) {
            throw new IllegalArgumentException("Diagnostics." + who + ": need at least " + minDraws
                    + " draws of at least one chain and one coordinate, got a trace " + Shapes.format(trace.shape()));
        }
        double[] v = trace.contiguous().toDoubleArray();
        double[][][] out = new double[dims][chains][n];
        for (int i = 0; i < n; i++) {
            for (int m = 0; m < chains; m++) {
                int base = (i * chains + m) * dims;
                for (int d = 0; d < dims; d++) {
                    out[d][m][i] = v[base + d];
                }
            }
        }
        return out;
    }

    /** Biased autocovariance of one chain at lags 0 … n−1, by FFT (zero-padded to a power of two ≥ 2n). */
    static double[] autocovariance(double[] x) {
        int n = x.length;
        double mu = mean(x);
        int size = Integer.highestOneBit(Math.max(1, 2 * n - 1)) << 1;
        double[] re = new double[size];
        double[] im = new double[size];
        for (int i = 0; i < n; i++) {
            re[i] = x[i] - mu;
        }
        fft(re, im, false);
        for (int i = 0; i < size; i++) {
            re[i] = re[i] * re[i] + im[i] * im[i];
            im[i] = 0;
        }
        fft(re, im, true);
        double[] acov = new double[n];
        for (int t = 0; t < n; t++) {
            acov[t] = re[t] / size / n;
        }
        return acov;
    }

    /** In-place iterative radix-2 FFT ({@code re.length} a power of two); the inverse is unscaled. */
    private static void fft(double[] re, double[] im, boolean inverse) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double tr = re[i];
                re[i] = re[j];
                re[j] = tr;
                double ti = im[i];
                im[i] = im[j];
                im[j] = ti;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            double angle = 2 * Math.PI / len * (inverse ? 1 : -1);
            double wr = Math.cos(angle);
            double wi = Math.sin(angle);
            for (int i = 0; i < n; i += len) {
                double cr = 1;
                double ci = 0;
                for (int k = 0; k < len / 2; k++) {
                    int a = i + k;
                    int b = a + len / 2;
                    double br = re[b] * cr - im[b] * ci;
                    double bi = re[b] * ci + im[b] * cr;
                    re[b] = re[a] - br;
                    im[b] = im[a] - bi;
                    re[a] += br;
                    im[a] += bi;
                    double nr = cr * wr - ci * wi;
                    ci = cr * wi + ci * wr;
                    cr = nr;
                }
            }
        }
    }

    private static double meanAt(double[][] acov, int lag) {
        double s = 0;
        for (double[] a : acov) {
            s += a[lag];
        }
        return s / acov.length;
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** Unbiased sample variance ({@code n − 1} denominator). */
    private static double variance(double[] x) {
        double mu = mean(x);
        double s = 0;
        for (double v : x) {
            s += (v - mu) * (v - mu);
        }
        return s / (x.length - 1);
    }

    private static double median(double[][] x) {
        double[] all = Arrays.stream(x).flatMapToDouble(Arrays::stream).sorted().toArray();
        int k = all.length;
        return k % 2 == 1 ? all[k / 2] : 0.5 * (all[k / 2 - 1] + all[k / 2]);
    }

    private static boolean allFinite(double[][] x) {
        for (double[] c : x) {
            for (double v : c) {
                if (!Double.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isConstant(double[][] x) {
        double first = x[0][0];
        for (double[] c : x) {
            for (double v : c) {
                if (v != first) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * {@code Φ⁻¹(p)} for {@code 0 < p < 1}: Acklam's rational approximation (relative error
     * below 1.2e-9, ample for ranks).
     */
    static double inverseNormalCdf(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("inverseNormalCdf: p must be in (0, 1), got " + p);
        }
        final double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        final double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01};
        final double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
            3.754408661907416e+00};
        double q;
        double x;
        if (p < 0.02425) {
            q = Math.sqrt(-2 * Math.log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        } else if (p <= 1 - 0.02425) {
            q = p - 0.5;
            double r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                    / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        } else {
            q = Math.sqrt(-2 * Math.log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        return x;
    }
}
