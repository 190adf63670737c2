package joule.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import joule.tensor.cpu.GemmF32;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Square float32 matrix multiply {@code C = A·B} (row-major n×n) through {@link GemmF32}, on the CPU backend's pool
 * ({@code sgemm}) and on one thread ({@code OneThread.sgemm}, {@code -Djoule.threads=1}). Throughput mode: the
 * primary score is products per second, and the {@code gflop} counter is GFLOP/s (2n³ flops per product).
 * {@code sgemv} is the matrix-vector product {@code A·b} (b = B's first column, contiguous), which runs as one dot
 * product per row of A (2n² flops).
 *
 * <pre>
 * mvn -q -B -Pbench -pl tests -am package -DskipTests
 * java --add-modules jdk.incubator.vector -jar tests/target/benchmarks.jar Sgemm -f 1 -wi 3 -i 5
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Benchmark)
public class SgemmBenchmark {
    @Param({"256", "1024", "2048"})
    public int n;

    private float[] a;
    private float[] b;
    private float[] c;
    private float[] column;

    /** Floating-point operations done, reported per second: GFLOP/s. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Flops {
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() {
            gflop = 0;
        }
    }

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        a = new float[n * n];
        b = new float[n * n];
        c = new float[n * n];
        for (int i = 0; i < n * n; i++) {
            a[i] = (float) (2 * random.nextDouble() - 1);
            b[i] = (float) (2 * random.nextDouble() - 1);
        }
        column = new float[n];
        for (int i = 0; i < n; i++) {
            column[i] = b[i * n];
        }
    }

    @Benchmark
    public float[] sgemm(Flops flops) {
        GemmF32.multiply(n, n, n, a, 0, n, 1, b, 0, n, 1, c, 0, n);
        flops.gflop += 2e-9 * n * n * n;
        return c;
    }

    @Benchmark
    public float[] sgemv(Flops flops) {
        GemmF32.multiply(n, 1, n, a, 0, n, 1, column, 0, 1, 1, c, 0, 1);
        flops.gflop += 2e-9 * n * n;
        return c;
    }

    /** The same products on one thread. */
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-Djoule.threads=1"})
    @State(Scope.Benchmark)
    public static class OneThread extends SgemmBenchmark {
    }
}
