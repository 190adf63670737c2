package joule.ebm.sde;

/**
 * The sub-VP SDE of Song et al. 2021 (score_sde's {@code subVPSDE}): the VP drift {@code f = −½ β(t) x} with
 * {@code g = sqrt(β(t) (1 − e^{−2∫β}))}; marginal mean {@code x₀ e^{−½∫β}} as VP and standard deviation
 * {@code 1 − e^{−∫β}} (below VP's at every {@code t}); prior {@code N(0, I)}.
 */
public final class SubVpSde extends Sde {
    private final BetaSchedule beta;

    /** The sub-VP SDE with {@code β} from {@code betaMin} to {@code betaMax} ({@code 0 < β_min ≤ β_max}), stopping at {@code ε}. */
    public SubVpSde(double betaMin, double betaMax, double epsilon) {
        super(epsilon);
        this.beta = new BetaSchedule("SubVpSde", betaMin, betaMax);
    }

    /** score_sde's sub-VP SDE: {@code β} from 0.1 to 20, {@code ε = 1e-3}. */
    public SubVpSde() {
        this(BetaSchedule.DEFAULT_MIN, BetaSchedule.DEFAULT_MAX, VpSde.DEFAULT_EPSILON);
    }

    @Override
    public double driftRate(double t) {
        return -0.5 * beta.at(t);
    }

    @Override
    public double diffusion(double t) {
        return Math.sqrt(beta.at(t) * -Math.expm1(-2 * beta.integral(t)));
    }

    @Override
    public double meanScale(double t) {
        return Math.exp(-0.5 * beta.integral(t));
    }

    /** {@code 1 − e^{−∫β}}. */
    @Override
    public double std(double t) {
        return -Math.expm1(-beta.integral(t));
    }

    @Override
    public double priorStd() {
        return 1;
    }

    @Override
    String name() {
        return "SubVpSde";
    }

    @Override
    public String toString() {
        return "SubVpSde(" + beta + ", epsilon " + epsilon() + ")";
    }
}
