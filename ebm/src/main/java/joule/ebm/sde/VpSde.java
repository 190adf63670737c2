package joule.ebm.sde;

/**
 * The variance-preserving SDE (score_sde's {@code VPSDE}, DDPM's continuum):
 * {@code β(t) = β_min + t (β_max − β_min)}, {@code f = −½ β(t) x}, {@code g = sqrt(β(t))}; marginal mean
 * {@code x₀ e^{−½∫β}}, variance {@code 1 − e^{−∫β}} with {@code ∫₀ᵗβ = β_min t + ½ t² (β_max − β_min)}
 * (ebm-reference); prior {@code N(0, I)}.
 */
public final class VpSde extends Sde {
    /** score_sde's ε for VP sampling and likelihoods. */
    public static final double DEFAULT_EPSILON = 1e-3;

    private final BetaSchedule beta;

    /** The VP SDE with {@code β} from {@code betaMin} to {@code betaMax} ({@code 0 < β_min ≤ β_max}), stopping at {@code ε}. */
    public VpSde(double betaMin, double betaMax, double epsilon) {
        super(epsilon);
        this.beta = new BetaSchedule("VpSde", betaMin, betaMax);
    }

    /** score_sde's VP SDE: {@code β} from 0.1 to 20, {@code ε = 1e-3}. */
    public VpSde() {
        this(BetaSchedule.DEFAULT_MIN, BetaSchedule.DEFAULT_MAX, DEFAULT_EPSILON);
    }

    @Override
    public double driftRate(double t) {
        return -0.5 * beta.at(t);
    }

    @Override
    public double diffusion(double t) {
        return Math.sqrt(beta.at(t));
    }

    @Override
    public double meanScale(double t) {
        return Math.exp(-0.5 * beta.integral(t));
    }

    /** {@code sqrt(1 − e^{−∫β})}. */
    @Override
    public double std(double t) {
        return Math.sqrt(-Math.expm1(-beta.integral(t)));
    }

    @Override
    public double priorStd() {
        return 1;
    }

    @Override
    String name() {
        return "VpSde";
    }

    @Override
    public String toString() {
        return "VpSde(" + beta + ", epsilon " + epsilon() + ")";
    }
}
