package joule.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import joule.ebm.data.FashionMnist;
import joule.ebm.loss.ContrastiveDivergence;
import joule.ebm.nn.ResNetEnergy;
import joule.ebm.optim.Adam;
import joule.ebm.sample.DecoupledLangevin;
import joule.ebm.sample.ReplayBuffer;
import joule.ebm.sample.SamplerOptions;
import joule.ebm.train.Trainer;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * A measurement, not a test: persistent contrastive divergence of a {@link ResNetEnergy} on Fashion-MNIST (IGEBM's
 * recipe: replay buffer with 5% restarts from uniform noise on [−1, 1], Langevin with decoupled noise clamped to
 * [−1, 1], the energy-magnitude regulariser, Adam with β₁ = 0) for a fixed wall-clock budget on the CPU. Prints
 * steps/s and the energies of data and buffer samples as it goes, and writes a PNG: 8 rows of 8 buffer samples
 * over one row of data.
 *
 * <pre>
 * mvn -B -q compile -pl tests -am
 * java --add-modules jdk.incubator.vector \
 *     -cp tests/target/classes:ebm/target/classes:autograd/target/classes:tensor/target/classes \
 *     joule.bench.FashionMnistPcd minutes=8 out=/tmp/fashion-pcd.png
 * </pre>
 * Settings ({@code key=value}, defaults in {@link #DEFAULTS}): {@code minutes, channels} (per stage, three
 * stages 28 → 14 → 7), {@code batch, k} (Langevin steps per training step), {@code alpha, sigma} (Langevin step
 * and noise), {@code lr, reg} (the regulariser's weight), {@code buffer, seed, out}. The buffer is smaller than
 * IGEBM's 10,000 because a run of minutes takes a few hundred steps: with 2,000 each chain is continued about
 * {@code steps · batch / 2000} times instead of once. The picture's samples are drawn from the buffer as training
 * draws them, so about 5% are fresh uniform noise.
 */
public final class FashionMnistPcd {
    private static final Map<String, String> DEFAULTS = Map.ofEntries(Map.entry("minutes", "8"),
            Map.entry("channels", "16"), Map.entry("batch", "32"), Map.entry("k", "20"), Map.entry("alpha", "5"),
            Map.entry("sigma", "0.01"), Map.entry("lr", "1e-3"), Map.entry("reg", "0.1"), Map.entry("buffer", "2000"),
            Map.entry("seed", "0"), Map.entry("out", "fashion-pcd.png"));
    private static final int SIDE = FashionMnist.SIDE;

    private FashionMnistPcd() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> o = new HashMap<>(DEFAULTS);
        for (String a : args) {
            String[] kv = a.split("=", 2);
            if (kv.length != 2 || !DEFAULTS.containsKey(kv[0])) {
                throw new IllegalArgumentException("FashionMnistPcd: expected key=value with a key of " + DEFAULTS.keySet()
                        + ", got " + a);
            }
            o.put(kv[0], kv[1]);
        }
        double seconds = 60 * Double.parseDouble(o.get("minutes"));
        int batch = Integer.parseInt(o.get("batch"));
        int k = Integer.parseInt(o.get("k"));
        long seed = Long.parseLong(o.get("seed"));

        RandomStream rng = new RandomStream(seed);
        Tensor data = FashionMnist.centred(FashionMnist.load(FashionMnist.Split.TRAIN).images(DType.FLOAT32, rng));
        ResNetEnergy.Config config = ResNetEnergy.Config.of(1, SIDE, SIDE, Integer.parseInt(o.get("channels")), 3);
        ResNetEnergy energy = new ResNetEnergy(config, DType.FLOAT32, rng);
        ReplayBuffer buffer = new ReplayBuffer(Integer.parseInt(o.get("buffer")), 0.05,
                ReplayBuffer.Prior.uniform(-1, 1, DType.FLOAT32, FashionMnist.PIXELS));
        DecoupledLangevin langevin = new DecoupledLangevin(Double.parseDouble(o.get("alpha")),
                Double.parseDouble(o.get("sigma")));
        ContrastiveDivergence pcd = new ContrastiveDivergence(energy, langevin, k, buffer,
                Double.parseDouble(o.get("reg")), SamplerOptions.DEFAULT.withBox(-1, 1));
        Adam adam = new Adam(pcd.parameters(), Double.parseDouble(o.get("lr")), 0.0, 0.999, 1e-8, 0);
        System.out.printf(Locale.ROOT, "%s, %d parameters; %s, k = %d, batch %d, %s%n", config, energy.parameterCount(),
                langevin, k, batch, o);

        Tensor probe = data.narrow(0, 0, 256);
        long start = System.nanoTime();
        double[] elapsed = {0};
        Trainer.Result result = new Trainer(pcd, adam, data, new Trainer.Options(Integer.MAX_VALUE, batch, 10, 0, 1e6, seed))
                .monitoring(energy)
                .evaluating(step -> {
                    Tensor samples = buffer.draw(256, new RandomStream(step));
                    elapsed[0] = (System.nanoTime() - start) / 1e9;
                    return Map.of("energyData", energy.energy(probe).mean().item(), "energySamples",
                            energy.energy(samples).mean().item(), "scorePerPixel",
                            energy.score(samples).abs().mean().item());
                })
                .listening(new Trainer.Listener() {
                    @Override
                    public void onStep(Trainer.StepRecord r) {
                    }

                    @Override
                    public void onEvaluation(Trainer.Evaluation e) {
                        System.out.printf(Locale.ROOT, "step %5d  %6.1f s  %.3f steps/s  E(data) %8.4f  E(buffer) %8.4f  "
                                + "|score| per pixel %.4f%n", e.step(), elapsed[0], e.step() / elapsed[0],
                                e.metrics().get("energyData"), e.metrics().get("energySamples"),
                                e.metrics().get("scorePerPixel"));
                    }
                })
                .stoppingWhen(e -> elapsed[0] >= seconds)
                .run();
        int steps = result.steps().size();
        double total = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%d steps in %.1f s: %.3f steps/s, %.1f Langevin chain-steps/s%n", steps, total,
                steps / total, steps * (double) k * batch / total);

        Tensor grid = Tensor.cat(0, buffer.draw(64, new RandomStream(seed + 1)), data.narrow(0, 0, 8));
        Path out = Path.of(o.get("out"));
        ImageIO.write(picture(grid, 8), "png", out.toFile());
        System.out.println("wrote " + out.toAbsolutePath());
    }

    /** Images {@code [n, 784]} with values in [−1, 1] as grey squares, {@code columns} a row, 3× enlarged, 2 pixels apart. */
    private static BufferedImage picture(Tensor images, int columns) {
        int scale = 3;
        int cell = SIDE * scale + 2;
        int n = images.size(0);
        int rows = (n + columns - 1) / columns;
        BufferedImage img = new BufferedImage(columns * cell, rows * cell, BufferedImage.TYPE_BYTE_GRAY);
        double[] x = images.contiguous().toDoubleArray();
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < FashionMnist.PIXELS; p++) {
                int grey = (int) Math.round(255 * Math.clamp((x[i * FashionMnist.PIXELS + p] + 1) / 2, 0.0, 1.0));
                int x0 = (i % columns) * cell + (p % SIDE) * scale;
                int y0 = (i / columns) * cell + (p / SIDE) * scale;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        img.getRaster().setSample(x0 + dx, y0 + dy, 0, grey);
                    }
                }
            }
        }
        return img;
    }
}
