package joule.ebm.nn;

import java.util.List;
import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;

/**
 * An affine layer {@code y = x Wᵀ + b}, laid out as PyTorch's {@code nn.Linear}: weight
 * {@code <name>.weight: [out, in]}, bias {@code <name>.bias: [out]}, so checkpoints map one to one.
 */
public final class Linear implements WeightedLayer {
    private final String name;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * A layer initialised as PyTorch does by default: weight, then bias, each drawn from
     * {@code U(−1/√in, 1/√in)} with {@code init} (so the same seed gives the same layer).
     *
     * @param name parameter-name prefix ({@code "layers.0"})
     */
    public Linear(String name, int in, int out, DType dtype, RandomStream init) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Linear " + name + ": sizes must be ≥ 1, got in=" + in + " out=" + out);
        }
        this.name = name;
        double bound = 1 / Math.sqrt(in);
        this.weight = new Parameter(name + ".weight", init.uniform(-bound, bound, dtype, out, in));
        this.bias = new Parameter(name + ".bias", init.uniform(-bound, bound, dtype, out));
    }

    /**
     * {@code x Wᵀ + b} for {@code x: [..., in]} (usually {@code [B, in]}), giving {@code [..., out]}, with
     * {@code weight} ({@code [out, in]}) as {@code W}; {@link #forward(Var)} uses the layer's own.
     */
    @Override
    public Var forward(Var x, Var weight) {
        if (x.rank() < 1 || x.size(-1) != inFeatures()) {
            throw new IllegalArgumentException("Linear " + name + ": input " + Shapes.format(x.shape())
                    + " should be [B, " + inFeatures() + "]");
        }
        return x.matmul(weight.mT()).add(bias.var());
    }

    /** Input size {@code in}. */
    public int inFeatures() {
        return weight.value().size(1);
    }

    /** Output size {@code out}. */
    public int outFeatures() {
        return weight.value().size(0);
    }

    /** The weight {@code [out, in]}. */
    @Override
    public Parameter weight() {
        return weight;
    }

    /** The bias {@code [out]}. */
    public Parameter bias() {
        return bias;
    }

    /** {@code [weight, bias]}. */
    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }
}
