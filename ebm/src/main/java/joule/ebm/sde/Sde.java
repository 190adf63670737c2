package joule.ebm.sde;

import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * A forward diffusion {@code dx = f(x, t) dt + g(t) dw} on {@code t ∈ [ε, T]}, {@code T = 1}
 * (Song et al. 2021; ebm-reference, "Score networks, score SDEs and likelihoods"). All three SDEs have a
 * linear drift {@code f(x, t) = a(t) x} ({@link #driftRate}) and a Gaussian transition from {@code x₀}:
 * mean {@link #meanScale}{@code (t) x₀}, standard deviation {@link #std}{@code (t)} per coordinate. The
 * prior {@code p_T} is {@code N(0, priorStd² I)}.
 *
 * <p>Score networks {@code s_θ(x, σ)} are conditioned on the marginal standard deviation {@code σ = std(t)}
 * (increasing in {@code t}, so it identifies the time): a VE model is an NCSN model on the continuum of levels
 * {@code σ(t)}, and one network type ({@link joule.ebm.energy.ScoreNetwork}) serves both.
 *
 * <p>Times outside {@code [ε, T]} are an {@link IllegalArgumentException} naming the SDE and the time.
 */
public abstract sealed class Sde permits VeSde, VpSde, SubVpSde {
    /** The end of the forward process, {@code T = 1}. */
    public static final double T = 1;

    private final double epsilon;

    /** An SDE whose samplers and likelihoods stop at {@code ε ∈ (0, 1)} (score_sde: 1e-5 for VE, 1e-3 for VP). */
    Sde(double epsilon) {
        if (!(epsilon > 0 && epsilon < T)) {
            throw new IllegalArgumentException(name() + ": epsilon must be in (0, 1), got " + epsilon);
        }
        this.epsilon = epsilon;
    }

    /** The smallest time used, {@code ε}. */
    public final double epsilon() {
        return epsilon;
    }

    /** The drift's rate {@code a(t)} in {@code f(x, t) = a(t) x}. */
    public abstract double driftRate(double t);

    /** The diffusion coefficient {@code g(t)}. */
    public abstract double diffusion(double t);

    /** The scale of the transition's mean, {@code E[x_t | x₀] = meanScale(t) x₀}. */
    public abstract double meanScale(double t);

    /** The transition's standard deviation per coordinate, {@code std(t)}: the noise level networks are conditioned on. */
    public abstract double std(double t);

    /** The prior's standard deviation: {@code p_T = N(0, priorStd² I)}. */
    public abstract double priorStd();

    /** The SDE's name for messages. */
    abstract String name();

    /**
     * Returns {@code t} if it lies in {@code [ε, T]}.
     *
     * @throws IllegalArgumentException naming {@code who}, this SDE and {@code t} otherwise
     */
    public final double checkTime(String who, double t) {
        if (!(t >= epsilon && t <= T)) {
            throw new IllegalArgumentException(who + ": time t = " + t + " is outside [ε, T] = [" + epsilon + ", " + T
                    + "] of " + this);
        }
        return t;
    }

    /** The drift {@code f(x, t) = a(t) x}, shaped like {@code x}. */
    public final Tensor drift(Tensor x, double t) {
        return x.mul(driftRate(checkTime(name() + ".drift", t)));
    }

    /** The noise level {@code std(t)} once per sample: {@code [B]} for {@code x: [B, …]}, on {@code x}'s device. */
    public final Tensor noiseLevel(Tensor x, double t) {
        return x.scalarLike(std(checkTime(name() + ".noiseLevel", t))).expand(x.size(0));
    }

    /** {@code shape} draws from the prior {@code N(0, priorStd² I)} on {@code device}. */
    public final Tensor samplePrior(RandomStream rng, Device device, DType dtype, int... shape) {
        return rng.normal(device, dtype, shape).mul(priorStd());
    }

    /**
     * {@code log p_T(x)} of the prior per sample, {@code [B]} for {@code x: [B, …]}:
     * {@code −(D/2) log(2π priorStd²) − ‖x‖² / (2 priorStd²)}, {@code D} the coordinates per sample.
     */
    public final Tensor priorLogDensity(Tensor x) {
        int b = x.size(0);
        int d = x.numel() / Math.max(1, b);
        double var = priorStd() * priorStd();
        return x.reshape(b, -1).square().sum(1).mul(-0.5 / var).add(-0.5 * d * Math.log(2 * Math.PI * var));
    }
}
