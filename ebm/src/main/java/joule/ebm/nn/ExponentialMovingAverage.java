package joule.ebm.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import joule.ebm.io.StateDict;
import joule.ebm.io.Stateful;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import joule.tensor.Workspace;

/**
 * An exponential moving average of a module's parameters, as score_sde and most diffusion code keep
 * for sampling: after each optimizer step {@link #update()} sets {@code θ̄ ← θ̄ − (1 − decay)(θ̄ − θ)};
 * {@link #swap()} exchanges {@code θ̄} and {@code θ} in the module (call it again to exchange them back),
 * and {@link #withAverages} runs something with {@code θ̄} swapped in. The averages start at the
 * parameters' values when this is made (make it after moving the module to its device) and are named
 * {@code <prefix><parameter name>}, so a checkpoint can save them with the model. With warm-up (score_sde's
 * {@code num_updates}), update {@code n} (counting from 1) uses {@code min(decay, (1 + n)/(10 + n))}, so that a short
 * run's average is not dominated by the initial weights ({@code 0.999^1000 ≈ 0.37} of them after 1000 plain updates).
 */
public final class ExponentialMovingAverage implements Stateful {
    private final List<Parameter> parameters;
    private final List<Parameter> averages;
    private final double decay;
    private final boolean warmup;
    private long updates;

    /** {@link #ExponentialMovingAverage(Module, double, String)} with the prefix {@code "ema."}. */
    public ExponentialMovingAverage(Module module, double decay) {
        this(module, decay, "ema.");
    }

    /** The average of {@code module}'s parameters with {@code 0 ≤ decay < 1} (score_sde uses 0.999 or 0.9999). */
    public ExponentialMovingAverage(Module module, double decay, String prefix) {
        this(module, decay, prefix, false);
    }

    /** The average of {@code module}'s parameters with {@code 0 ≤ decay < 1}, with the warm-up above when {@code warmup}. */
    public ExponentialMovingAverage(Module module, double decay, String prefix, boolean warmup) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("ExponentialMovingAverage: decay must be in [0, 1), got " + decay);
        }
        this.parameters = module.parameters();
        this.decay = decay;
        this.warmup = warmup;
        List<Parameter> copies = new ArrayList<>();
        for (Parameter p : parameters) {
            copies.add(new Parameter(prefix + p.name(), p.value()));
        }
        this.averages = List.copyOf(copies);
    }

    /** {@code θ̄ ← θ̄ − (1 − decay)(θ̄ − θ)} for every parameter (decay warmed up if asked); call it after each optimizer step. */
    public void update() {
        updates++;
        double d = warmup ? Math.min(decay, (1.0 + updates) / (10.0 + updates)) : decay;
        for (int i = 0; i < parameters.size(); i++) {
            Tensor average = averages.get(i).value();
            averages.get(i).set(Workspace.keep(average.sub(average.sub(parameters.get(i).value()).mul(1 - d))));
        }
    }

    /** Exchanges the averages and the module's parameter values (dropping the parameters' gradients). */
    public void swap() {
        for (int i = 0; i < parameters.size(); i++) {
            Tensor current = parameters.get(i).value();
            parameters.get(i).set(averages.get(i).value());
            averages.get(i).set(current);
        }
    }

    /** The result of {@code body} run with the averages in the module, whose own values are back afterwards. */
    public <T> T withAverages(Supplier<T> body) {
        swap();
        try {
            return body.get();
        } finally {
            swap();
        }
    }

    /** The averages {@code θ̄}, named {@code <prefix><parameter name>}, in the module's parameter order. */
    public List<Parameter> averages() {
        return averages;
    }

    /** The averages under their names and the number of updates so far ({@code "updates"}), which the warm-up reads. */
    @Override
    public StateDict stateDict() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Parameter a : averages) {
            tensors.put(a.name(), a.value());
        }
        return new StateDict(tensors, Map.of("updates", Long.toString(updates)));
    }

    @Override
    public void loadStateDict(StateDict state) {
        List<Tensor> values = new ArrayList<>();
        for (Parameter a : averages) {
            Tensor t = state.tensor(a.name());
            if (!Arrays.equals(t.shape(), a.value().shape()) || t.dtype() != a.value().dtype()) {
                throw new IllegalArgumentException("ExponentialMovingAverage: state " + a.name() + " is "
                        + Shapes.format(t.shape()) + " " + t.dtype() + ", the average " + Shapes.format(a.value().shape())
                        + " " + a.value().dtype());
            }
            values.add(t.to(a.value().device()));
        }
        long n = state.integer("updates");
        for (int i = 0; i < averages.size(); i++) {
            averages.get(i).set(values.get(i));
        }
        updates = n;
    }

    /** The decay. */
    public double decay() {
        return decay;
    }
}
