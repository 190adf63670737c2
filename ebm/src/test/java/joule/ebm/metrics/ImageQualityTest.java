package joule.ebm.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import joule.autograd.Var;
import joule.ebm.data.FashionMnist;
import joule.ebm.data.IdxFixtures;
import joule.ebm.nn.Parameter;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mechanics of {@link ImageQuality} on small generated IDX files and an untrained float64
 * classifier: every number against a direct computation (no Fashion-MNIST install needed).
 */
class ImageQualityTest {
    private static final ImageQuality.Config CONFIG = new ImageQuality.Config(10, 40, 7);

    @TempDir
    static Path dir;

    private static FashionMnist train;
    private static FashionMnist test;
    private static FashionClassifier classifier;
    /** Built once: each build eigen-decomposes a 784 × 784 covariance (about a second). */
    private static ImageQuality quality;

    private static byte[] bytes(long seed, int n, int bound) {
        double[] u = new RandomStream(seed).uniform(DType.FLOAT64, n).toDoubleArray();
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (int) (u[i] * bound);
        }
        return b;
    }

    @BeforeAll
    static void writeFixtures() throws IOException {
        IdxFixtures.writeSplit(dir, FashionMnist.Split.TRAIN, bytes(1, 40 * 784, 256), bytes(2, 40, 10));
        IdxFixtures.writeSplit(dir, FashionMnist.Split.TEST, bytes(3, 30 * 784, 256), bytes(4, 30, 10));
        train = FashionMnist.load(FashionMnist.Split.TRAIN, dir);
        test = FashionMnist.load(FashionMnist.Split.TEST, dir);
        classifier = new FashionClassifier(DType.FLOAT64, new RandomStream(5));
        quality = ImageQuality.of(classifier, train, test, CONFIG);
    }

    private static Tensor features(Tensor images) {
        return classifier.features(Var.constant(images)).value();
    }

    /** The scores computed directly: FD of the features, softmax maxima and argmax counts by loops. */
    private static void checkScores(FashionClassifier classifier, ImageQuality.Scores scores, Tensor images,
                                    Tensor referenceImages) {
        assertEquals(images.size(0), scores.count());
        assertEquals(FrechetDistance.distance(features(images), features(referenceImages)), scores.frechetDistance(),
                1e-9 * (1 + scores.frechetDistance()));
        double[] z = classifier.logits(Var.constant(images)).value().toDoubleArray();
        int[] counts = new int[10];
        double confidence = 0;
        for (int b = 0; b < images.size(0); b++) {
            int best = 0;
            double sum = 0;
            for (int c = 0; c < 10; c++) {
                best = z[b * 10 + c] > z[b * 10 + best] ? c : best;
                sum += Math.exp(z[b * 10 + c]);
            }
            counts[best]++;
            confidence += Math.exp(z[b * 10 + best]) / sum / images.size(0);
        }
        assertArrayEquals(counts, scores.classCounts());
        assertEquals(confidence, scores.meanConfidence(), 1e-12);
    }

    @Test
    void scoresSamplesAndHeldOutImagesAgainstTheReference() {
        Tensor testImages = FashionClassifier.asImages(
                FashionMnist.centred(test.images(DType.FLOAT64, new RandomStream(CONFIG.seed()))));
        Tensor reference = testImages.narrow(0, 0, 10);
        Tensor samples = new RandomStream(9).uniform(-1, 1, DType.FLOAT64, 12, 1, 28, 28);
        ImageQuality.Report report = quality.evaluate(samples);
        checkScores(classifier, report.samples(), samples, reference);
        checkScores(classifier, report.heldOutReal(), testImages.narrow(0, 10, 12), reference);
        assertEquals(10, report.referenceSize());
        for (ImageQuality.Scores b : report.baselines()) {
            assertEquals(12, b.count(), b.name());
        }
        // More samples than held-out images: the baseline takes all 20 of them.
        Tensor many = new RandomStream(10).uniform(-1, 1, DType.FLOAT32, 25, 1, 28, 28);
        assertEquals(20, quality.evaluate(many).heldOutReal().count());
        assertEquals(25, quality.evaluate(many).gaussianFit().count());
    }

    @Test
    void gaussianBaselineHasTheFittedMeanAndCovariance() {
        FrechetDistance.Moments fit = FrechetDistance.moments(FashionMnist.centred(
                train.subset(0, 40).images(DType.FLOAT64, new RandomStream(CONFIG.seed() + 1))));
        int n = 4000;
        FrechetDistance.Moments drawn = FrechetDistance.moments(quality.gaussianSamples(n));
        double covNorm = 0;
        double covErr = 0;
        double meanErr = 0;
        double trace = 0;
        for (int i = 0; i < 784; i++) {
            meanErr += Math.pow(drawn.mean()[i] - fit.mean()[i], 2);
            trace += fit.covariance()[i * 784 + i];
        }
        for (int i = 0; i < 784 * 784; i++) {
            covNorm += fit.covariance()[i] * fit.covariance()[i];
            covErr += Math.pow(drawn.covariance()[i] - fit.covariance()[i], 2);
        }
        // Sampling error: E‖x̄ − μ‖² = tr C / n; the covariance's relative Frobenius error is about sqrt(rank/n) ≈ 0.1.
        assertTrue(meanErr < 3 * trace / n, "mean error² " + meanErr + " vs tr C / n = " + trace / n);
        assertTrue(Math.sqrt(covErr / covNorm) < 0.2, "relative covariance error " + Math.sqrt(covErr / covNorm));
    }

    @Test
    void aClassifierThatAlwaysSaysOneClassHasExactScores() {
        FashionClassifier oneClass = new FashionClassifier(DType.FLOAT64, new RandomStream(5));
        for (Parameter p : oneClass.parameters()) {
            if (p.name().equals("fc2.weight")) {
                p.set(p.value().zerosLike());
            } else if (p.name().equals("fc2.bias")) {
                p.set(Tensor.of(new double[] {0, 0, 0, 5, 0, 0, 0, 0, 0, 0}));
            }
        }
        Tensor samples = new RandomStream(11).uniform(-1, 1, DType.FLOAT64, 6, 1, 28, 28);
        ImageQuality.Report report = ImageQuality.of(oneClass, train, test, CONFIG).evaluate(samples);
        for (ImageQuality.Scores s : List.of(report.samples(), report.heldOutReal(), report.uniformNoise())) {
            assertEquals(Math.exp(5) / (Math.exp(5) + 9), s.meanConfidence(), 1e-12);
            assertEquals(0.1, s.classCoverage());
            assertEquals(0.0, s.classEntropy());
            assertEquals(6, s.classCounts()[3]);
        }
        // The same settings and the same samples give the same numbers.
        assertEquals(report.toString(), ImageQuality.of(oneClass, train, test, CONFIG).evaluate(samples).toString());
    }

    @Test
    void coverageAndEntropyComeFromTheClassHistogram() {
        ImageQuality.Scores two = new ImageQuality.Scores("two classes", 10, 1.5, 0.5, new int[] {5, 0, 0, 0, 0, 0, 0, 0, 5, 0});
        assertEquals(0.2, two.classCoverage());
        assertEquals(Math.log(2), two.classEntropy(), 1e-15);
        assertTrue(two.toString().contains("2/10"), two.toString());
        ImageQuality.Scores all = new ImageQuality.Scores("all", 30, 0, 0.5, new int[] {3, 3, 3, 3, 3, 3, 3, 3, 3, 3});
        assertEquals(1.0, all.classCoverage());
        assertEquals(Math.log(10), all.classEntropy(), 1e-14);
    }

    @Test
    void reportPrintsOneRowPerImageSet() {
        String table = quality.evaluate(new RandomStream(12).uniform(-1, 1, DType.FLOAT64, 5, 1, 28, 28)).toString();
        String[] lines = table.strip().split("\n");
        assertEquals(6, lines.length, table);
        assertTrue(lines[1].contains("FD") && lines[1].contains("confidence") && lines[1].contains("coverage")
                && lines[1].contains("entropy"), table);
        assertTrue(lines[2].startsWith("samples"), table);
        assertTrue(lines[3].startsWith("held-out real images"), table);
        assertTrue(lines[4].startsWith("Gaussian fit (full cov.)"), table);
        assertTrue(lines[5].startsWith("uniform noise on [-1, 1]"), table);
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> quality.evaluate(Tensor.zeros(DType.FLOAT64, 4, 784)));
        assertTrue(e.getMessage().contains("[B, 1, 28, 28] with B ≥ 2, got [4, 784]")
                && e.getMessage().contains("FashionClassifier.asImages"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> quality.evaluate(Tensor.zeros(DType.FLOAT64, 1, 1, 28, 28)));
        assertTrue(e.getMessage().contains("got [1, 1, 28, 28]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> quality.evaluate(Tensor.full(DType.FLOAT64, Double.NaN, 3, 1, 28, 28)));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ImageQuality.of(classifier, train, test, new ImageQuality.Config(29, 40, 0)));
        assertTrue(e.getMessage().contains("need 31 test images and 40 training images, got 30 and 40"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ImageQuality.Config(1, 40, 0));
        assertTrue(e.getMessage().contains("≥ 2"), e.getMessage());
    }
}
