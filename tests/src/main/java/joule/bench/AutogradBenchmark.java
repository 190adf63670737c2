package joule.bench;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import joule.autograd.Functional;
import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Derivatives of an MLP energy {@code E: [B, D] → [B]}, {@code D → 128 → 128 → 1} with SiLU,
 * float32, with respect to its input {@code x}, as score matching needs them:
 * <ul>
 *   <li>{@link #grad}: {@code ∇_x Σ_b E(x_b)} (the score of every sample), one forward and one
 *       backward pass, batch 256;</li>
 *   <li>{@link #hvp}: one Hessian-vector product of the batch sum, batch 256 (a gradient recorded
 *       with createGraph, then a backward pass through it);</li>
 *   <li>{@link #hessianTrace}: the exact trace {@code tr ∇²_x E} per sample, {@code D}
 *       Hessian-vector products through one recorded gradient. Batch 256, except 64 at
 *       {@code D = 784} (784 HVPs of a [256, 784] batch would take several seconds per call);
 *       compare per-sample costs across {@code D} with that in mind.</li>
 * </ul>
 * Times are per call, in milliseconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class AutogradBenchmark {
    static final int BATCH = 256;
    static final int TRACE_BATCH_784 = 64;
    static final int HIDDEN = 128;

    @Param({"2", "16", "64", "784"})
    int d;

    Function<Var, Var> energy;
    Function<Var, Var> batchEnergy;
    Tensor x;
    Tensor v;
    Tensor xTrace;

    @Setup
    public void setup() {
        RandomStream rng = new RandomStream(3);
        Var w1 = Var.constant(rng.normal(DType.FLOAT32, d, HIDDEN).mul(1 / Math.sqrt(d)));
        Var b1 = Var.constant(rng.normal(DType.FLOAT32, HIDDEN).mul(0.1));
        Var w2 = Var.constant(rng.normal(DType.FLOAT32, HIDDEN, HIDDEN).mul(1 / Math.sqrt(HIDDEN)));
        Var b2 = Var.constant(rng.normal(DType.FLOAT32, HIDDEN).mul(0.1));
        Var w3 = Var.constant(rng.normal(DType.FLOAT32, HIDDEN, 1).mul(1 / Math.sqrt(HIDDEN)));
        energy = in -> in.matmul(w1).add(b1).silu().matmul(w2).add(b2).silu().matmul(w3).squeeze(1);
        batchEnergy = in -> energy.apply(in).sum();
        x = rng.normal(DType.FLOAT32, BATCH, d);
        v = rng.normal(DType.FLOAT32, BATCH, d);
        xTrace = d == 784 ? x.narrow(0, 0, TRACE_BATCH_784).contiguous() : x;
    }

    @Benchmark
    public Tensor grad() {
        return Functional.valueAndGrad(batchEnergy, x).grad();
    }

    @Benchmark
    public Tensor hvp() {
        return Functional.hvp(batchEnergy, x, v);
    }

    @Benchmark
    public Tensor hessianTrace() {
        return Functional.hessianTrace(energy, xTrace);
    }
}
