package joule.ebm.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import joule.ebm.io.StateDict;
import joule.ebm.nn.Parameter;

/**
 * An optimizer whose learning rate follows a schedule: step {@code t} (counted from 0 by this
 * wrapper) sets the rate to {@code schedule.rate(t)} and then runs the wrapped optimizer's step.
 */
public final class ScheduledOptimizer implements Optimizer {
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private int steps;

    /** Drives {@code optimizer} by {@code schedule}, starting at step 0. */
    public ScheduledOptimizer(Optimizer optimizer, LearningRateSchedule schedule) {
        this.optimizer = optimizer;
        this.schedule = schedule;
    }

    @Override
    public void step() {
        optimizer.setLearningRate(schedule.rate(steps));
        optimizer.step();
        steps++;
    }

    /** Steps taken so far (the index of the next step). */
    public int stepCount() {
        return steps;
    }

    /** The rate the next step will use, {@code schedule.rate(stepCount())}. */
    @Override
    public double learningRate() {
        return schedule.rate(steps);
    }

    /** Not supported: the schedule sets the rate. */
    @Override
    public void setLearningRate(double lr) {
        throw new UnsupportedOperationException("ScheduledOptimizer: the learning rate comes from its schedule");
    }

    /** The wrapped optimizer's state (without its learning rate, which the schedule sets) and {@code schedule_step}. */
    @Override
    public StateDict stateDict() {
        StateDict inner = optimizer.stateDict();
        Map<String, String> values = new LinkedHashMap<>(inner.values());
        values.remove("lr");
        values.put("schedule_step", Integer.toString(steps));
        return new StateDict(inner.tensors(), values);
    }

    @Override
    public void loadStateDict(StateDict state) {
        Map<String, String> values = new LinkedHashMap<>(state.values());
        steps = Math.toIntExact(state.integer("schedule_step"));
        values.remove("schedule_step");
        values.put("lr", Double.toString(schedule.rate(steps)));
        optimizer.loadStateDict(new StateDict(state.tensors(), values));
    }

    @Override
    public List<Parameter> parameters() {
        return optimizer.parameters();
    }
}
