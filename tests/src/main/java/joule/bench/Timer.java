package joule.bench;

import java.util.ArrayList;
import java.util.List;
import joule.tensor.Tensor;

/**
 * Times a {@link Workload}: untimed warm-up for some seconds (at least two steps), then repetitions
 * of a fixed number of steps, chosen so that one lasts at least the asked time, each ended by reading
 * one element of the last step's result to the host (on a GPU: after all queued work has finished).
 * Host clocks only, after that read.
 */
final class Timer {
    /** One timed repetition: its steps and seconds, and the throughput in the workload's unit. */
    record Rep(int steps, double seconds, double value) {
    }

    private Timer() {
    }

    /** {@code reps} repetitions of at least {@code minSeconds} each, after {@code warmupSeconds} of warm-up. */
    static List<Rep> run(Workload w, int reps, double minSeconds, double warmupSeconds) {
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < 2 || System.nanoTime() < warmEnd; i++) {
            finish(w.step().get());
        }
        int steps = 1;
        while (time(w, steps) < minSeconds) {
            steps *= 2;
        }
        List<Rep> out = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            double seconds = time(w, steps);
            out.add(new Rep(steps, seconds, w.workPerStep() * steps / seconds));
        }
        return out;
    }

    private static double time(Workload w, int steps) {
        long start = System.nanoTime();
        Tensor last = w.step().get();
        for (int i = 1; i < steps; i++) {
            last = w.step().get();
        }
        finish(last);
        return (System.nanoTime() - start) / 1e9;
    }

    /** Reads one element to the host: the host waits until the device has computed it. */
    private static void finish(Tensor result) {
        result.flatten().get(0);
    }

    /** The median of the repetitions' throughputs. */
    static double median(List<Rep> reps) {
        double[] v = reps.stream().mapToDouble(Rep::value).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
