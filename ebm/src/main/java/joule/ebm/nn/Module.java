package joule.ebm.nn;

import java.util.List;

/**
 * A piece of a model with learnable {@link Parameter}s (the parameter registry). Names follow
 * PyTorch's {@code state_dict} ({@code "layers.0.weight"}), so checkpoints map one to one.
 */
public interface Module {
    /** All parameters, in a fixed order, with unique names. */
    List<Parameter> parameters();

    /** Clears every parameter's gradient. */
    default void zeroGrad() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
    }

    /** Total number of scalar parameters. */
    default long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.value().numel();
        }
        return n;
    }
}
