package joule.tensor.random;

/** The distributions {@link PhiloxSampler} draws from. */
public enum Distribution {
    /** Uniform on [0, 1). */
    UNIFORM,
    /** Standard normal N(0, 1). */
    NORMAL,
    /** Rademacher: −1 or +1, each with probability ½. */
    RADEMACHER
}
