package joule.ebm.optim;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import joule.ebm.io.StateDict;
import joule.ebm.nn.Parameter;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import joule.tensor.Workspace;

/** The parameter list, learning rate and argument checks that the optimizers share. */
abstract class BaseOptimizer implements Optimizer {
    final String name;
    private final List<Parameter> parameters;
    private double lr;

    BaseOptimizer(String name, List<Parameter> parameters, double lr) {
        this.name = name;
        if (parameters == null) {
            throw new IllegalArgumentException(name + ": parameters must not be null");
        }
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException(name + ": empty parameter list");
        }
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Parameter p : parameters) {
            if (!seen.add(p)) {
                throw new IllegalArgumentException(name + ": parameter " + p.name() + " is listed twice");
            }
        }
        this.parameters = List.copyOf(parameters);
        setLearningRate(lr);
    }

    /** Updates parameter {@code index} from its non-null gradient, which has the parameter's shape and dtype. */
    abstract void update(int index, Parameter p, Tensor grad);

    /**
     * Updates every parameter that has a gradient. The new values and the optimizer's state outlive a
     * {@link Workspace} scope the step runs in ({@link Workspace#keep}); its temporaries don't.
     */
    @Override
    public final void step() {
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            Tensor g = p.grad();
            if (g != null) {
                update(i, p, g);
                Workspace.keep(p.value());
                state(i).forEach(Workspace::keep);
            }
        }
    }

    /** The state kept for parameter {@code index} between steps (none by default). */
    List<Tensor> state(int index) {
        return List.of();
    }

    @Override
    public final double learningRate() {
        return lr;
    }

    @Override
    public final void setLearningRate(double lr) {
        this.lr = atLeastZero("learning rate", lr);
    }

    @Override
    public final List<Parameter> parameters() {
        return parameters;
    }

    /** The learning rate as {@code "lr"} and each slot's tensors as {@code "<slot>.<parameter name>"} (absent while null). */
    final StateDict stateDict(Map<String, Tensor[]> slots, Map<String, String> values) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        slots.forEach((slot, held) -> {
            for (int i = 0; i < parameters.size(); i++) {
                if (held[i] != null) {
                    tensors.put(slot + "." + parameters.get(i).name(), held[i]);
                }
            }
        });
        Map<String, String> all = new LinkedHashMap<>();
        all.put("lr", Double.toString(lr));
        all.putAll(values);
        return new StateDict(tensors, all);
    }

    /** Restores the learning rate and fills {@code into} with the slot's tensors from {@code state}, each on its parameter's device. */
    final void loadSlot(StateDict state, String slot, Tensor[] into) {
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            Tensor t = state.tensors().get(slot + "." + p.name());
            if (t != null && (!Arrays.equals(t.shape(), p.value().shape()) || t.dtype() != p.value().dtype())) {
                throw new IllegalArgumentException(name + ": state " + slot + "." + p.name() + " is "
                        + Shapes.format(t.shape()) + " " + t.dtype() + ", the parameter "
                        + Shapes.format(p.value().shape()) + " " + p.value().dtype());
            }
            into[i] = t == null ? null : t.to(p.value().device());
        }
        setLearningRate(state.number("lr"));
    }

    /** {@code value}, checked to be {@code ≥ 0} (and not NaN). */
    final double atLeastZero(String what, double value) {
        if (!(value >= 0)) {
            throw new IllegalArgumentException(name + ": " + what + " must be ≥ 0, got " + value);
        }
        return value;
    }

    /** {@code value}, checked to be in {@code [0, 1)}. */
    final double inUnitInterval(String what, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + ": " + what + " must be in [0, 1), got " + value);
        }
        return value;
    }
}
