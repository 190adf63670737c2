package joule.tensor;

/** Reductions that backends implement; mean, logsumexp and norms are built from these. */
public enum ReduceOp {
    /** Sum; 0 over no elements. */
    SUM,
    /** Largest element; NaN if any is NaN; an error over no elements. */
    MAX,
    /** Smallest element; NaN if any is NaN; an error over no elements. */
    MIN;

    /** The op's name as users write it. */
    public String opName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Value of the reduction over no elements (the start of an accumulation). */
    public double identity() {
        return switch (this) {
            case SUM -> 0.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
    }

    /** Combines an accumulated value with one more element. */
    public double combine(double acc, double x) {
        return switch (this) {
            case SUM -> acc + x;
            case MAX -> Math.max(acc, x);
            case MIN -> Math.min(acc, x);
        };
    }
}
