package joule.bench;

import java.util.function.Supplier;
import joule.tensor.Tensor;

/**
 * One step of a benchmark and how much work (in {@code unit}) it does. A step returns a tensor it
 * computed: reading one element of that to the host waits for the work a GPU has queued.
 */
record Workload(Supplier<Tensor> step, double workPerStep, String unit) {
}
