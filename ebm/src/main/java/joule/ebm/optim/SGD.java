package joule.ebm.optim;

import java.util.List;
import java.util.Map;
import joule.ebm.io.StateDict;
import joule.ebm.nn.Parameter;
import joule.tensor.Tensor;

/**
 * Stochastic gradient descent with momentum, exactly PyTorch's {@code torch.optim.SGD} with
 * {@code dampening = 0}: for each parameter {@code θ} with gradient {@code g},
 * <pre>
 *   g ← g + λθ                                    (weight decay λ, added to the gradient)
 *   b ← g on the first step, else μb + g          (momentum buffer, when μ ≠ 0)
 *   g ← g + μb if nesterov, else b
 *   θ ← θ − lr·g
 * </pre>
 */
public final class SGD extends BaseOptimizer {
    private final double momentum;
    private final double weightDecay;
    private final boolean nesterov;
    private final Tensor[] buffers;

    /** Plain SGD {@code θ ← θ − lr·g}. */
    public SGD(List<Parameter> parameters, double lr) {
        this(parameters, lr, 0, 0, false);
    }

    /**
     * @param momentum    {@code μ ≥ 0}
     * @param weightDecay {@code λ ≥ 0}
     * @param nesterov    Nesterov momentum; needs {@code μ > 0}
     */
    public SGD(List<Parameter> parameters, double lr, double momentum, double weightDecay, boolean nesterov) {
        super("SGD", parameters, lr);
        this.momentum = atLeastZero("momentum", momentum);
        this.weightDecay = atLeastZero("weight decay", weightDecay);
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0");
        }
        this.nesterov = nesterov;
        this.buffers = new Tensor[parameters.size()];
    }

    /** {@code lr} and {@code momentum_buffer.<name>} (PyTorch's slot name). */
    @Override
    public StateDict stateDict() {
        return stateDict(Map.of("momentum_buffer", buffers), Map.of());
    }

    @Override
    public void loadStateDict(StateDict state) {
        loadSlot(state, "momentum_buffer", buffers);
    }

    @Override
    void update(int index, Parameter p, Tensor grad) {
        Tensor g = weightDecay != 0 ? grad.add(p.value().mul(weightDecay)) : grad;
        if (momentum != 0) {
            Tensor b = buffers[index] == null ? g : buffers[index].mul(momentum).add(g);
            buffers[index] = b;
            g = nesterov ? g.add(b.mul(momentum)) : b;
        }
        p.set(p.value().sub(g.mul(learningRate())));
    }

    @Override
    List<Tensor> state(int index) {
        return buffers[index] == null ? List.of() : List.of(buffers[index]);
    }
}
