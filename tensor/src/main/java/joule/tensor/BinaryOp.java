package joule.tensor;

/**
 * Elementwise functions of two broadcast tensors. {@link #apply(double, double)} is the
 * definition and the scalar reference. Comparisons give 1 for true and 0 for false, in the
 * operands' dtype.
 */
public enum BinaryOp {
    ADD(false) { public double apply(double a, double b) { return a + b; } },
    SUB(false) { public double apply(double a, double b) { return a - b; } },
    MUL(false) { public double apply(double a, double b) { return a * b; } },
    /** Division; {@code 0/0} and {@code ±inf/±inf} have no value and are reported as errors. */
    DIV(true) { public double apply(double a, double b) { return a / b; } },
    /** {@link Math#pow}; a negative base with a non-integer exponent is reported as an error. */
    POW(true) { public double apply(double a, double b) { return Math.pow(a, b); } },
    /** The larger value; NaN if either is NaN. */
    MAXIMUM(false) { public double apply(double a, double b) { return Math.max(a, b); } },
    /** The smaller value; NaN if either is NaN. */
    MINIMUM(false) { public double apply(double a, double b) { return Math.min(a, b); } },
    EQ(false) { public double apply(double a, double b) { return a == b ? 1 : 0; } },
    NE(false) { public double apply(double a, double b) { return a != b ? 1 : 0; } },
    LT(false) { public double apply(double a, double b) { return a < b ? 1 : 0; } },
    LE(false) { public double apply(double a, double b) { return a <= b ? 1 : 0; } },
    GT(false) { public double apply(double a, double b) { return a > b ? 1 : 0; } },
    GE(false) { public double apply(double a, double b) { return a >= b ? 1 : 0; } };

    private final boolean restrictedDomain;

    BinaryOp(boolean restrictedDomain) {
        this.restrictedDomain = restrictedDomain;
    }

    /** The function on one pair of values, in double precision. */
    public abstract double apply(double a, double b);

    /** The op's name as users write it ({@code "maximum"}). */
    public String opName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether some pairs of non-NaN inputs have no value (the result NaN is then reported as an error). */
    public boolean restrictedDomain() {
        return restrictedDomain;
    }
}
