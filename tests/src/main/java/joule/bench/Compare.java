package joule.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import joule.ebm.loss.DenoisingScoreMatching;
import joule.ebm.loss.ExactScoreMatching;
import joule.ebm.loss.Loss;
import joule.ebm.loss.Projection;
import joule.ebm.loss.SlicedScoreMatching;
import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.ebm.nn.NeuralEnergy;
import joule.ebm.optim.Adam;
import joule.ebm.sample.UnadjustedLangevin;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.tensor.cpu.Parallel;

/**
 * Joule's side of {@code bench/compare}: the same workloads as {@code bench/torch_workloads.py}, timed the
 * same way, so the script can run the two alternately and compare medians. Not JMH: a plain main, so one
 * process runs one workload and the script can interleave Joule and PyTorch.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Djoule.threads=2 -cp tests/target/benchmarks.jar \
 *      joule.bench.Compare WORKLOAD REPS [MIN_SECONDS_PER_REP [WARMUP_SECONDS]]
 * java ... joule.bench.Compare list
 * </pre>
 *
 * Each workload warms up (untimed) for {@code WARMUP_SECONDS} (default 2, at least two steps), then runs
 * {@code REPS} repetitions, each of as many steps as fit in {@code MIN_SECONDS_PER_REP} (default 0.5, at
 * least one), and prints one JSON line per repetition:
 * {@code {"impl":"joule","workload":"sgemm-256","rep":0,"value":190.1,"unit":"GFLOP/s","steps":40,"seconds":0.51}}.
 * All data float32, random normal with fixed seeds; what matters is the time per step.
 */
public final class Compare {
    /** One step of a workload and how much work (in {@code unit}) one step does. */
    private record Workload(Runnable step, double workPerStep, String unit) {
    }

    private static final Map<String, Supplier<Workload>> WORKLOADS = new LinkedHashMap<>();

    static {
        for (int n : new int[] {256, 1024}) {
            WORKLOADS.put("sgemm-" + n, () -> sgemm(n));
        }
        for (int d : new int[] {2, 784}) {
            WORKLOADS.put("ssm-d" + d, () -> ssm(d));
        }
        for (int d : new int[] {2, 16, 64}) {
            WORKLOADS.put("esm-d" + d, () -> esm(d));
        }
        WORKLOADS.put("dsm-d784", Compare::dsm);
        WORKLOADS.put("langevin-2d", Compare::langevin);
    }

    private Compare() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("list")) {
            WORKLOADS.keySet().forEach(System.out::println);
            return;
        }
        if (args.length < 2 || !WORKLOADS.containsKey(args[0])) {
            System.err.println("usage: Compare WORKLOAD REPS [MIN_SECONDS_PER_REP [WARMUP_SECONDS]], or Compare list; "
                    + "workloads: " + String.join(", ", WORKLOADS.keySet()) + (args.length > 0 ? "; got " + String.join(" ", args) : ""));
            System.exit(2);
        }
        String name = args[0];
        int reps = Integer.parseInt(args[1]);
        double minSeconds = args.length > 2 ? Double.parseDouble(args[2]) : 0.5;
        double warmupSeconds = args.length > 3 ? Double.parseDouble(args[3]) : 2.0;
        Workload w = WORKLOADS.get(name).get();

        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < 2 || System.nanoTime() < warmEnd; i++) {
            w.step().run();
        }
        for (int rep = 0; rep < reps; rep++) {
            int steps = 0;
            long start = System.nanoTime();
            long elapsed;
            do {
                w.step().run();
                steps++;
                elapsed = System.nanoTime() - start;
            } while (elapsed < minSeconds * 1e9);
            double seconds = elapsed / 1e9;
            System.out.printf(Locale.ROOT,
                    "{\"impl\":\"joule\",\"workload\":\"%s\",\"rep\":%d,\"value\":%.6g,\"unit\":\"%s\",\"steps\":%d,"
                            + "\"seconds\":%.4f,\"threads\":%d}%n",
                    name, rep, w.workPerStep() * steps / seconds, w.unit(), steps, seconds, Parallel.THREADS);
        }
    }

    /** {@code C = A·B}, n × n float32, 2n³ flops. */
    private static Workload sgemm(int n) {
        RandomStream rng = new RandomStream(0);
        Tensor a = rng.normal(DType.FLOAT32, n, n);
        Tensor b = rng.normal(DType.FLOAT32, n, n);
        return new Workload(() -> a.matmul(b), 2.0 * n * n * n / 1e9, "GFLOP/s");
    }

    /** MLP energy {@code sizes[0] → … → 1} with SiLU, float32, PyTorch's default initialisation. */
    private static NeuralEnergy mlp(int... sizes) {
        return new MLP(Activation.SILU, DType.FLOAT32, new RandomStream(1), sizes).asEnergy();
    }

    /** One training step of {@code loss} on a fixed batch: zero the gradients, loss, backward, Adam. */
    private static Workload trainStep(Loss loss, Tensor batch) {
        Adam adam = new Adam(loss.parameters(), 1e-3);
        RandomStream rng = new RandomStream(3);
        return new Workload(() -> {
            adam.zeroGrad();
            loss.compute(batch, rng).backward();
            adam.step();
        }, 1, "steps/s");
    }

    /** SSM (not variance-reduced), 1 Rademacher projection, MLP D → 128 → 128 → 1, batch 1024. */
    private static Workload ssm(int d) {
        Tensor batch = new RandomStream(2).normal(DType.FLOAT32, 1024, d);
        return trainStep(new SlicedScoreMatching(mlp(d, 128, 128, 1), 1, Projection.RADEMACHER, false), batch);
    }

    /** Exact score matching (D Hessian-vector products for the trace), MLP D → 128 → 128 → 1, batch 256. */
    private static Workload esm(int d) {
        Tensor batch = new RandomStream(2).normal(DType.FLOAT32, 256, d);
        return trainStep(new ExactScoreMatching(mlp(d, 128, 128, 1)), batch);
    }

    /** DSM at σ = 0.1, MLP 784 → 512 → 512 → 1, batch 256. */
    private static Workload dsm() {
        Tensor batch = new RandomStream(2).normal(DType.FLOAT32, 256, 784);
        return trainStep(new DenoisingScoreMatching(mlp(784, 512, 512, 1), 0.1), batch);
    }

    /** 100 ULA steps (η = 0.01) of 10,000 chains in 2-D on an MLP energy 2 → 128 → 128 → 1. */
    private static Workload langevin() {
        int chains = 10_000;
        int steps = 100;
        NeuralEnergy energy = mlp(2, 128, 128, 1);
        Tensor init = new RandomStream(2).normal(DType.FLOAT32, chains, 2);
        UnadjustedLangevin ula = new UnadjustedLangevin(0.01);
        RandomStream rng = new RandomStream(3);
        return new Workload(() -> ula.sample(energy, init, steps, rng), (double) chains * steps, "chain-steps/s");
    }
}
