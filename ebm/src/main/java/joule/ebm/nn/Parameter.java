package joule.ebm.nn;

import java.util.Arrays;
import joule.autograd.Var;
import joule.tensor.Device;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * A named, learnable tensor: a mutable holder of a leaf {@link Var}. Modules read {@link #var()}
 * in their forward pass; after {@code loss.backward()} the gradient is in {@link #grad()}; an
 * optimizer replaces the value with {@link #set(Tensor)}, which starts a fresh leaf (so no graph
 * survives a step). A parameter lives on one device; only {@link #to(Device)} moves it.
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

    /** The current Var (a leaf, unless {@link #bind bound}), to use in a forward pass. */
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

    /** Replaces the value (same shape, dtype and device), dropping the gradient. */
    public void set(Tensor value) {
        checkMatches("new value", value);
        this.var = Var.leaf(value);
    }

    /**
     * Moves the value to {@code device} (nothing happens if it is there), dropping the gradient.
     * Move parameters before an optimizer keeps state for them: its state stays where it was made.
     */
    public void to(Device device) {
        if (device != value().device()) {
            this.var = Var.leaf(value().to(device));
        }
    }

    /**
     * Uses {@code v} (same shape, dtype and device) as this parameter in later forward passes: a functional
     * call, so that a module's output can be differentiated by its parameters as inputs (gradient
     * checks, derivatives of a loss by {@code θ} of any order). {@link #grad()} is then {@code v}'s.
     */
    public void bind(Var v) {
        checkMatches("bound Var", v.value());
        this.var = v;
    }

    /** Replaces the accumulated gradient (same shape, dtype and device), as gradient clipping does. */
    public void setGrad(Tensor g) {
        checkMatches("gradient", g);
        var.setGrad(g);
    }

    private void checkMatches(String what, Tensor t) {
        Tensor v = value();
        if (!Arrays.equals(t.shape(), v.shape()) || t.dtype() != v.dtype() || t.device() != v.device()) {
            throw new IllegalArgumentException("parameter " + name + ": " + what + " " + describe(t)
                    + " does not match " + describe(v) + (t.device() != v.device() ? " (move it with to(Device))" : ""));
        }
    }

    private static String describe(Tensor t) {
        return Shapes.format(t.shape()) + " " + t.dtype() + " on " + t.device();
    }

    /** Clears the gradient. */
    public void zeroGrad() {
        var.zeroGrad();
    }

    @Override
    public String toString() {
        return "Parameter(" + name + ", " + Shapes.format(var.shape()) + ", " + var.dtype() + ", " + value().device() + ")";
    }
}
