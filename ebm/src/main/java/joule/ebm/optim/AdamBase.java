package joule.ebm.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import joule.ebm.io.StateDict;
import joule.ebm.nn.Parameter;
import joule.tensor.Tensor;

/** The Adam update shared by {@link Adam} and {@link AdamW}; they differ only in how weight decay enters. */
abstract class AdamBase extends BaseOptimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;
    private final Tensor[] firstMoments;
    private final Tensor[] secondMoments;
    private final int[] steps;

    AdamBase(String name, List<Parameter> parameters, double lr, double beta1, double beta2, double eps,
             double weightDecay, boolean decoupled) {
        super(name, parameters, lr);
        this.beta1 = inUnitInterval("beta1", beta1);
        this.beta2 = inUnitInterval("beta2", beta2);
        this.eps = atLeastZero("eps", eps);
        this.weightDecay = atLeastZero("weight decay", weightDecay);
        this.decoupled = decoupled;
        this.firstMoments = new Tensor[parameters.size()];
        this.secondMoments = new Tensor[parameters.size()];
        this.steps = new int[parameters.size()];
    }

    /** {@code lr}, {@code exp_avg.<name>}, {@code exp_avg_sq.<name>} and {@code step.<name>} (PyTorch's slot names). */
    @Override
    public final StateDict stateDict() {
        Map<String, Tensor[]> slots = new LinkedHashMap<>();
        slots.put("exp_avg", firstMoments);
        slots.put("exp_avg_sq", secondMoments);
        Map<String, String> counts = new LinkedHashMap<>();
        for (int i = 0; i < steps.length; i++) {
            counts.put("step." + parameters().get(i).name(), Integer.toString(steps[i]));
        }
        return stateDict(slots, counts);
    }

    @Override
    public final void loadStateDict(StateDict state) {
        loadSlot(state, "exp_avg", firstMoments);
        loadSlot(state, "exp_avg_sq", secondMoments);
        for (int i = 0; i < steps.length; i++) {
            steps[i] = Math.toIntExact(state.integer("step." + parameters().get(i).name()));
            if ((steps[i] > 0) != (firstMoments[i] != null && secondMoments[i] != null)) {
                throw new IllegalArgumentException(name + ": state of " + parameters().get(i).name()
                        + " has moments that don't fit its step count " + steps[i]);
            }
        }
    }

    @Override
    final void update(int index, Parameter p, Tensor grad) {
        double lr = learningRate();
        Tensor theta = p.value();
        Tensor g = grad;
        if (weightDecay != 0) {
            if (decoupled) {
                theta = theta.mul(1 - lr * weightDecay);
            } else {
                g = g.add(theta.mul(weightDecay));
            }
        }
        // the moments start at 0, so the first step's are (1 − β)·g and (1 − β)·g²
        Tensor m = g.mul(1 - beta1);
        Tensor v = g.square().mul(1 - beta2);
        if (firstMoments[index] != null) {
            m = firstMoments[index].mul(beta1).add(m);
            v = secondMoments[index].mul(beta2).add(v);
        }
        firstMoments[index] = m;
        secondMoments[index] = v;
        int t = ++steps[index];
        double stepSize = lr / (1 - Math.pow(beta1, t));
        Tensor denominator = v.sqrt().div(Math.sqrt(1 - Math.pow(beta2, t))).add(eps);
        p.set(theta.sub(m.div(denominator).mul(stepSize)));
    }

    @Override
    List<Tensor> state(int index) {
        return List.of(firstMoments[index], secondMoments[index]);
    }
}
