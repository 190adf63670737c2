package joule.ebm.optim;

import java.util.List;
import joule.ebm.io.Stateful;
import joule.ebm.nn.Parameter;

/**
 * Updates parameters from their gradients. A training step reads: {@code zeroGrad()}, forward,
 * {@code loss.backward()}, {@code step()}. Updates are plain {@link joule.tensor.Tensor} ops that
 * replace each value with {@link Parameter#set}, so no graph is recorded and none survives a step.
 * Its {@link #stateDict()} (learning rate, per-parameter moments and step counts, under PyTorch's slot names)
 * lets a resumed run continue exactly; the parameters' values are not part of it.
 */
public interface Optimizer extends Stateful {
    /** Updates every parameter whose {@link Parameter#grad()} is non-null; the others (and their state) are left alone. */
    void step();

    /** Clears the gradients of all parameters. */
    default void zeroGrad() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
    }

    /** The learning rate the next {@link #step()} uses. */
    double learningRate();

    /** Sets the learning rate ({@code ≥ 0}) for the following steps (see {@link ScheduledOptimizer}). */
    void setLearningRate(double lr);

    /** The parameters, in the order given. */
    List<Parameter> parameters();
}
