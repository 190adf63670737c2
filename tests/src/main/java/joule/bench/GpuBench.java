package joule.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import joule.tensor.Backends;
import joule.tensor.BinaryOp;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.tensor.UnaryOp;

/**
 * The GPU benchmarks, on {@link Device#CUDA} (never run by the test command; {@code bench/gpu/run}
 * runs them on the device machine): device-to-device copy bandwidth, the bandwidth of elementwise
 * ops and reductions (bytes each must move, over the time), sgemm throughput at several sizes
 * (TF32 when the JVM runs with {@code -Djoule.cuda.tf32=true}), and the workloads of
 * {@code bench/compare} ({@link Workloads}) plus Langevin sampling of a million chains.
 * {@code bench/torch_cuda_workloads.py} runs the same in PyTorch.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp CLASSPATH joule.bench.GpuBench [--reps N] [--min-seconds S]
 *      [--warmup S] [--elements N] [--only REGEX]
 * </pre>
 *
 * Defaults: 5 repetitions of at least 0.2 s after 1 s of warm-up; bandwidth tensors of 2²⁶ float32
 * elements (256 MiB, far over any L2 cache; a multiple of 4096); every benchmark whose name
 * {@code --only} finds.
 *
 * Timing by {@link Timer}. Prints one JSON line per repetition on stdout,
 * {@code {"impl":"joule-cuda","workload":"exp","rep":0,"value":2810.4,"unit":"GB/s","steps":64,"seconds":0.41}},
 * and a table of medians on stderr, bandwidths also as a fraction of the copy's.
 */
public final class GpuBench {
    private GpuBench() {
    }

    /** The command line: repetitions, seconds per repetition, warm-up seconds, tensor size, and which benchmarks. */
    private record Options(int reps, double minSeconds, double warmup, int elements, Pattern only) {
        static Options parse(String[] args) {
            int reps = 5;
            double minSeconds = 0.2;
            double warmup = 1;
            int elements = 1 << 26;
            Pattern only = Pattern.compile(".*");
            for (int i = 0; i + 1 < args.length; i += 2) {
                switch (args[i]) {
                    case "--reps" -> reps = Integer.parseInt(args[i + 1]);
                    case "--min-seconds" -> minSeconds = Double.parseDouble(args[i + 1]);
                    case "--warmup" -> warmup = Double.parseDouble(args[i + 1]);
                    case "--elements" -> elements = Integer.parseInt(args[i + 1]);
                    case "--only" -> only = Pattern.compile(args[i + 1]);
                    default -> throw new IllegalArgumentException("GpuBench: unknown option " + args[i]);
                }
            }
            if (args.length % 2 != 0) {
                throw new IllegalArgumentException("GpuBench: option " + args[args.length - 1] + " has no value");
            }
            if (elements < 4096 || elements % 4096 != 0) {
                throw new IllegalArgumentException("GpuBench: --elements must be a positive multiple of 4096 (the row "
                        + "length of sum-rows and sum-columns), got " + elements);
            }
            return new Options(reps, minSeconds, warmup, elements, only);
        }
    }

    public static void main(String[] args) {
        Options o = Options.parse(args);
        try {
            Backends.of(Device.CUDA);
        } catch (IllegalStateException e) {
            System.err.println("GpuBench: CUDA is not available: " + e.getMessage());
            System.exit(2);
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        Map<String, String> units = new LinkedHashMap<>();
        for (Map.Entry<String, Supplier<Workload>> e : benchmarks(o.elements()).entrySet()) {
            if (!o.only().matcher(e.getKey()).find()) {
                continue;
            }
            Workload w = e.getValue().get();
            List<Timer.Rep> reps = Timer.run(w, o.reps(), o.minSeconds(), o.warmup());
            for (int i = 0; i < reps.size(); i++) {
                Timer.Rep r = reps.get(i);
                System.out.printf(Locale.ROOT, "{\"impl\":\"joule-cuda\",\"workload\":\"%s\",\"rep\":%d,\"value\":%.6g,"
                        + "\"unit\":\"%s\",\"steps\":%d,\"seconds\":%.4f}%n", e.getKey(), i, r.value(), w.unit(), r.steps(),
                        r.seconds());
            }
            System.out.flush();
            medians.put(e.getKey(), Timer.median(reps));
            units.put(e.getKey(), w.unit());
            System.gc();   // let the backend have the last benchmark's device memory back
        }
        table(medians, units);
    }

    /** Every benchmark by name, made when it runs; bandwidth benchmarks over {@code n} float32 elements per tensor. */
    private static Map<String, Supplier<Workload>> benchmarks(int n) {
        Map<String, Supplier<Workload>> all = new LinkedHashMap<>();
        all.put("copy", () -> bandwidth(n, 1, 2, t -> t[0].copy()));
        all.put("exp", () -> bandwidth(n, 1, 2, t -> t[0].exp()));
        all.put("add", () -> bandwidth(n, 2, 3, t -> t[0].add(t[1])));
        all.put("add-silu", () -> bandwidth(n, 2, 3, t -> t[0].binaryThenUnary(BinaryOp.ADD, t[1], UnaryOp.SILU)));
        all.put("langevin-step", () -> bandwidth(n, 3, 4, t -> Tensor.langevinStep(t[0], t[1], t[2], 0.01, 0.1414)));
        all.put("sum", () -> bandwidth(n, 1, 1, t -> t[0].sum()));
        all.put("sum-rows", () -> bandwidth(n, 1, 1, t -> t[0].reshape(-1, 4096).sum(1)));
        all.put("sum-columns", () -> bandwidth(n, 1, 1, t -> t[0].reshape(-1, 4096).sum(0)));
        all.put("max", () -> bandwidth(n, 1, 1, t -> t[0].max()));
        String mode = Boolean.getBoolean("joule.cuda.tf32") ? "-tf32" : "";
        for (int size : new int[] {256, 512, 1024, 2048, 4096, 8192}) {
            all.put("sgemm-" + size + mode, () -> Workloads.sgemm(size, Device.CUDA));
        }
        Workloads.all().forEach((name, make) -> {
            if (!name.startsWith("sgemm")) {
                all.put(name, () -> make.apply(Device.CUDA));
            }
        });
        all.put("langevin-2d-1m", () -> Workloads.langevin(1 << 20, Device.CUDA));
        return all;
    }

    /** An op over {@code inputs} tensors of {@code n} float32 normals that moves {@code passes × n} floats. */
    private static Workload bandwidth(int n, int inputs, int passes, Function<Tensor[], Tensor> op) {
        RandomStream rng = new RandomStream(0, 0, Device.CUDA);
        Tensor[] t = new Tensor[inputs];
        for (int i = 0; i < inputs; i++) {
            t[i] = rng.normal(DType.FLOAT32, n);
        }
        return new Workload(() -> op.apply(t), (double) passes * n * Float.BYTES / 1e9, "GB/s");
    }

    private static void table(Map<String, Double> medians, Map<String, String> units) {
        Double copy = medians.get("copy");
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-20s %12s  %-14s %s", "benchmark", "median", "unit", "of copy"));
        medians.forEach((name, v) -> lines.add(String.format(Locale.ROOT, "%-20s %12.4g  %-14s %s", name, v,
                units.get(name), units.get(name).equals("GB/s") && copy != null
                        ? String.format(Locale.ROOT, "%.0f%%", 100 * v / copy) : "")));
        lines.forEach(System.err::println);
    }
}
