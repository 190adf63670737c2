package joule.tensor;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Rounding-error constants and comparisons for the kernel properties. Notation as in Higham,
 * <i>Accuracy and Stability of Numerical Algorithms</i>: {@code u} is the unit roundoff
 * (2⁻²⁴ for float32, 2⁻⁵³ for float64), {@code ε = 2u} is the machine epsilon (the ulp of 1), and
 * {@code γ_n = n·u / (1 − n·u)} bounds the relative error of n successive roundings. One ulp of a
 * normal number y is at most {@code ε·|y|}.
 */
final class Rounding {
    /** Unit roundoff of float64. */
    static final double U64 = 0x1p-53;

    private Rounding() {
    }

    /** Unit roundoff u of the dtype. */
    static double u(DType dtype) {
        return dtype == DType.FLOAT32 ? 0x1p-24 : U64;
    }

    /** Machine epsilon ε = 2u, the ulp of 1. */
    static double eps(DType dtype) {
        return 2 * u(dtype);
    }

    /** γ_n = n·u/(1 − n·u). */
    static double gamma(long n, double u) {
        double nu = n * u;
        if (nu >= 1) {
            throw new IllegalArgumentException("γ_" + n + " undefined for u=" + u);
        }
        return nu / (1 - nu);
    }

    /** Smallest positive (subnormal) value of the dtype: the ulp of 0. */
    static double minValue(DType dtype) {
        return dtype == DType.FLOAT32 ? Float.MIN_VALUE : Double.MIN_VALUE;
    }

    /** Smallest positive normal value of the dtype. */
    static double minNormal(DType dtype) {
        return dtype == DType.FLOAT32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
    }

    /**
     * Asserts {@code |actual − expected| ≤ k·ε·max(|actual|, |expected|)·(1 + 8ε) + k·ulp(0) + floor}:
     * the two differ by at most k ulps of the result ({@code k = 0}: bit-equal, same sign of zero).
     * The factor {@code 1 + 8ε} covers the second-order terms of the derivations and the exact
     * result lying in a higher binade than both computed ones; {@code k·ulp(0)} covers subnormal
     * results, where an ulp is no longer relative. Non-finite values must agree exactly (both NaN,
     * or the same infinity).
     */
    static void assertUlps(double expected, double actual, double k, double floor, DType dtype, Supplier<String> what) {
        if (!within(expected, actual, k, floor, dtype)) {
            double e = eps(dtype);
            double tol = k * e * Math.max(Math.abs(actual), Math.abs(expected)) * (1 + 8 * e) + k * minValue(dtype) + floor;
            fail(what.get() + ": expected " + expected + " but was " + actual + " (difference "
                    + Math.abs(actual - expected) + ", allowed " + tol + " = " + k + " ulps"
                    + (floor > 0 ? " + " + floor : "") + ")");
        }
    }

    static boolean within(double expected, double actual, double k, double floor, DType dtype) {
        if (k == 0 && floor == 0 || !Double.isFinite(expected) || !Double.isFinite(actual)) {
            return Double.doubleToLongBits(expected) == Double.doubleToLongBits(actual);
        }
        double e = eps(dtype);
        double tol = k * e * Math.max(Math.abs(actual), Math.abs(expected)) * (1 + 8 * e) + k * minValue(dtype) + floor;
        return Math.abs(actual - expected) <= tol;
    }

    /** Asserts the arrays are bit-equal (NaNs of any payload count as equal; 0.0 and -0.0 don't). */
    static void assertBitEqual(double[] expected, double[] actual, Supplier<String> what) {
        if (expected.length != actual.length) {
            fail(what.get() + ": " + expected.length + " elements expected, " + actual.length + " came");
        }
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToLongBits(expected[i]) != Double.doubleToLongBits(actual[i])) {
                int at = i;
                fail(what.get() + ": element " + at + " expected " + expected[at] + " but was " + actual[at]
                        + (expected.length <= 40 ? "\n expected " + Arrays.toString(expected) + "\n actual   "
                        + Arrays.toString(actual) : ""));
            }
        }
    }

    /** Asserts {@code |actual[i] − expected[i]| ≤ tol[i]}; non-finite values must agree exactly. */
    static void assertWithin(double[] expected, double[] actual, double[] tol, Supplier<String> what) {
        if (expected.length != actual.length) {
            fail(what.get() + ": " + expected.length + " elements expected, " + actual.length + " came");
        }
        for (int i = 0; i < expected.length; i++) {
            boolean ok = Double.isFinite(expected[i]) && Double.isFinite(actual[i])
                    ? Math.abs(actual[i] - expected[i]) <= tol[i]
                    : Double.doubleToLongBits(expected[i]) == Double.doubleToLongBits(actual[i]);
            if (!ok) {
                fail(what.get() + ": element " + i + " expected " + expected[i] + " but was " + actual[i]
                        + " (difference " + Math.abs(actual[i] - expected[i]) + ", allowed " + tol[i] + ")");
            }
        }
    }
}
