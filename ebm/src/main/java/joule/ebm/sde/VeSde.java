package joule.ebm.sde;

/**
 * The variance-exploding SDE (score_sde's {@code VESDE}): {@code f = 0},
 * {@code σ(t) = σ_min (σ_max/σ_min)^t}, {@code g(t) = σ(t) sqrt(2 log(σ_max/σ_min))}, marginal
 * {@code N(x₀, σ(t)² I)} (ebm-reference; like score_sde, the marginal's variance is {@code σ(t)²}, which
 * the forward process reaches from data blurred by {@code σ_min}), prior {@code N(0, σ_max² I)}.
 */
public final class VeSde extends Sde {
    /** score_sde's ε for VE sampling and likelihoods. */
    public static final double DEFAULT_EPSILON = 1e-5;

    private final double sigmaMin;
    private final double sigmaMax;
    private final double logRatio;

    /** The VE SDE from {@code σ_min} to {@code σ_max} ({@code 0 < σ_min < σ_max}, finite) stopping at {@code ε}. */
    public VeSde(double sigmaMin, double sigmaMax, double epsilon) {
        super(epsilon);
        if (!(sigmaMin > 0) || !(sigmaMax > sigmaMin) || !Double.isFinite(sigmaMax)) {
            throw new IllegalArgumentException("VeSde: need 0 < sigmaMin < sigmaMax (finite), got " + sigmaMin + " and "
                    + sigmaMax);
        }
        this.sigmaMin = sigmaMin;
        this.sigmaMax = sigmaMax;
        this.logRatio = Math.log(sigmaMax / sigmaMin);
    }

    /** {@link #VeSde(double, double, double)} with {@code ε = 1e-5}. */
    public VeSde(double sigmaMin, double sigmaMax) {
        this(sigmaMin, sigmaMax, DEFAULT_EPSILON);
    }

    public double sigmaMin() {
        return sigmaMin;
    }

    public double sigmaMax() {
        return sigmaMax;
    }

    @Override
    public double driftRate(double t) {
        return 0;
    }

    @Override
    public double diffusion(double t) {
        return std(t) * Math.sqrt(2 * logRatio);
    }

    @Override
    public double meanScale(double t) {
        return 1;
    }

    /** {@code σ(t) = σ_min (σ_max/σ_min)^t}. */
    @Override
    public double std(double t) {
        return sigmaMin * Math.exp(t * logRatio);
    }

    @Override
    public double priorStd() {
        return sigmaMax;
    }

    @Override
    String name() {
        return "VeSde";
    }

    @Override
    public String toString() {
        return "VeSde(sigma " + sigmaMin + " → " + sigmaMax + ", epsilon " + epsilon() + ")";
    }
}
