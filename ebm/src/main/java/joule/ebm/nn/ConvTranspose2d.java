package joule.ebm.nn;

import java.util.List;
import joule.autograd.Var;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;

/**
 * A transposed 2-d convolution laid out as PyTorch's {@code nn.ConvTranspose2d}: {@code [N, C_in, H, W] →
 * [N, C_out, Ho, Wo]} with {@code Ho = (H − 1)·s − 2·pad + d·(k − 1) + 1 + outputPadding} (likewise the width),
 * weight {@code <name>.weight: [C_in, C_out/G, k, k]} and an optional bias {@code <name>.bias: [C_out]}. It is
 * the adjoint in the input of a {@link Conv2d} from {@code C_out} to {@code C_in} channels with the same
 * geometry, so it undoes that convolution's change of size.
 */
public final class ConvTranspose2d implements Layer, Module {
    private final String name;
    private final Conv2dSpec spec;
    private final int outputPadding;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * A layer initialised as PyTorch does by default: weight, then bias, each from
     * {@code U(−1/√fan_in, 1/√fan_in)} with PyTorch's {@code fan_in = C_out/G · k · k} (axis 1 of the weight).
     *
     * @param kernel        the kernel's height and width {@code k}
     * @param spec          stride, padding, dilation and groups of the convolution this one transposes
     * @param outputPadding rows and columns added at the bottom and right, below the stride or the dilation
     * @param bias          whether the layer adds a bias per output channel
     */
    public ConvTranspose2d(String name, int in, int out, int kernel, Conv2dSpec spec, int outputPadding, boolean bias,
                           DType dtype, RandomStream init) {
        if (in < 1 || out < 1 || kernel < 1) {
            throw new IllegalArgumentException("ConvTranspose2d " + name + ": channels and kernel size must be ≥ 1, got in="
                    + in + " out=" + out + " kernel=" + kernel);
        }
        if (in % spec.groups() != 0 || out % spec.groups() != 0) {
            throw new IllegalArgumentException("ConvTranspose2d " + name + ": " + spec.groups() + " groups must divide both "
                    + "channel counts, got in=" + in + " out=" + out);
        }
        if (outputPadding < 0 || outputPadding >= Math.max(spec.strideH(), spec.dilationH())
                || outputPadding >= Math.max(spec.strideW(), spec.dilationW())) {
            throw new IllegalArgumentException("ConvTranspose2d " + name + ": output padding " + outputPadding
                    + " must be ≥ 0 and below the stride or the dilation (" + spec + ")");
        }
        this.name = name;
        this.spec = spec;
        this.outputPadding = outputPadding;
        double bound = 1 / Math.sqrt(out / spec.groups() * kernel * kernel);
        this.weight = new Parameter(name + ".weight",
                init.uniform(-bound, bound, dtype, in, out / spec.groups(), kernel, kernel));
        this.bias = bias ? new Parameter(name + ".bias", init.uniform(-bound, bound, dtype, out)) : null;
    }

    /**
     * The transposed convolution of {@code x: [N, C_in, H, W]}, plus the bias.
     *
     * @throws IllegalArgumentException naming this layer and the shapes if {@code x} is not {@code [N, C_in, H, W]}
     */
    @Override
    public Var forward(Var x) {
        Var w = weight.var();
        if (x.rank() != 4 || x.size(1) != w.size(0)) {
            throw new IllegalArgumentException("ConvTranspose2d " + name + ": input " + Shapes.format(x.shape())
                    + " should be [N, " + w.size(0) + ", H, W]");
        }
        Var y = x.convTranspose2d(w, spec, outputPadding, outputPadding);
        return bias == null ? y : y.add(bias.var().reshape(1, -1, 1, 1));
    }

    /** The weight {@code [C_in, C_out/G, k, k]}. */
    public Parameter weight() {
        return weight;
    }

    /** {@code [weight, bias]}, or {@code [weight]} without a bias. */
    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }
}
