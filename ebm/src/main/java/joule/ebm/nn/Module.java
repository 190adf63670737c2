package joule.ebm.nn;

import java.util.ArrayList;
import java.util.List;
import joule.tensor.Device;

/**
 * A piece of a model with learnable {@link Parameter}s (the parameter registry) and, where it has
 * any, buffers: non-trainable state saved with them. Names follow PyTorch's {@code state_dict}
 * ({@code "layers.0.weight"}), so checkpoints map one to one.
 */
public interface Module {
    /** All parameters, in a fixed order, with unique names. */
    List<Parameter> parameters();

    /**
     * Non-trainable state that a checkpoint saves with the parameters (PyTorch's buffers), such as fixed
     * random frequencies or power-iteration vectors: optimizers never see them and forward passes read
     * them as constants. None by default.
     */
    default List<Parameter> buffers() {
        return List.of();
    }

    /** What a checkpoint saves and restores: the parameters, then the buffers (PyTorch's {@code state_dict}). */
    default List<Parameter> state() {
        List<Parameter> buffers = buffers();
        if (buffers.isEmpty()) {
            return parameters();
        }
        List<Parameter> all = new ArrayList<>(parameters());
        all.addAll(buffers);
        return List.copyOf(all);
    }

    /**
     * Moves every parameter and buffer to {@code device} ({@link Parameter#to}), and whatever else the
     * module computes with; do it before creating an optimizer for the parameters.
     */
    default void to(Device device) {
        for (Parameter p : state()) {
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
