package joule.ebm.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import joule.autograd.Autograd;
import joule.autograd.Var;
import joule.ebm.data.FashionMnist;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * Quality numbers for samples of a Fashion-MNIST image model, computed with a
 * {@link FashionClassifier}, each printed beside the same numbers for three baselines:
 * <ul>
 *   <li><b>FD</b>: the {@link FrechetDistance} between the classifier's penultimate features
 *       (128-d) of the images and of a reference set, the first {@link Config#referenceSize} test
 *       images (the FID recipe with this feature map; not comparable with Inception FIDs);
 *   <li><b>confidence</b>: the classifier's mean maximum softmax probability;
 *   <li><b>coverage</b>: the fraction of the 10 classes predicted (argmax) for at least one image,
 *       and the <b>entropy</b> (nats) of the histogram of predicted classes, {@code ln 10 ≈ 2.303}
 *       when every class is predicted equally often.
 * </ul>
 * Baselines, each as many images as the samples (FD is biased upwards at small sizes, so only
 * numbers at equal sizes compare): <b>held-out real</b> test images (the ones after the
 * reference; fewer if the samples outnumber them), samples of a <b>Gaussian fit</b> to the
 * training images (per-pixel mean and full 784 × 784 covariance, drawn as {@code μ + V √Λ z} from
 * its eigen-decomposition, not clipped), and <b>uniform noise</b> on {@code [−1, 1]}.
 *
 * <p>Images are {@code [B, 1, 28, 28]} in {@code [−1, 1]} (the scaling of the {@code joule}
 * command's Fashion-MNIST data, {@link FashionMnist#centred} dequantised pixels); the real images
 * used here are dequantised and centred the same way. Everything runs on the CPU (samples are
 * copied there) in the classifier's dtype, deterministically from {@link Config#seed}. An instance
 * keeps the baselines of each sample size it has seen; it is not thread-safe.
 */
public final class ImageQuality {
    private static final int BATCH = 500;
    private static final int PIXELS = FashionMnist.PIXELS;

    /**
     * Sizes and seed: the first {@code referenceSize} test images are the reference and the rest
     * the held-out real baseline; the Gaussian is fitted to the first {@code gaussianFitSize}
     * training images; {@code seed} draws the dequantisation ({@code seed}, {@code seed + 1}), the
     * Gaussian's samples ({@code seed + 2}) and the noise ({@code seed + 3}).
     */
    public record Config(int referenceSize, int gaussianFitSize, long seed) {
        /** 5000 reference images (5000 held out), a Gaussian fitted to 10000 training images, seed 0. */
        public static final Config DEFAULT = new Config(5000, 10_000, 0);

        /** Checks {@code referenceSize, gaussianFitSize ≥ 2}. */
        public Config {
            if (referenceSize < 2 || gaussianFitSize < 2) {
                throw new IllegalArgumentException("ImageQuality.Config: referenceSize and gaussianFitSize must be ≥ 2, got "
                        + referenceSize + " and " + gaussianFitSize);
            }
        }
    }

    /**
     * The numbers for one set of {@code count} images: FD to the reference, mean confidence, and
     * how many images were predicted as each class ({@code classCounts [10]}).
     */
    public record Scores(String name, int count, double frechetDistance, double meanConfidence, int[] classCounts) {
        /** Fraction of the classes predicted at least once. */
        public double classCoverage() {
            return classesPredicted() / (double) classCounts.length;
        }

        /** Number of classes predicted at least once. */
        public int classesPredicted() {
            int k = 0;
            for (int c : classCounts) {
                k += c > 0 ? 1 : 0;
            }
            return k;
        }

        /** Entropy {@code −Σ p_c ln p_c} (nats) of the predicted-class frequencies {@code p_c = classCounts[c]/count}. */
        public double classEntropy() {
            double h = 0;
            for (int c : classCounts) {
                if (c > 0) {
                    double p = c / (double) count;
                    h -= p * Math.log(p);
                }
            }
            return h;
        }

        /** One table row: name, count, FD, confidence, coverage, entropy. */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-26s %6d %10.3f %11.3f %6d/%-3d %8.3f", name, count, frechetDistance,
                    meanConfidence, classesPredicted(), classCounts.length, classEntropy());
        }
    }

    /** The samples' scores and the baselines' (held-out real, Gaussian fit, uniform noise), against {@code referenceSize} images. */
    public record Report(Scores samples, Scores heldOutReal, Scores gaussianFit, Scores uniformNoise, int referenceSize) {
        /** The baselines, in table order. */
        public List<Scores> baselines() {
            return List.of(heldOutReal, gaussianFit, uniformNoise);
        }

        /** A table with a header line and one row per image set. */
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder();
            s.append("FD of FashionClassifier features (128-d) to ").append(referenceSize)
                    .append(" Fashion-MNIST test images; confidence = mean max softmax; coverage = classes predicted;")
                    .append(" entropy of the predicted classes in nats (ln 10 = 2.303)\n");
            s.append(String.format(Locale.ROOT, "%-26s %6s %10s %11s %10s %8s%n", "images", "n", "FD", "confidence",
                    "coverage", "entropy"));
            s.append(samples).append('\n');
            for (Scores b : baselines()) {
                s.append(b).append('\n');
            }
            return s.toString();
        }
    }

    private final FashionClassifier classifier;
    private final Config config;
    private final FrechetDistance.Moments reference;
    private final Tensor heldOut;
    private final Tensor gaussianMean;
    private final Tensor gaussianFactor;
    private final Map<Integer, List<Scores>> baselinesBySize = new HashMap<>();

    private ImageQuality(FashionClassifier classifier, Config config, FrechetDistance.Moments reference, Tensor heldOut,
                         Tensor gaussianMean, Tensor gaussianFactor) {
        this.classifier = classifier;
        this.config = config;
        this.reference = reference;
        this.heldOut = heldOut;
        this.gaussianMean = gaussianMean;
        this.gaussianFactor = gaussianFactor;
    }

    /**
     * The metrics with the shipped {@link FashionClassifier#pretrained() classifier} and the data of
     * Debian's {@code dataset-fashion-mnist} ({@link FashionMnist#DEFAULT_DIR}).
     */
    public static ImageQuality fashionMnist(Config config) {
        return of(FashionClassifier.pretrained(), FashionMnist.load(FashionMnist.Split.TRAIN),
                FashionMnist.load(FashionMnist.Split.TEST), config);
    }

    /**
     * The metrics with {@code classifier} (on the CPU), the reference and held-out images from
     * {@code test} and the Gaussian fitted to {@code train}.
     *
     * @throws IllegalArgumentException if {@code test} has fewer than {@code referenceSize + 2}
     *     images, {@code train} fewer than {@code gaussianFitSize}, or the classifier is not on the CPU
     */
    public static ImageQuality of(FashionClassifier classifier, FashionMnist train, FashionMnist test, Config config) {
        Device device = classifier.parameters().getFirst().value().device();
        if (device != Device.CPU) {
            throw new IllegalArgumentException("ImageQuality: the classifier is on " + device
                    + "; it runs on the CPU (move it with to(Device.CPU))");
        }
        if (test.size() < config.referenceSize() + 2 || train.size() < config.gaussianFitSize()) {
            throw new IllegalArgumentException("ImageQuality: need " + (config.referenceSize() + 2) + " test images and "
                    + config.gaussianFitSize() + " training images, got " + test.size() + " and " + train.size());
        }
        DType dtype = classifier.dtype();
        Tensor testImages = FashionMnist.centred(test.images(dtype, new RandomStream(config.seed())));
        Tensor referenceImages = FashionClassifier.asImages(testImages.narrow(0, 0, config.referenceSize()));
        Tensor heldOut = FashionClassifier.asImages(testImages.narrow(0, config.referenceSize(),
                test.size() - config.referenceSize()));
        FrechetDistance.Moments reference = FrechetDistance.moments(features(classifier, referenceImages));

        Tensor fitImages = FashionMnist.centred(train.subset(0, config.gaussianFitSize())
                .images(DType.FLOAT64, new RandomStream(config.seed() + 1)));
        FrechetDistance.Moments fit = FrechetDistance.moments(fitImages);
        SymmetricEigen.Decomposition eigen = SymmetricEigen.decompose(fit.covariance(), PIXELS);
        // Rows of A = √Λ Vᵀ, so that z A for z ~ N(0, I) has covariance V Λ Vᵀ.
        double[] factor = new double[PIXELS * PIXELS];
        for (int k = 0; k < PIXELS; k++) {
            double root = Math.sqrt(Math.max(eigen.values()[k], 0));
            for (int j = 0; j < PIXELS; j++) {
                factor[k * PIXELS + j] = root * eigen.vectors()[j * PIXELS + k];
            }
        }
        return new ImageQuality(classifier, config, reference, heldOut, Tensor.of(DType.FLOAT64, fit.mean(), 1, PIXELS),
                Tensor.of(DType.FLOAT64, factor, PIXELS, PIXELS));
    }

    /**
     * The scores of {@code samples: [B, 1, 28, 28]} ({@code B ≥ 2}, finite, any dtype and device),
     * with the baselines at the same size.
     */
    public Report evaluate(Tensor samples) {
        Scores scores = score("samples", samples);
        List<Scores> baselines = baselines(scores.count());
        return new Report(scores, baselines.get(0), baselines.get(1), baselines.get(2), reference.count());
    }

    /** The scores of the images {@code [B, 1, 28, 28]} ({@code B ≥ 2}, finite), named {@code name}. */
    public Scores score(String name, Tensor images) {
        if (images.rank() != 4 || images.size(0) < 2 || images.size(1) != 1 || images.size(2) != FashionMnist.SIDE
                || images.size(3) != FashionMnist.SIDE) {
            throw new IllegalArgumentException("ImageQuality: images must be [B, 1, 28, 28] with B ≥ 2, got "
                    + Shapes.format(images.shape()) + (images.rank() == 2 && images.size(1) == PIXELS
                    ? " (reshape rows with FashionClassifier.asImages)" : ""));
        }
        Tensor x = images.to(Device.CPU).to(classifier.dtype());
        double maxAbs = x.abs().max(new int[0], false).item();
        if (!Double.isFinite(maxAbs)) {
            throw new IllegalArgumentException("ImageQuality: " + name + " have non-finite values (max |value| = "
                    + maxAbs + ")");
        }
        Tensor features = features(classifier, x);
        Tensor logits = Autograd.noGrad(() -> classifier.logitsOfFeatures(Var.constant(features)).value());
        Tensor logProbabilities = logits.sub(logits.logsumexp(new int[] {1}, true));
        double confidence = logProbabilities.max(new int[] {1}, false).exp().mean().item();
        int[] counts = new int[FashionClassifier.CLASSES];
        for (double c : logits.argmax(1, false).toDoubleArray()) {
            counts[(int) c]++;
        }
        double fd = FrechetDistance.distance(FrechetDistance.moments(features), reference);
        return new Scores(name, x.size(0), fd, confidence, counts);
    }

    /** Held-out real images, Gaussian-fit samples and uniform noise, {@code n} each (held-out: at most all of them). */
    private List<Scores> baselines(int n) {
        return baselinesBySize.computeIfAbsent(n, size -> {
            DType dtype = classifier.dtype();
            Tensor real = heldOut.narrow(0, 0, Math.min(size, heldOut.size(0)));
            Tensor gaussian = FashionClassifier.asImages(gaussianSamples(size).to(dtype));
            Tensor noise = FashionClassifier.asImages(new RandomStream(config.seed() + 3).uniform(-1, 1, dtype, size, PIXELS));
            return List.of(score("held-out real images", real), score("Gaussian fit (full cov.)", gaussian),
                    score("uniform noise on [-1, 1]", noise));
        });
    }

    /** {@code n} rows {@code [n, 784]} (float64) of the Gaussian fitted to the training images, from seed {@code seed + 2}. */
    Tensor gaussianSamples(int n) {
        Tensor z = new RandomStream(config.seed() + 2).normal(DType.FLOAT64, n, PIXELS);
        return z.matmul(gaussianFactor).add(gaussianMean);
    }

    /**
     * Prints the report for {@code n} real images as the samples ({@code args[0]}, default 1000):
     * training images {@code 50000..50000+n} (dequantised with seed 1, centred), with
     * {@link Config#DEFAULT}; what real data scores, beside the baselines.
     */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        ImageQuality quality = fashionMnist(Config.DEFAULT);
        Tensor real = FashionMnist.centred(FashionMnist.load(FashionMnist.Split.TRAIN).subset(50_000, n)
                .images(DType.FLOAT32, new RandomStream(1)));
        System.out.print(quality.evaluate(FashionClassifier.asImages(real)));
    }

    /** Penultimate features {@code [N, 128]} of {@code images [N, 1, 28, 28]}, in batches, without a graph. */
    private static Tensor features(FashionClassifier classifier, Tensor images) {
        int n = images.size(0);
        Tensor[] parts = new Tensor[(n + BATCH - 1) / BATCH];
        for (int b = 0; b < parts.length; b++) {
            Tensor batch = images.narrow(0, b * BATCH, Math.min(BATCH, n - b * BATCH));
            parts[b] = Autograd.noGrad(() -> classifier.features(Var.constant(batch)).value());
        }
        return Tensor.cat(0, parts);
    }
}
