package joule.ebm.optim;

/**
 * A learning rate for each optimizer step {@code t = 0, 1, 2, …} (step {@code t} is the
 * {@code (t+1)}-th update). Drive an optimizer with {@link ScheduledOptimizer}.
 */
@FunctionalInterface
public interface LearningRateSchedule {
    /** The learning rate of step {@code step ≥ 0}. */
    double rate(int step);

    /** {@code lr} at every step. */
    static LearningRateSchedule constant(double lr) {
        atLeastZero("constant", "lr", lr);
        return step -> {
            checked(step);
            return lr;
        };
    }

    /** {@code lr·γ^⌊t/every⌋}: multiplied by {@code γ} every {@code every} steps (PyTorch's {@code StepLR}). */
    static LearningRateSchedule step(double lr, double gamma, int every) {
        atLeastZero("step", "lr", lr);
        if (!(gamma > 0) || every < 1) {
            throw new IllegalArgumentException("step schedule: need gamma > 0 and every ≥ 1, got gamma=" + gamma
                    + " every=" + every);
        }
        return step -> lr * Math.pow(gamma, Math.floorDiv(checked(step), every));
    }

    /**
     * Cosine decay from {@code lr} at step 0 to {@code floor} at step {@code steps}, then constant:
     * {@code floor + (lr − floor)(1 + cos(π t / steps)) / 2} (PyTorch's {@code CosineAnnealingLR}
     * with {@code η_min = floor}, up to {@code T_max = steps}).
     */
    static LearningRateSchedule cosine(double lr, double floor, int steps) {
        atLeastZero("cosine", "floor", floor);
        if (!(lr >= floor) || steps < 1) {
            throw new IllegalArgumentException("cosine schedule: need lr ≥ floor ≥ 0 and steps ≥ 1, got lr=" + lr
                    + " floor=" + floor + " steps=" + steps);
        }
        return step -> {
            int t = Math.min(checked(step), steps);
            return floor + (lr - floor) * (1 + Math.cos(Math.PI * t / steps)) / 2;
        };
    }

    /**
     * Linear warm-up over {@code warmupSteps} steps, then {@code after}, which starts at its own step 0:
     * {@code after(0)·(t + 1)/warmupSteps} for {@code t < warmupSteps}, else {@code after(t − warmupSteps)}.
     */
    static LearningRateSchedule warmup(int warmupSteps, LearningRateSchedule after) {
        if (warmupSteps < 1) {
            throw new IllegalArgumentException("warmup schedule: warmupSteps must be ≥ 1, got " + warmupSteps);
        }
        return step -> checked(step) < warmupSteps
                ? after.rate(0) * (step + 1) / warmupSteps
                : after.rate(step - warmupSteps);
    }

    private static int checked(int step) {
        if (step < 0) {
            throw new IllegalArgumentException("LearningRateSchedule: step must be ≥ 0, got " + step);
        }
        return step;
    }

    private static void atLeastZero(String schedule, String what, double value) {
        if (!(value >= 0)) {
            throw new IllegalArgumentException(schedule + " schedule: " + what + " must be ≥ 0, got " + value);
        }
    }
}
