package joule.ebm.metrics;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import joule.autograd.Autograd;
import joule.autograd.Var;
import joule.ebm.data.FashionMnist;
import joule.ebm.io.Checkpoint;
import joule.ebm.loss.CrossEntropy;
import joule.ebm.optim.Adam;
import joule.ebm.optim.LearningRateSchedule;
import joule.ebm.optim.ScheduledOptimizer;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Trains {@link FashionClassifier} on Fashion-MNIST and writes its weights: how the shipped
 * resource {@value FashionClassifier#WEIGHTS_RESOURCE} is made. Seeded throughout, and the kernels give the
 * same bits in every JIT tier, so the same settings give the same weights (test accuracy 0.8937 for the
 * defaults, about 5 minutes on 2 cores). The shipped weights were trained before the kernels' lane sums
 * and transcendentals were made tier-independent; a rerun then gave weights within 7e-7 of them.
 *
 * <p>Recipe: float32; training images dequantised once ({@code (p + u)/256}, seed {@code seed + 1})
 * and centred to {@code [−1, 1]}; weights initialised from seed {@code seed}; each epoch a fresh
 * shuffle (seed {@code seed + 2}); Adam ({@code β = (0.9, 0.999)}) with the learning rate decayed by
 * a cosine from {@code lr} to {@code lr/20} over all steps; cross-entropy. Test accuracy is
 * measured on the 10000 test images (pixels {@code p/255}, centred).
 *
 * <p>Run (from the repository root, after {@code mvn -pl ebm -am compile}):
 * <pre>
 * java --add-modules jdk.incubator.vector -cp tensor/target/classes:autograd/target/classes:ebm/target/classes \
 *   joule.ebm.metrics.FashionClassifierTraining \
 *   ebm/src/main/resources/joule/ebm/metrics/fashion-classifier.safetensors [key=value ...]
 * </pre>
 * with the settings {@code epochs}, {@code batch}, {@code lr}, {@code seed}, {@code train} (the
 * first {@code train} training images) as {@code key=value} arguments ({@link Settings#DEFAULT}
 * for the rest).
 */
public final class FashionClassifierTraining {
    /** Training settings. */
    public record Settings(int epochs, int batch, double lr, long seed, int trainSize) {
        /** The settings of the shipped weights. */
        public static final Settings DEFAULT = new Settings(3, 64, 2e-3, 2026, 60_000);

        /** Checks the ranges. */
        public Settings {
            if (epochs < 1 || batch < 1 || !(lr > 0) || trainSize < batch) {
                throw new IllegalArgumentException("FashionClassifierTraining: need epochs ≥ 1, batch ≥ 1, lr > 0 and "
                        + "train ≥ batch, got " + epochs + ", " + batch + ", " + lr + ", " + trainSize);
            }
        }

        /** {@code this} with the {@code key=value} arguments applied. */
        Settings with(String[] args, int from) {
            Settings s = this;
            for (int i = from; i < args.length; i++) {
                String[] kv = args[i].split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("FashionClassifierTraining: expected key=value, got '" + args[i] + "'");
                }
                s = switch (kv[0]) {
                    case "epochs" -> new Settings(Integer.parseInt(kv[1]), s.batch, s.lr, s.seed, s.trainSize);
                    case "batch" -> new Settings(s.epochs, Integer.parseInt(kv[1]), s.lr, s.seed, s.trainSize);
                    case "lr" -> new Settings(s.epochs, s.batch, Double.parseDouble(kv[1]), s.seed, s.trainSize);
                    case "seed" -> new Settings(s.epochs, s.batch, s.lr, Long.parseLong(kv[1]), s.trainSize);
                    case "train" -> new Settings(s.epochs, s.batch, s.lr, s.seed, Integer.parseInt(kv[1]));
                    default -> throw new IllegalArgumentException("FashionClassifierTraining: unknown setting '" + kv[0]
                            + "' (epochs, batch, lr, seed, train)");
                };
            }
            return s;
        }
    }

    private FashionClassifierTraining() {
    }

    /** {@code args[0]}: where to write the weights; then optional {@code key=value} settings. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: FashionClassifierTraining OUT.safetensors [epochs=N batch=N lr=X seed=N train=N]");
            System.exit(2);
        }
        Settings settings = Settings.DEFAULT.with(args, 1);
        FashionMnist train = FashionMnist.load(FashionMnist.Split.TRAIN).subset(0, settings.trainSize());
        FashionMnist test = FashionMnist.load(FashionMnist.Split.TEST);
        long start = System.nanoTime();
        FashionClassifier model = train(train, settings, true);
        double seconds = (System.nanoTime() - start) / 1e9;
        double accuracy = accuracy(model, FashionMnist.centred(test.images(DType.FLOAT32)), test.labels());
        System.out.printf(Locale.ROOT, "test accuracy %.4f after %.0f s of training%n", accuracy, seconds);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("model", "FashionClassifier");
        metadata.put("settings", settings.toString());
        metadata.put("test_accuracy", String.format(Locale.ROOT, "%.4f", accuracy));
        Checkpoint.save(Path.of(args[0]), model.parameters(), metadata);
        System.out.println("wrote " + args[0]);
    }

    /** Trains a fresh classifier on {@code data} with {@code settings}, printing a line per 100 steps if {@code verbose}. */
    public static FashionClassifier train(FashionMnist data, Settings settings, boolean verbose) {
        FashionClassifier model = new FashionClassifier(DType.FLOAT32, new RandomStream(settings.seed()));
        Tensor images = FashionClassifier.asImages(
                FashionMnist.centred(data.images(DType.FLOAT32, new RandomStream(settings.seed() + 1))));
        Tensor labels = data.labelTensor(DType.FLOAT32);
        int n = data.size();
        int stepsPerEpoch = n / settings.batch();
        int steps = settings.epochs() * stepsPerEpoch;
        ScheduledOptimizer optimizer = new ScheduledOptimizer(new Adam(model.parameters(), settings.lr()),
                LearningRateSchedule.cosine(settings.lr(), settings.lr() / 20, steps));
        RandomStream shuffle = new RandomStream(settings.seed() + 2);
        double recentLoss = 0;
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            int[] order = permutation(n, shuffle);
            for (int s = 0; s < stepsPerEpoch; s++) {
                int[] rows = Arrays.copyOfRange(order, s * settings.batch(), (s + 1) * settings.batch());
                optimizer.zeroGrad();
                Var loss = CrossEntropy.loss(model.logits(Var.constant(images.indexSelect(0, rows))),
                        labels.indexSelect(0, rows));
                loss.backward();
                optimizer.step();
                recentLoss += loss.item();
                int done = optimizer.stepCount();
                if (verbose && done % 100 == 0) {
                    System.out.printf(Locale.ROOT, "epoch %d step %d/%d loss %.4f lr %.2e%n", epoch + 1, done, steps,
                            recentLoss / 100, optimizer.learningRate());
                    recentLoss = 0;
                }
            }
        }
        return model;
    }

    /** Fraction of {@code images [N, 1, 28, 28]} whose predicted class is the label. */
    public static double accuracy(FashionClassifier model, Tensor images, int[] labels) {
        Tensor x = images.rank() == 2 ? FashionClassifier.asImages(images) : images;
        int correct = 0;
        for (int i0 = 0; i0 < x.size(0); i0 += 1000) {
            int count = Math.min(1000, x.size(0) - i0);
            Tensor batch = x.narrow(0, i0, count);
            double[] predicted = Autograd.noGrad(() -> model.logits(Var.constant(batch)).value()).argmax(1, false)
                    .toDoubleArray();
            for (int i = 0; i < count; i++) {
                correct += predicted[i] == labels[i0 + i] ? 1 : 0;
            }
        }
        return correct / (double) x.size(0);
    }

    /** A seeded random permutation of {@code 0..n−1}: indices sorted by uniform keys. */
    private static int[] permutation(int n, RandomStream rng) {
        double[] keys = rng.uniform(DType.FLOAT64, n).toDoubleArray();
        return IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(i -> keys[i]))
                .mapToInt(Integer::intValue).toArray();
    }
}
