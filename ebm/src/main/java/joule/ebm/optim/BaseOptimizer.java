package joule.ebm.optim;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import joule.ebm.nn.Parameter;
import joule.tensor.Tensor;

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

    @Override
    public final void step() {
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            Tensor g = p.grad();
            if (g != null) {
                update(i, p, g);
            }
        }
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
