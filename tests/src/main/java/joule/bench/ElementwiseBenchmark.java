package joule.bench;

import java.util.concurrent.TimeUnit;
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
 * An elementwise chain as in an MLP layer's forward pass, {@code silu(x * w + b)} with {@code b}
 * broadcast over rows, on float32 {@code [rows, 1024]}: three ops, each reading and writing the
 * whole tensor. Bandwidth = bytes read and written by the three ops / time. Single ops with
 * transcendental lanes ({@code exp}, {@code tanh}, {@code silu}; {@code exp} also in float64) and
 * one without ({@code add}) for comparison.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class ElementwiseBenchmark {
    @Param({"64", "1024"})
    int rows;

    Tensor x;
    Tensor w;
    Tensor b;
    Tensor x64;

    @Setup
    public void setup() {
        RandomStream rng = new RandomStream(1);
        x = rng.normal(DType.FLOAT32, rows, 1024);
        x64 = x.to(DType.FLOAT64);
        w = rng.normal(DType.FLOAT32, rows, 1024);
        b = rng.normal(DType.FLOAT32, 1024);
    }

    @Benchmark
    public Tensor mulAddSilu() {
        return x.mul(w).add(b).silu();
    }

    @Benchmark
    public Tensor exp() {
        return x.exp();
    }

    @Benchmark
    public Tensor expFloat64() {
        return x64.exp();
    }

    @Benchmark
    public Tensor tanh() {
        return x.tanh();
    }

    @Benchmark
    public Tensor silu() {
        return x.silu();
    }

    @Benchmark
    public Tensor add() {
        return x.add(w);
    }
}
