package joule.ebm.sde;

/** The linear {@code β(t) = β_min + t (β_max − β_min)} of the VP and sub-VP SDEs, and {@code ∫₀ᵗβ}. */
record BetaSchedule(double min, double max) {
    static final double DEFAULT_MIN = 0.1;
    static final double DEFAULT_MAX = 20;

    BetaSchedule(String who, double min, double max) {
        this(min, max);
        if (!(min > 0) || !(max >= min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException(who + ": need 0 < betaMin ≤ betaMax (finite), got " + min + " and " + max);
        }
    }

    double at(double t) {
        return min + t * (max - min);
    }

    /** {@code ∫₀ᵗβ = β_min t + ½ t² (β_max − β_min)}. */
    double integral(double t) {
        return min * t + 0.5 * t * t * (max - min);
    }

    @Override
    public String toString() {
        return "beta " + min + " → " + max;
    }
}
