package joule.ebm.sde;

import joule.tensor.Tensor;

/**
 * The adaptive Dormand–Prince RK45 method (Dormand and Prince 1980; the tableau of Hairer, Nørsett and Wanner,
 * {@code DOPRI5}, as scipy's {@code RK45} that score_sde calls) on a tensor state {@code y} of any shape, a
 * batch of problems solved together: one step size for the whole batch, chosen from the error norm over all of
 * its elements, {@code ‖err / (atol + rtol max(|y|, |y'|))‖_RMS ≤ 1} (scipy's rule). Fifth-order solution,
 * fourth-order error estimate, first-same-as-last (6 evaluations per accepted step), step factor
 * {@code 0.9 ‖err‖^{−1/5}} within {@code [0.2, 10]}, Hairer's initial step. Each step reads one number (the
 * error norm) to the host.
 *
 * <p>A solve that cannot reach the end (more than {@code maxSteps} tries, a step size below the spacing of
 * doubles at {@code t}, or a derivative that stays non-finite) throws an {@link IllegalStateException} naming
 * the solver, the time reached and the step; a non-finite result is never returned.
 */
public final class DormandPrince {
    private static final String WHO = "DormandPrince";
    private static final double[] C = {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1};
    private static final double[][] A = {
        {},
        {1.0 / 5},
        {3.0 / 40, 9.0 / 40},
        {44.0 / 45, -56.0 / 15, 32.0 / 9},
        {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
        {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
        {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84}};
    /** Fifth-order weights minus fourth-order weights, over the 7 stages (the 7th is {@code f} at the new point). */
    private static final double[] E = {71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525,
        -1.0 / 40};
    private static final double SAFETY = 0.9;
    private static final double MIN_FACTOR = 0.2;
    private static final double MAX_FACTOR = 10;

    /** A derivative {@code dy/dt = f(t, y)}, shaped like {@code y}. */
    @FunctionalInterface
    public interface Derivative {
        Tensor at(double t, Tensor y);
    }

    /** The state at the end, the accepted and rejected steps and the evaluations of {@code f}. */
    public record Solution(Tensor y, int acceptedSteps, int rejectedSteps, int evaluations) {
    }

    private final double rtol;
    private final double atol;
    private final int maxSteps;

    /** A solver with relative and absolute tolerances (positive) trying at most {@code maxSteps ≥ 1} steps. */
    public DormandPrince(double rtol, double atol, int maxSteps) {
        if (!(rtol > 0) || !(atol > 0) || !Double.isFinite(rtol) || !Double.isFinite(atol)) {
            throw new IllegalArgumentException(WHO + ": tolerances must be positive and finite, got rtol = " + rtol
                    + ", atol = " + atol);
        }
        if (maxSteps < 1) {
            throw new IllegalArgumentException(WHO + ": maxSteps must be ≥ 1, got " + maxSteps);
        }
        this.rtol = rtol;
        this.atol = atol;
        this.maxSteps = maxSteps;
    }

    /** score_sde's tolerances, {@code rtol = atol = 1e-5}, with at most 10000 steps. */
    public static DormandPrince defaults() {
        return new DormandPrince(1e-5, 1e-5, 10_000);
    }

    /**
     * Integrates {@code dy/dt = f(t, y)} from {@code (t0, y0)} to {@code t1} (either direction; {@code f} is only
     * called at times between them).
     *
     * @throws IllegalArgumentException if {@code y0} or {@code f(t0, y0)} is not finite, or {@code t0 = t1}
     * @throws IllegalStateException    if the end is not reached (see the class comment)
     */
    public Solution solve(Derivative f, double t0, double t1, Tensor y0) {
        if (!Double.isFinite(t0) || !Double.isFinite(t1) || t0 == t1) {
            throw new IllegalArgumentException(WHO + ": need finite, distinct t0 and t1, got " + t0 + " and " + t1);
        }
        if (!finite(y0)) {
            throw new IllegalArgumentException(WHO + ": the initial state is not finite at t = " + t0);
        }
        double dir = Math.signum(t1 - t0);
        double lo = Math.min(t0, t1);
        double hi = Math.max(t0, t1);
        Tensor k1 = f.at(t0, y0);
        int evaluations = 1;
        if (!finite(k1)) {
            throw new IllegalArgumentException(WHO + ": the derivative is not finite at the start t = " + t0);
        }
        double h = initialStep(f, t0, y0, k1, dir, hi - lo, lo, hi);
        evaluations++;
        double t = t0;
        Tensor y = y0;
        int accepted = 0;
        int rejected = 0;
        Tensor[] k = new Tensor[7];
        boolean nonFinite = false;
        while (dir * (t1 - t) > 0) {
            if (accepted + rejected >= maxSteps) {
                throw failure("did not reach t = " + t1 + " within " + maxSteps + " steps" + cause(nonFinite), t, h);
            }
            if (h < 10 * Math.ulp(Math.max(Math.abs(t), Math.abs(t1)))) {
                throw failure("the step size fell below the spacing of doubles" + cause(nonFinite), t, h);
            }
            boolean last = h >= Math.abs(t1 - t);
            double step = last ? Math.abs(t1 - t) : h;
            double hs = dir * step;
            k[0] = k1;
            for (int s = 1; s < 6; s++) {
                Tensor ys = y;
                for (int j = 0; j < s; j++) {
                    if (A[s][j] != 0) {
                        ys = ys.add(k[j].mul(hs * A[s][j]));
                    }
                }
                k[s] = f.at(clamp(t + C[s] * hs, lo, hi), ys);
            }
            Tensor yNew = y;
            for (int j = 0; j < 6; j++) {
                if (A[6][j] != 0) {
                    yNew = yNew.add(k[j].mul(hs * A[6][j]));
                }
            }
            double tNew = last ? t1 : t + hs;
            k[6] = f.at(clamp(tNew, lo, hi), yNew);
            evaluations += 6;
            Tensor err = k[0].mul(hs * E[0]);
            for (int j = 2; j < 7; j++) {
                err = err.add(k[j].mul(hs * E[j]));
            }
            Tensor scale = y.abs().maximum(yNew.abs()).mul(rtol).add(atol);
            double norm = rms(err.div(scale));
            if (norm <= 1) {   // false for a NaN norm: a non-finite stage is a rejected step
                t = tNew;
                y = yNew;
                k1 = k[6];
                accepted++;
                double factor = norm == 0 ? MAX_FACTOR : Math.min(MAX_FACTOR, SAFETY * Math.pow(norm, -0.2));
                h = step * Math.max(1, factor);
            } else {
                rejected++;
                nonFinite = !Double.isFinite(norm);
                double factor = Double.isFinite(norm) ? Math.max(MIN_FACTOR, SAFETY * Math.pow(norm, -0.2)) : MIN_FACTOR;
                h = step * Math.min(1, factor);
            }
        }
        if (!finite(y)) {
            throw failure("the solution is not finite", t, h);
        }
        return new Solution(y, accepted, rejected, evaluations);
    }

    /** Hairer's starting step (Hairer, Nørsett and Wanner, II.4), as scipy's {@code select_initial_step}; one evaluation of {@code f}. */
    private double initialStep(Derivative f, double t0, Tensor y0, Tensor f0, double dir, double span, double lo,
                               double hi) {
        Tensor scale = y0.abs().mul(rtol).add(atol);
        double d0 = rms(y0.div(scale));
        double d1 = rms(f0.div(scale));
        double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        h0 = Math.min(h0, span);
        Tensor y1 = y0.add(f0.mul(dir * h0));
        Tensor f1 = f.at(clamp(t0 + dir * h0, lo, hi), y1);
        double d2 = rms(f1.sub(f0).div(scale)) / h0;
        double h1 = !Double.isFinite(d2) ? h0 * 1e-3 : Math.max(d1, d2) <= 1e-15 ? Math.max(1e-6, h0 * 1e-3)
                : Math.pow(0.01 / Math.max(d1, d2), 0.2);
        return Math.min(Math.min(100 * h0, h1), span);
    }

    private static String cause(boolean nonFinite) {
        return nonFinite ? " (the derivative was not finite in the last step tried)" : "";
    }

    private static double clamp(double t, double lo, double hi) {
        return Math.min(hi, Math.max(lo, t));
    }

    private static double rms(Tensor t) {
        return Math.sqrt(t.square().mean().item());
    }

    private static boolean finite(Tensor t) {
        return Double.isFinite(t.abs().sum().item());
    }

    private IllegalStateException failure(String what, double t, double h) {
        return new IllegalStateException(WHO + ": " + what + " (reached t = " + t + ", step " + h + ", rtol " + rtol
                + ", atol " + atol + ")");
    }

    @Override
    public String toString() {
        return WHO + "(rtol " + rtol + ", atol " + atol + ", at most " + maxSteps + " steps)";
    }
}
