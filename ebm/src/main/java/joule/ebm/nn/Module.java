package joule.ebm.nn;

import java.util.List;
import joule.tensor.Device;

/**
 * A piece of a model with learnable {@link Parameter}s (the parameter registry). Names follow
 * PyTorch's {@code state_dict} ({@code "layers.0.weight"}), so checkpoints map one to one.
 */
public interface Module {
    /** All parameters, in a fixed order, with unique names. */
    List<Parameter> parameters();

    /**
     * Moves every parameter to {@code device} ({@link Parameter#to}), and whatever else the module
     * computes with; do it before creating an optimizer for the parameters.
     */
    default void to(Device device) {
        for (Parameter p : parameters()) {
            p.to(device);
        }
    }

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
