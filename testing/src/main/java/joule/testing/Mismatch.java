package joule.testing;

import java.util.Arrays;
import java.util.Locale;
import joule.tensor.Shapes;

/**
 * Element-by-element comparison of a computed array with an expected one under
 * {@code |actual − expected| ≤ atol + rtol·|expected|}, failing with an {@link AssertionError} that names the
 * check, the worst element (its index in {@code shape}), both values and the tolerance.
 */
final class Mismatch {
    private Mismatch() {
    }

    /** Fails unless every element passes; NaN passes only against NaN. */
    static void check(String check, String what, double[] actual, double[] expected, int[] shape, double atol,
                      double rtol) {
        if (actual.length != expected.length) {
            throw new AssertionError(check + ": " + what + " has " + actual.length + " values, expected "
                    + expected.length + " (shape " + Shapes.format(shape) + ")");
        }
        int worst = -1;
        double worstRatio = 0;
        for (int i = 0; i < actual.length; i++) {
            double ratio = ratio(actual[i], expected[i], atol, rtol);
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worst = i;
            }
        }
        if (worstRatio > 1) {
            throw new AssertionError(describe(check, what, actual[worst], expected[worst],
                    shape.length == 0 ? "[]" : Arrays.toString(Shapes.unravel(worst, shape)), atol, rtol));
        }
    }

    /** {@code |a − e| / (atol + rtol·|e|)}: ≤ 1 passes; infinite when exactly one is NaN. */
    static double ratio(double a, double e, double atol, double rtol) {
        if (Double.isNaN(a) || Double.isNaN(e)) {
            return Double.isNaN(a) && Double.isNaN(e) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (a == e) {
            return 0;
        }
        return Math.abs(a - e) / (atol + rtol * Math.abs(e));
    }

    static String describe(String check, String what, double actual, double expected, String index, double atol,
                           double rtol) {
        return String.format(Locale.ROOT, "%s: %s at %s is %.10g, expected %.10g (|difference| %.3g > tolerance %.3g = "
                        + "atol %.1g + rtol %.1g·|expected|)", check, what, index, actual, expected,
                Math.abs(actual - expected), atol + rtol * Math.abs(expected), atol, rtol);
    }
}
