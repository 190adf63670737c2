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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sums of a float32 {@code [4096, 1024]} tensor (16 MiB): over everything, over rows (the
 * contiguous axis) and over columns (the leading axis), the largest element of each row, and
 * logsumexp over rows. Bandwidth = 16 MiB / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class ReductionBenchmark {
    Tensor x;

    @Setup
    public void setup() {
        x = new RandomStream(2).normal(DType.FLOAT32, 4096, 1024);
    }

    @Benchmark
    public Tensor sumAll() {
        return x.sum();
    }

    @Benchmark
    public Tensor sumLastAxis() {
        return x.sum(1);
    }

    @Benchmark
    public Tensor sumFirstAxis() {
        return x.sum(0);
    }

    @Benchmark
    public Tensor maxLastAxis() {
        return x.max(1);
    }

    @Benchmark
    public Tensor logsumexpLastAxis() {
        return x.logsumexp(1);
    }
}
