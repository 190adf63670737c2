package joule.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import joule.tensor.Device;
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
 * Each workload ({@link Workloads}, on the CPU) is timed by {@link Timer}: warm-up (untimed) for
 * {@code WARMUP_SECONDS} (default 2, at least two steps), then {@code REPS} repetitions of a number of
 * steps that lasts at least {@code MIN_SECONDS_PER_REP} (default 0.5); it prints one JSON line per repetition:
 * {@code {"impl":"joule","workload":"sgemm-256","rep":0,"value":190.1,"unit":"GFLOP/s","steps":40,"seconds":0.51}}.
 * All data float32, random normal with fixed seeds; what matters is the time per step.
 */
public final class Compare {
    private Compare() {
    }

    public static void main(String[] args) {
        Map<String, Function<Device, Workload>> workloads = Workloads.all();
        if (args.length == 1 && args[0].equals("list")) {
            workloads.keySet().forEach(System.out::println);
            return;
        }
        if (args.length < 2 || !workloads.containsKey(args[0])) {
            System.err.println("usage: Compare WORKLOAD REPS [MIN_SECONDS_PER_REP [WARMUP_SECONDS]], or Compare list; "
                    + "workloads: " + String.join(", ", workloads.keySet()) + (args.length > 0 ? "; got " + String.join(" ", args) : ""));
            System.exit(2);
        }
        String name = args[0];
        int reps = Integer.parseInt(args[1]);
        double minSeconds = args.length > 2 ? Double.parseDouble(args[2]) : 0.5;
        double warmupSeconds = args.length > 3 ? Double.parseDouble(args[3]) : 2.0;
        Workload w = workloads.get(name).apply(Device.CPU);
        List<Timer.Rep> timed = Timer.run(w, reps, minSeconds, warmupSeconds);
        for (int rep = 0; rep < timed.size(); rep++) {
            Timer.Rep r = timed.get(rep);
            System.out.printf(Locale.ROOT,
                    "{\"impl\":\"joule\",\"workload\":\"%s\",\"rep\":%d,\"value\":%.6g,\"unit\":\"%s\",\"steps\":%d,"
                            + "\"seconds\":%.4f,\"threads\":%d}%n",
                    name, rep, r.value(), w.unit(), r.steps(), r.seconds(), Parallel.THREADS);
        }
    }
}
