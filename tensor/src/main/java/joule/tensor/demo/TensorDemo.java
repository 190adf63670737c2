package joule.tensor.demo;

import java.util.Arrays;
import java.util.Locale;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.tensor.cpu.Parallel;

/**
 * What {@code bin/joule demo} runs until the full command-line app exists: draws Gaussian samples
 * from a Philox stream and checks their moments, draws the energy of a 2-D Gaussian mixture
 * ({@code E(x) = -log Σ_k exp(-‖x - μ_k‖² / 2σ²)}, σ = 0.4) as a text heat map, and times a 1024×1024 sgemm.
 */
public final class TensorDemo {
    private TensorDemo() {
    }

    /** Runs the demo; prints to standard output. */
    public static void main(String[] args) {
        RandomStream rng = new RandomStream(2026);
        Tensor z = rng.normal(DType.FLOAT64, 1_000_000, 2);
        Tensor mean = z.mean(0);
        Tensor var = z.sub(mean).square().mean(0);
        System.out.printf(Locale.ROOT, "1,000,000 Philox normals: mean %s, variance %s%n",
                fmt(mean.toDoubleArray()), fmt(var.toDoubleArray()));

        System.out.println("\nEnergy of a mixture of 8 Gaussians on a ring (dark = low energy = likely):");
        Tensor angles = Tensor.arange(DType.FLOAT32, 8).mul(2 * Math.PI / 8);
        Tensor centers = Tensor.stack(1, angles.cos(), angles.sin()).mul(2.0);          // [8, 2]
        Tensor xs = Tensor.linspace(DType.FLOAT32, -3, 3, 64);
        Tensor ys = Tensor.linspace(DType.FLOAT32, 3, -3, 24);
        Tensor grid = Tensor.stack(2, xs.unsqueeze(0).expand(24, 64), ys.unsqueeze(1).expand(24, 64)); // [24, 64, 2]
        Tensor d2 = grid.unsqueeze(2).sub(centers).square().sum(-1);                      // [24, 64, 8]
        Tensor energy = d2.mul(-1 / (2 * 0.4 * 0.4)).logsumexp(-1).neg();                                  // [24, 64]
        System.out.println(heatMap(energy));

        int n = 1024;
        Tensor a = rng.uniform(DType.FLOAT32, n, n);
        Tensor b = rng.uniform(DType.FLOAT32, n, n);
        double[] gflops = new double[7];
        for (int i = 0; i < gflops.length; i++) {
            long t0 = System.nanoTime();
            a.matmul(b);
            gflops[i] = 2.0 * n * n * n / (System.nanoTime() - t0);
        }
        Arrays.sort(gflops);
        System.out.printf(Locale.ROOT, "sgemm %dx%d on %d threads: %.1f GFLOP/s (median of %d, includes JIT warm-up)%n",
                n, n, Parallel.THREADS, gflops[gflops.length / 2], gflops.length);
    }

    private static String fmt(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.4f", v[i]));
        }
        return sb.append(']').toString();
    }

    private static String heatMap(Tensor energy) {
        String shades = "@%#*+=-:. ";
        double lo = energy.min().item();
        double hi = lo + 5;
        int rows = energy.size(0);
        int cols = energy.size(1);
        double[] e = energy.toDoubleArray();
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int level = (int) Math.min(shades.length() - 1, (e[r * cols + c] - lo) / (hi - lo) * shades.length());
                sb.append(shades.charAt(level));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
