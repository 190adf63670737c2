package joule.ebm.nn;

import java.util.List;
import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * Group normalisation (Wu and He 2018), as PyTorch's {@code nn.GroupNorm}: for {@code x: [N, C, …]} the
 * {@code C} channels are split into {@code G} groups, and each sample's group is normalised by the mean
 * and (biased) variance over its {@code C/G} channels and all positions,
 * {@code (x − μ) / √(σ² + eps)}, then scaled and shifted per channel, {@code γ_c · … + β_c}. Parameters
 * {@code <name>.weight} ({@code γ}, ones) and {@code <name>.bias} ({@code β}, zeros), {@code [C]}.
 * Written in {@link Var} ops, so it has derivatives of any order.
 */
public final class GroupNorm implements Layer, Module {
    /** PyTorch's default {@code eps}. */
    public static final double DEFAULT_EPS = 1e-5;

    private final String name;
    private final int groups;
    private final double eps;
    private final Parameter gamma;
    private final Parameter beta;

    /** {@link #GroupNorm(String, int, int, double, DType, Device)} with {@code eps = 1e-5}. */
    public GroupNorm(String name, int groups, int channels, DType dtype, Device device) {
        this(name, groups, channels, DEFAULT_EPS, dtype, device);
    }

    /** Normalisation of {@code channels} channels in {@code groups} groups (which must divide them), {@code eps > 0}. */
    public GroupNorm(String name, int groups, int channels, double eps, DType dtype, Device device) {
        if (groups < 1 || channels < 1 || channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm " + name + ": groups must divide the channels, both ≥ 1, got "
                    + groups + " groups of " + channels + " channels");
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("GroupNorm " + name + ": eps must be positive and finite, got " + eps);
        }
        this.name = name;
        this.groups = groups;
        this.eps = eps;
        this.gamma = new Parameter(name + ".weight", Tensor.ones(device, dtype, channels));
        this.beta = new Parameter(name + ".bias", Tensor.zeros(device, dtype, channels));
    }

    /**
     * score_sde's choice of groups for {@code channels}: {@code min(C/4, 32)}, lowered to a divisor of
     * {@code C} (at least 1).
     */
    public static int defaultGroups(int channels) {
        int g = Math.max(1, Math.min(channels / 4, 32));
        while (channels % g != 0) {
            g--;
        }
        return g;
    }

    /**
     * The normalised {@code x: [N, C, …]} (rank ≥ 2), same shape.
     *
     * @throws IllegalArgumentException naming this layer and the shapes if {@code x} is not {@code [N, C, …]}
     */
    @Override
    public Var forward(Var x) {
        int channels = gamma.value().size(0);
        if (x.rank() < 2 || x.size(1) != channels) {
            throw new IllegalArgumentException("GroupNorm " + name + ": input " + Shapes.format(x.shape()) + " should be [N, "
                    + channels + ", …]");
        }
        int[] inGroups = {2};
        Var g = x.reshape(x.size(0), groups, -1);
        Var centred = g.sub(g.mean(inGroups, true));
        Var variance = centred.square().mean(inGroups, true);
        Var normalised = centred.mul(variance.add(eps).rsqrt()).reshape(x.shape());
        int[] perChannel = new int[x.rank()];
        java.util.Arrays.fill(perChannel, 1);
        perChannel[1] = channels;
        return normalised.mul(gamma.var().reshape(perChannel)).add(beta.var().reshape(perChannel));
    }

    /** The number of groups {@code G}. */
    public int groups() {
        return groups;
    }

    /** {@code [weight (γ), bias (β)]}. */
    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }
}
