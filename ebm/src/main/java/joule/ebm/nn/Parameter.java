package joule.ebm.nn;

import joule.autograd.Var;
import joule.tensor.Tensor;

/**
 * A named, learnable tensor: a mutable holder of a leaf {@link Var}. Modules read {@link #var()}
 * in their forward pass; after {@code loss.backward()} the gradient is in {@link #grad()}; an
 * optimizer replaces the value with {@link #set(Tensor)}, which starts a fresh leaf (so no graph
 * survives a step).
 */
public final class Parameter {
    private final String name;
    private Var var;

    /** A parameter with an initial value. */
    public Parameter(String name, Tensor value) {
        this.name = name;
        this.var = Var.leaf(value);
    }

    /** The name, unique within its module ({@code "layers.0.weight"}). */
    public String name() {
        return name;
    }

    /** The current leaf, to use in a forward pass. */
    public Var var() {
        return var;
    }

    /** The current value. */
    public Tensor value() {
        return var.value();
    }

    /** The accumulated gradient, or null before any backward pass since the last {@link #set} or {@link #zeroGrad}. */
    public Tensor grad() {
        return var.grad();
    }

    /** Replaces the value (same shape and dtype), dropping the gradient. */
    public void set(Tensor value) {
        if (!java.util.Arrays.equals(value.shape(), var.shape()) || value.dtype() != var.dtype()) {
            throw new IllegalArgumentException("parameter " + name + ": new value " + joule.tensor.Shapes.format(value.shape())
                    + " " + value.dtype() + " does not match " + joule.tensor.Shapes.format(var.shape()) + " " + var.dtype());
        }
        this.var = Var.leaf(value);
    }

    /** Clears the gradient. */
    public void zeroGrad() {
        var.zeroGrad();
    }

    @Override
    public String toString() {
        return "Parameter(" + name + ", " + joule.tensor.Shapes.format(var.shape()) + ", " + var.dtype() + ")";
    }
}
