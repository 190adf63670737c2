package joule.ebm.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import joule.ebm.data.ToyDataset;
import joule.ebm.loss.Projection;
import joule.ebm.loss.SlicedScoreMatching;
import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.ebm.nn.NeuralEnergy;
import joule.ebm.optim.Adam;
import joule.ebm.optim.Optimizer;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.tensor.cpu.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code joule bench}: a few timings that show whether this machine runs Joule as fast as it should. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        header = "Times sgemm, an elementwise chain and an SSM training step.",
        description = {"Times a small built-in suite on --device and prints a table of medians (after warming up "
                + "each benchmark, so the JIT has compiled it; each run ends by reading a result back to the host, so "
                + "work queued on a GPU is counted): "
                + "sgemm 256 and 1024 through Tensor.matmul (GFLOP/s), an elementwise chain exp(x·y + z) over 4M "
                + "floats (GB/s moved by its three ops), and one SSM-VR training step of an MLP energy "
                + "2→128→128→1 on a batch of 256 (ms).",
                "Careful per-kernel benchmarks are the JMH suite in the tests module: "
                        + "mvn -B -Pbench -pl tests -am package -DskipTests, then "
                        + "java --add-modules jdk.incubator.vector -jar tests/target/benchmarks.jar"})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--repetitions", paramLabel = "N", defaultValue = "7", description = "Timed runs of each benchmark.")
    int repetitions;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "2",
            description = "Untimed runs of each benchmark for this long first (at least one run).")
    double warmup;

    @Mixin
    DeviceArgs device;

    @Override
    public Integer call() {
        if (repetitions < 1 || !(warmup >= 0)) {
            throw new CliException("need --repetitions ≥ 1 and --warmup ≥ 0, got " + repetitions + " and " + warmup);
        }
        Device on = device.checked();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s, %d threads (-Djoule.threads), medians of %d runs after %.3g s of warm-up each%n%n",
                on, Parallel.THREADS, repetitions, warmup);
        out.printf(Locale.ROOT, "%-40s %-16s %10s  %s%n", "benchmark", "size", "median", "unit");
        RandomStream rng = new RandomStream(0, 0, on);
        for (int n : new int[] {256, 1024}) {
            Tensor a = rng.uniform(DType.FLOAT32, n, n);
            Tensor b = rng.uniform(DType.FLOAT32, n, n);
            double s = median(() -> a.matmul(b));
            row(out, "sgemm, Tensor.matmul float32", n + "×" + n + "×" + n, 2.0 * n * n * n / s / 1e9, "GFLOP/s");
        }
        int count = 1 << 22;
        Tensor x = rng.normal(DType.FLOAT32, count);
        Tensor y = rng.normal(DType.FLOAT32, count);
        Tensor z = rng.normal(DType.FLOAT32, count);
        double s = median(() -> x.mul(y).add(z).exp());
        row(out, "elementwise exp(x·y + z), float32", "4M", 8.0 * Float.BYTES * count / s / 1e9, "GB/s");
        row(out, "SSM-VR step, MLP 2→128→128→1", "batch 256", ssmStep(on) * 1e3, "ms");
        out.flush();
        return 0;
    }

    /** Seconds per SSM-VR training step (loss, backward, Adam) on {@code on}. */
    private double ssmStep(Device on) {
        Tensor data = ToyDataset.TWO_MOONS.sample(256, DType.FLOAT32, new RandomStream(1, 0, on));
        NeuralEnergy energy = new MLP(Activation.SILU, DType.FLOAT32, new RandomStream(2, 0, on), 2, 128, 128, 1)
                .asEnergy();
        SlicedScoreMatching loss = new SlicedScoreMatching(energy, 1, Projection.RADEMACHER, true);
        Optimizer adam = new Adam(loss.parameters(), 2e-3);
        RandomStream rng = new RandomStream(3);
        return median(() -> {
            adam.zeroGrad();
            loss.compute(data, rng).backward();
            adam.step();
            return adam.parameters().getFirst().value();
        });
    }

    /**
     * Median seconds of {@link #repetitions} runs of {@code work} after running it for {@link #warmup}
     * seconds; each run ends when one element of the tensor it returns has been read to the host.
     */
    private double median(Supplier<Tensor> work) {
        long warm = System.nanoTime() + (long) (warmup * 1e9);
        do {
            work.get().flatten().get(0);
        } while (System.nanoTime() < warm);
        double[] t = new double[repetitions];
        for (int i = 0; i < repetitions; i++) {
            long start = System.nanoTime();
            work.get().flatten().get(0);
            t[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(t);
        return repetitions % 2 == 1 ? t[repetitions / 2] : (t[repetitions / 2 - 1] + t[repetitions / 2]) / 2;
    }

    private static void row(PrintWriter out, String name, String size, double value, String unit) {
        out.printf(Locale.ROOT, "%-40s %-16s %10.3g  %s%n", name, size, value, unit);
    }
}
