package joule.bench;

import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import joule.ebm.loss.DenoisingScoreMatching;
import joule.ebm.loss.Loss;
import joule.ebm.loss.MultiLevelDenoisingScoreMatching;
import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.ebm.nn.UNet;
import joule.ebm.optim.Adam;
import joule.ebm.sample.AnnealedLangevin;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.tensor.Workspace;

/**
 * What a training step costs in memory, with and without a {@link Workspace}: bytes the calling thread
 * allocates per step, the process's minor page faults per step and the thread's CPU time per step, after a
 * warm-up. Thread CPU time and allocation counts hardly depend on what else runs on the machine.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Djoule.threads=1 -cp tests/target/benchmarks.jar \
 *      joule.bench.StepAllocation dsm-d784|unet16 plain|workspace
 * </pre>
 * {@code dsm-d784}: DSM, MLP 784 → 512 → 512 → 1, batch 256 (as {@code bench/compare}); {@code unet16}: NCSN of
 * the 16-channel U-Net (multipliers 1, 2, 2), batch 64 of 28 × 28.
 */
public final class StepAllocation {
    private StepAllocation() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2 || !List.of("dsm-d784", "unet16").contains(args[0])
                || !List.of("plain", "workspace").contains(args[1])) {
            System.err.println("usage: StepAllocation dsm-d784|unet16 plain|workspace");
            System.exit(2);
        }
        boolean unet = args[0].equals("unet16");
        Loss loss;
        Tensor batch;
        if (unet) {
            UNet net = new UNet(new UNet.Config(1, 28, 28, 16, List.of(1, 2, 2), 1, UNet.Downsample.CONV, 16),
                    DType.FLOAT32, new RandomStream(1));
            loss = new MultiLevelDenoisingScoreMatching(net, AnnealedLangevin.geometricSigmas(1, 0.01, 10));
            batch = new RandomStream(2).normal(DType.FLOAT32, 64, 1, 28, 28);
        } else {
            MLP mlp = new MLP(Activation.SILU, DType.FLOAT32, new RandomStream(1), 784, 512, 512, 1);
            loss = new DenoisingScoreMatching(mlp.asEnergy(), 0.1);
            batch = new RandomStream(2).normal(DType.FLOAT32, 256, 784);
        }
        Adam adam = new Adam(loss.parameters(), 1e-3);
        RandomStream rng = new RandomStream(3);
        Workspace workspace = args[1].equals("workspace") ? new Workspace("step") : null;
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        int warmUp = unet ? 5 : 30;
        int timed = 5;
        long bytes = 0;
        long faults = 0;
        long cpu = 0;
        for (int s = 0; s < warmUp + timed; s++) {
            if (s == warmUp) {
                bytes = mx.getCurrentThreadAllocatedBytes();
                faults = minorFaults();
                cpu = mx.getCurrentThreadCpuTime();
            }
            try (Workspace.Scope scope = workspace == null ? null : workspace.open()) {
                adam.zeroGrad();
                loss.compute(batch, rng).backward();
                adam.step();
                adam.zeroGrad();
            }
        }
        System.out.printf(Locale.ROOT, "%s %s: %.1f MB allocated, %.0f minor faults, %.3f s CPU per step (%d threads)%n",
                args[0], args[1], (mx.getCurrentThreadAllocatedBytes() - bytes) / 1e6 / timed,
                (minorFaults() - faults) / (double) timed, (mx.getCurrentThreadCpuTime() - cpu) / 1e9 / timed,
                joule.tensor.cpu.Parallel.THREADS);
    }

    /** The process's minor page faults so far ({@code /proc/self/stat}, field 10). */
    private static long minorFaults() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
    }
}
