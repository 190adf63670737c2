package joule.testing;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Where a test tensor's values come from: a function of a seeded random generator (so a failing case is
 * reproduced by its seed), and a jqwik arbitrary of single values ({@link #values()}).
 *
 * <p>The interval domains ({@link #all()}, {@link #positive()}, {@link #bounded}, {@link Interval#avoiding})
 * shrink their values toward the simplest point they hold (0, else 1, else a bound), so a failing property
 * reports a counterexample with short numbers. Magnitudes stay moderate (|x| ≤ 2 by default) so that
 * central differences with {@code ε = 1e-6} are accurate far below {@code atol = 1e-5}.
 *
 * <p>Impossible domains (an empty interval, points avoided until nothing is left) are rejected with an
 * {@link IllegalArgumentException} when they are made, before any property runs.
 */
@FunctionalInterface
public interface Domain {
    /** The least distance {@link Interval#avoiding} keeps from a kink, a tie or a pole. */
    double GAP = 0.1;

    /** One value. */
    double next(RandomGenerator random);

    /** Single values as a jqwik arbitrary; this default draws from a seed and does not shrink the value. */
    default Arbitrary<Double> values() {
        return Arbitraries.longs().map(seed -> next(new SplittableRandom(seed)));
    }

    // ---------------------------------------------------------------- intervals (shrinking)

    /** All reals, for gradient checks: uniform on [-2, 2]. */
    static Interval all() {
        return bounded(-2, 2);
    }

    /** Positive reals, for gradient checks: uniform on [0.2, 2] (log, sqrt, reciprocals). */
    static Interval positive() {
        return bounded(0.2, 2);
    }

    /** Uniform on {@code [lo, hi]}; values shrink toward the simplest point inside. */
    static Interval bounded(double lo, double hi) {
        return new Interval(lo, hi, new double[0]);
    }

    /**
     * An interval {@code [lo, hi]} with points to stay {@link #GAP} away from (kinks, ties, poles).
     *
     * @param lo lower bound
     * @param hi upper bound
     * @param avoided points no value comes within {@link #GAP} of
     */
    record Interval(double lo, double hi, double[] avoided) implements Domain {
        /** Checks that some value is left. */
        public Interval {
            if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
                throw new IllegalArgumentException("Domain.bounded: empty or infinite interval [" + lo + ", " + hi
                        + "] (need finite lo < hi)");
            }
            avoided = avoided.clone();
            Arrays.sort(avoided);
            if (freeLength(lo, hi, avoided) <= 0) {
                throw new IllegalArgumentException("Domain.avoiding: nothing of [" + lo + ", " + hi + "] is left "
                        + "after keeping " + GAP + " away from " + Arrays.toString(avoided));
            }
        }

        /** This interval without the values within {@link #GAP} of any of {@code points}. */
        public Interval avoiding(double... points) {
            double[] all = Arrays.copyOf(avoided, avoided.length + points.length);
            System.arraycopy(points, 0, all, avoided.length, points.length);
            return new Interval(lo, hi, all);
        }

        /** Whether {@code x} is in the interval and clear of the avoided points. */
        public boolean contains(double x) {
            if (!(x >= lo && x <= hi)) {
                return false;
            }
            for (double p : avoided) {
                if (Math.abs(x - p) <= GAP) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public double next(RandomGenerator random) {
            while (true) {
                double x = lo + (hi - lo) * random.nextDouble();
                if (contains(x)) {
                    return x;
                }
            }
        }

        /** Values with at most 4 decimals, shrinking toward 0, else 1, else the bound nearer 0. */
        @Override
        public Arbitrary<Double> values() {
            double target = contains(0) ? 0 : contains(1) ? 1 : contains(-1) ? -1 : Math.abs(lo) < Math.abs(hi) ? lo : hi;
            return Arbitraries.doubles().between(lo, hi).ofScale(4).shrinkTowards(target).filter(this::contains);
        }

        @Override
        public String toString() {
            return "[" + lo + ", " + hi + "]" + (avoided.length == 0 ? "" : " avoiding " + Arrays.toString(avoided));
        }

        private static double freeLength(double lo, double hi, double[] sortedPoints) {
            double free = 0;
            double at = lo;
            for (double p : sortedPoints) {
                free += Math.max(0, Math.min(hi, p - GAP) - at);
                at = Math.max(at, p + GAP);
            }
            return free + Math.max(0, hi - at);
        }
    }

    // ---------------------------------------------------------------- seeded sources (kernel tests)

    /** Uniform on [lo, hi). */
    static Domain uniform(double lo, double hi) {
        requireOrdered("Domain.uniform", lo, hi);
        return r -> lo + (hi - lo) * r.nextDouble();
    }

    /** Magnitudes spread evenly over the exponents in [lo, hi] (0 &lt; lo ≤ hi), positive. */
    static Domain logUniform(double lo, double hi) {
        if (!(lo > 0)) {
            throw new IllegalArgumentException("Domain.logUniform: needs lo > 0, got " + lo);
        }
        requireOrdered("Domain.logUniform", lo, hi);
        double a = Math.log(lo);
        double b = Math.log(hi);
        return r -> Math.exp(a + (b - a) * r.nextDouble());
    }

    /** Integers in [lo, hi]: repeated values, so comparisons and max/min see ties. */
    static Domain integers(int lo, int hi) {
        requireOrdered("Domain.integers", lo, hi);
        return r -> lo + r.nextInt(hi - lo + 1);
    }

    /** One of the given values. */
    static Domain of(double... choices) {
        if (choices.length == 0) {
            throw new IllegalArgumentException("Domain.of: no values to choose from");
        }
        double[] c = choices.clone();
        return r -> c[r.nextInt(c.length)];
    }

    /** Either sign of a magnitude from {@code magnitude}. */
    static Domain signed(Domain magnitude) {
        return r -> r.nextBoolean() ? magnitude.next(r) : -magnitude.next(r);
    }

    /** One of several sources, picked per value with the given weights: {@code mix(3, a, 1, b)}. */
    static Domain mix(Object... weightsAndSources) {
        if (weightsAndSources.length == 0 || weightsAndSources.length % 2 != 0) {
            throw new IllegalArgumentException("Domain.mix: expected weight, domain pairs, got "
                    + weightsAndSources.length + " arguments");
        }
        int k = weightsAndSources.length / 2;
        int[] weights = new int[k];
        Domain[] sources = new Domain[k];
        int total = 0;
        for (int i = 0; i < k; i++) {
            weights[i] = (Integer) weightsAndSources[2 * i];
            sources[i] = (Domain) weightsAndSources[2 * i + 1];
            if (weights[i] <= 0) {
                throw new IllegalArgumentException("Domain.mix: weight " + i + " is " + weights[i] + " (must be > 0)");
            }
            total += weights[i];
        }
        int sum = total;
        return r -> {
            int pick = r.nextInt(sum);
            for (int i = 0; ; i++) {
                pick -= weights[i];
                if (pick < 0) {
                    return sources[i].next(r);
                }
            }
        };
    }

    private static void requireOrdered(String who, double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException(who + ": empty domain [" + lo + ", " + hi + "]");
        }
    }
}
