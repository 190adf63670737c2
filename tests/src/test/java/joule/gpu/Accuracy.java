package joule.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Locale;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Tensor;

/**
 * Comparisons of CUDA results with float64 references by {@code ‖out − ref‖₂ / ‖ref‖₂}. NaN never
 * passes where the reference has a number, an infinity must be the same infinity, and a reference
 * of zeros must be met exactly (unless an absolute allowance per element is given).
 */
final class Accuracy {
    /** Elementwise float32 results: a few ulps (6e-8 each) leave a wide margin under this. */
    static final double FLOAT32 = 1e-5;
    /** Elementwise float64 results. */
    static final double FLOAT64 = 1e-12;
    /** TF32 products (operands rounded to 10 mantissa bits: about 4e-4 on random data). */
    static final double TF32 = 1e-3;

    private Accuracy() {
    }

    /** The elementwise tolerance of {@code dtype}. */
    static double elementwise(DType dtype) {
        return dtype == DType.FLOAT32 ? FLOAT32 : FLOAT64;
    }

    /**
     * The tolerance of sums of {@code n} terms in {@code dtype}: the elementwise one plus
     * {@code 8 √n u κ}, the size rounding errors of random sign reach in a sum in any order
     * (u the unit roundoff, κ = ‖Σ|terms|‖ / ‖Σ terms‖ the sums' condition).
     */
    static double accumulated(DType dtype, long n, double condition) {
        double u = dtype == DType.FLOAT32 ? 0x1p-24 : 0x1p-53;
        return elementwise(dtype) + 8 * Math.sqrt(Math.max(1, n)) * u * condition;
    }

    /**
     * {@code ‖magnitudes‖ / ‖values‖}, the condition of the sums {@code values}; 1 when the sums are
     * all 0 (the result must then be exactly 0 anyway).
     */
    static double condition(Tensor magnitudes, Tensor values) {
        double v = norm(values.toDoubleArray());
        return v == 0 ? 1 : norm(magnitudes.toDoubleArray()) / v;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /** Checks that {@code out} is on CUDA with {@code dtype} and {@code reference}'s shape, within {@code tolerance}. */
    static void assertClose(String what, Tensor out, Tensor reference, DType dtype, double tolerance) {
        assertPlaced(what, out, reference, dtype);
        assertClose(what, out.toDoubleArray(), reference.toDoubleArray(), tolerance, 0);
    }

    /**
     * Checks {@code ‖out − ref‖ ≤ relative·‖ref‖ + absolute·√n} over the n finite elements of the
     * reference; NaN and infinities must be the same in both.
     */
    static void assertClose(String what, double[] out, double[] ref, double relative, double absolute) {
        double diff = 0;
        double norm = 0;
        int n = 0;
        for (int i = 0; i < ref.length; i++) {
            if (Double.isNaN(ref[i]) != Double.isNaN(out[i])
                    || (Double.isInfinite(ref[i]) || Double.isInfinite(out[i])) && out[i] != ref[i]) {
                fail(what + ": element " + i + " is " + out[i] + ", the reference " + ref[i]);
            }
            if (Double.isFinite(ref[i])) {
                diff += (out[i] - ref[i]) * (out[i] - ref[i]);
                norm += ref[i] * ref[i];
                n++;
            }
        }
        if (!(Math.sqrt(diff) <= relative * Math.sqrt(norm) + absolute * Math.sqrt(n))) {
            fail(String.format(Locale.ROOT, "%s: ‖out − ref‖/‖ref‖ = %.3g > %.3g%s", what,
                    Math.sqrt(diff) / Math.sqrt(norm), relative, absolute > 0 ? " (+ " + absolute + " per element)" : ""));
        }
    }

    /**
     * Checks {@code out} (on CUDA, of {@code dtype}) against the float64 {@code reference} within the
     * elementwise tolerance, or within 10 times the relative error of {@code cpu}, the CPU backend's
     * result in {@code dtype}, where that is larger: some functions lose digits whatever computes
     * them in float32 (SiLU's second derivative by cancellation in {@code 1 − sigmoid(x)}, an
     * activation of a rounded sum near its root). In float64, where the CPU's result is the
     * reference, 1e-14 per element is allowed besides, for the same cancellation in the tails.
     */
    static void assertAsAccurateAsTheCpu(String what, Tensor out, Tensor cpu, Tensor reference, DType dtype) {
        assertPlaced(what, out, reference, dtype);
        double[] ref = reference.toDoubleArray();
        double cpuError = relativeError(cpu.toDoubleArray(), ref);
        double relative = Double.isFinite(cpuError) ? Math.max(elementwise(dtype), 10 * cpuError) : elementwise(dtype);
        assertClose(what, out.toDoubleArray(), ref, relative, dtype == DType.FLOAT64 ? 1e-14 : 0);
    }

    /** {@code ‖out − ref‖/‖ref‖} over the elements where both are finite (infinite when only the reference is 0). */
    private static double relativeError(double[] out, double[] ref) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < ref.length; i++) {
            if (Double.isFinite(ref[i]) && Double.isFinite(out[i])) {
                diff += (out[i] - ref[i]) * (out[i] - ref[i]);
                norm += ref[i] * ref[i];
            }
        }
        return diff == 0 ? 0 : Math.sqrt(diff) / Math.sqrt(norm);
    }

    /** Checks that {@code out} equals {@code reference} rounded to {@code dtype}, bit for bit (NaN matching NaN). */
    static void assertExact(String what, Tensor out, Tensor reference, DType dtype) {
        assertPlaced(what, out, reference, dtype);
        assertArrayEquals(reference.to(dtype).toDoubleArray(), out.toDoubleArray(), what);
    }

    private static void assertPlaced(String what, Tensor out, Tensor reference, DType dtype) {
        assertEquals(Device.CUDA, out.device(), what);
        assertEquals(dtype, out.dtype(), what);
        assertArrayEquals(reference.shape(), out.shape(), what);
    }
}
