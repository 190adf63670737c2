package joule.tensor;

/**
 * Elementwise functions of one tensor. {@link #apply(double)} is the definition (and the scalar
 * reference every kernel is tested against); float32 kernels round its result to float.
 */
public enum UnaryOp {
    NEG(null) { public double apply(double x) { return -x; } },
    ABS(null) { public double apply(double x) { return Math.abs(x); } },
    SIGN(null) { public double apply(double x) { return Math.signum(x); } },
    SQUARE(null) { public double apply(double x) { return x * x; } },
    RECIPROCAL(null) { public double apply(double x) { return 1.0 / x; } },
    SQRT("x ≥ 0") { public double apply(double x) { return Math.sqrt(x); } },
    RSQRT("x ≥ 0") { public double apply(double x) { return 1.0 / Math.sqrt(x); } },
    EXP(null) { public double apply(double x) { return Math.exp(x); } },
    EXPM1(null) { public double apply(double x) { return Math.expm1(x); } },
    LOG("x ≥ 0") { public double apply(double x) { return Math.log(x); } },
    LOG1P("x ≥ -1") { public double apply(double x) { return Math.log1p(x); } },
    SIN(null) { public double apply(double x) { return Math.sin(x); } },
    COS(null) { public double apply(double x) { return Math.cos(x); } },
    TANH(null) { public double apply(double x) { return Math.tanh(x); } },
    /** {@code 1 / (1 + exp(-x))}. */
    SIGMOID(null) { public double apply(double x) { return 1.0 / (1.0 + Math.exp(-x)); } },
    /** {@code log(1 + exp(x))}, computed as {@code max(x, 0) + log1p(exp(-|x|))}. */
    SOFTPLUS(null) { public double apply(double x) { return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))); } },
    /** {@code x · sigmoid(x)}. */
    SILU(null) { public double apply(double x) { return x / (1.0 + Math.exp(-x)); } },
    /** Derivative of SiLU: {@code s (1 + x (1 - s))} with {@code s = sigmoid(x)}. */
    SILU_GRAD(null) {
        public double apply(double x) {
            double s = 1.0 / (1.0 + Math.exp(-x));
            return s * (1 + x * (1 - s));
        }
    },
    /** Second derivative of SiLU: {@code s (1 - s) (2 + x (1 - 2 s))} with {@code s = sigmoid(x)}. */
    SILU_GRAD2(null) {
        public double apply(double x) {
            double s = 1.0 / (1.0 + Math.exp(-x));
            double c = 1 - s;
            return s * c * (2 + x * (c - s));
        }
    },
    /** {@code max(x, 0)}; NaN stays NaN. */
    RELU(null) { public double apply(double x) { return Math.max(x, 0.0); } };

    private final String domain;

    UnaryOp(String domain) {
        this.domain = domain;
    }

    /** The function on one value, in double precision. */
    public abstract double apply(double x);

    /** The op's name as users write it ({@code "log1p"}). */
    public String opName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The domain outside which the op has no value (NaN from a non-NaN input is an error), or null if defined everywhere. */
    public String domain() {
        return domain;
    }
}
