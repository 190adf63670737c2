package joule.ebm.nn;

import java.util.List;
import joule.autograd.Var;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;

/**
 * A 2-d convolution layer laid out as PyTorch's {@code nn.Conv2d}: {@code [N, C_in, H, W] → [N, C_out, Ho, Wo]}
 * (the geometry of {@link Conv2dSpec}), weight {@code <name>.weight: [C_out, C_in/G, k, k]} and an optional
 * bias {@code <name>.bias: [C_out]}, so checkpoints map one to one.
 */
public final class Conv2d implements WeightedLayer {
    private final String name;
    private final int inChannels;
    private final Conv2dSpec spec;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * A layer initialised as PyTorch does by default (Kaiming-uniform with {@code a = √5}): weight, then bias,
     * each drawn from {@code U(−1/√fan_in, 1/√fan_in)} with {@code fan_in = C_in/G · k · k}, from {@code init}
     * (so the same seed gives the same layer).
     *
     * @param name   parameter-name prefix ({@code "conv_in"}, {@code "layers.0"})
     * @param kernel the kernel's height and width {@code k}
     * @param spec   stride, padding, dilation and groups ({@code G} must divide both channel counts)
     * @param bias   whether the layer adds a bias per output channel
     */
    public Conv2d(String name, int in, int out, int kernel, Conv2dSpec spec, boolean bias, DType dtype,
                  RandomStream init) {
        if (in < 1 || out < 1 || kernel < 1) {
            throw new IllegalArgumentException("Conv2d " + name + ": channels and kernel size must be ≥ 1, got in=" + in
                    + " out=" + out + " kernel=" + kernel);
        }
        if (in % spec.groups() != 0 || out % spec.groups() != 0) {
            throw new IllegalArgumentException("Conv2d " + name + ": " + spec.groups() + " groups must divide both "
                    + "channel counts, got in=" + in + " out=" + out);
        }
        this.name = name;
        this.inChannels = in;
        this.spec = spec;
        int fanIn = in / spec.groups() * kernel * kernel;
        double bound = 1 / Math.sqrt(fanIn);
        this.weight = new Parameter(name + ".weight",
                init.uniform(-bound, bound, dtype, out, in / spec.groups(), kernel, kernel));
        this.bias = bias ? new Parameter(name + ".bias", init.uniform(-bound, bound, dtype, out)) : null;
    }

    /**
     * The convolution of {@code x: [N, C_in, H, W]} with {@code weight} ({@code [C_out, C_in/G, k, k]}) in place of
     * the layer's own, plus the bias; {@link #forward(Var)} uses the layer's own weight.
     *
     * @throws IllegalArgumentException naming this layer and the shapes if {@code x} is not {@code [N, C_in, H, W]}
     *                                  or the kernel does not fit the padded input
     */
    @Override
    public Var forward(Var x, Var weight) {
        if (x.rank() != 4 || x.size(1) != inChannels) {
            throw new IllegalArgumentException("Conv2d " + name + ": input " + Shapes.format(x.shape()) + " should be [N, "
                    + inChannels + ", H, W]");
        }
        spec.outputShape("Conv2d " + name, x.shape(), weight.shape());
        return bias == null ? x.conv2d(weight, spec) : x.conv2d(weight, bias.var(), spec);
    }

    /** Input channels {@code C_in}. */
    public int inChannels() {
        return inChannels;
    }

    /** Output channels {@code C_out}. */
    public int outChannels() {
        return weight.value().size(0);
    }

    /** The geometry. */
    public Conv2dSpec spec() {
        return spec;
    }

    /** The weight {@code [C_out, C_in/G, k, k]}. */
    @Override
    public Parameter weight() {
        return weight;
    }

    /** {@code [weight, bias]}, or {@code [weight]} without a bias. */
    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }
}
