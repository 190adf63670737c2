package joule.bench;

import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
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
 * The convolutions of a small U-Net on Fashion-MNIST, batch 128, float32, through the CPU backend: the forward pass
 * ({@code conv2d}), the input gradient ({@code conv2dTranspose}) and the weight gradient ({@code conv2dWeightGrad}).
 * A layer is {@code [C]x[H]to[O]k[k]s[s]}: input {@code [128, C, H, H]}, weight {@code [O, C, k, k]}, stride s,
 * padding ⌊k/2⌋. Throughput mode: the primary score is ops per second, and the {@code gflop} counter is GFLOP/s
 * ({@code 2·N·O·Ho·Wo·C·k²} flops per op, the same for all three). Outputs are fresh tensors, as in training.
 * {@code OneThread} runs on one thread; {@code ScalarKernels} on the direct loops (the oracle; slow: pick one layer).
 *
 * <pre>
 * mvn -q -B -Pbench -pl tests -am package -DskipTests
 * java --add-modules jdk.incubator.vector -jar tests/target/benchmarks.jar 'ConvBenchmark\.(forward|inputGrad|weightGrad)' -f 1 -wi 2 -i 3
 * java --add-modules jdk.incubator.vector -jar tests/target/benchmarks.jar ConvBenchmark.ScalarKernels.forward -p layer=64x14to64k3s1 -f 1 -wi 1 -i 2
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-Xms4g", "-Xmx4g",
        "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class ConvBenchmark {
    private static final Pattern LAYER = Pattern.compile("(\\d+)x(\\d+)to(\\d+)k(\\d+)s(\\d+)");
    private static final int BATCH = 128;

    @Param({"32x28to32k3s1", "32x28to64k3s1", "64x14to64k3s1", "128x7to128k3s1", "32x28to64k3s2", "64x14to128k3s2",
            "64x28to32k1s1", "128x7to128k1s1"})
    public String layer;

    private Tensor x;
    private Tensor w;
    private Tensor g;
    private Conv2dSpec spec;
    private int side;
    private int kernel;
    private double gflop;

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
        Matcher m = LAYER.matcher(layer);
        if (!m.matches()) {
            throw new IllegalArgumentException("layer must be [C]x[H]to[O]k[k]s[s], got " + layer);
        }
        int c = Integer.parseInt(m.group(1));
        side = Integer.parseInt(m.group(2));
        int o = Integer.parseInt(m.group(3));
        kernel = Integer.parseInt(m.group(4));
        spec = Conv2dSpec.of(Integer.parseInt(m.group(5)), kernel / 2);
        RandomStream rng = new RandomStream(42);
        x = rng.normal(DType.FLOAT32, BATCH, c, side, side);
        w = rng.normal(DType.FLOAT32, o, c, kernel, kernel);
        int out = spec.outHeight(side, kernel);
        g = rng.normal(DType.FLOAT32, BATCH, o, out, out);
        gflop = 2e-9 * BATCH * o * out * out * c * kernel * kernel;
    }

    @Benchmark
    public Tensor forward(Flops flops) {
        flops.gflop += gflop;
        return x.conv2d(w, spec);
    }

    @Benchmark
    public Tensor inputGrad(Flops flops) {
        flops.gflop += gflop;
        return g.conv2dTranspose(w, spec, side, side);
    }

    @Benchmark
    public Tensor weightGrad(Flops flops) {
        flops.gflop += gflop;
        return x.conv2dWeightGrad(g, spec, kernel, kernel);
    }

    /** The same convolutions on one thread. */
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-Xms4g", "-Xmx4g",
            "-XX:+AlwaysPreTouch", "-Djoule.threads=1"})
    @State(Scope.Benchmark)
    public static class OneThread extends ConvBenchmark {
    }

    /** The same convolutions on the direct loops ({@code -Djoule.cpu.kernels=scalar}), for contrast. */
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-Xms4g", "-Xmx4g",
            "-XX:+AlwaysPreTouch", "-Djoule.cpu.kernels=scalar"})
    @State(Scope.Benchmark)
    public static class ScalarKernels extends ConvBenchmark {
    }
}
