package joule.ebm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import joule.ebm.data.FashionMnist;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped classifier and the image metrics on small slices of the real data; skipped when
 * Debian's {@code dataset-fashion-mnist} is not installed.
 */
class ImageQualityOnFashionMnistTest {
    private static FashionMnist train;
    private static FashionMnist test;
    private static FashionClassifier classifier;

    @BeforeAll
    static void load() {
        assumeTrue(FashionMnist.isInstalled(), "Fashion-MNIST is not installed at " + FashionMnist.DEFAULT_DIR);
        train = FashionMnist.load(FashionMnist.Split.TRAIN);
        test = FashionMnist.load(FashionMnist.Split.TEST);
        classifier = FashionClassifier.pretrained();
    }

    @Test
    void shippedClassifierIsAccurate() {
        FashionMnist head = test.subset(0, 2000);
        double accuracy = FashionClassifierTraining.accuracy(classifier, FashionMnist.centred(head.images(DType.FLOAT32)),
                head.labels());
        assertTrue(accuracy >= 0.87, "accuracy on the first 2000 test images: " + accuracy);
    }

    @Test
    void realImagesScoreLikeHeldOutOnesAndFarFromTheBaselines() {
        ImageQuality quality = ImageQuality.of(classifier, train.subset(0, 2000), test.subset(0, 1500),
                new ImageQuality.Config(1000, 2000, 0));
        // 500 training images the reference has not seen, scaled as the command's data.
        Tensor real = FashionClassifier.asImages(FashionMnist.centred(train.subset(50_000, 500)
                .images(DType.FLOAT32, new RandomStream(1))));
        ImageQuality.Report report = quality.evaluate(real);
        System.out.println(report);
        ImageQuality.Scores samples = report.samples();
        ImageQuality.Scores heldOut = report.heldOutReal();
        assertEquals(500, heldOut.count());
        for (ImageQuality.Scores s : new ImageQuality.Scores[] {samples, heldOut}) {
            assertEquals(1.0, s.classCoverage(), s.toString());
            assertTrue(s.classEntropy() > 2.2, s.toString());
            assertTrue(s.meanConfidence() > 0.8, s.toString());
        }
        assertTrue(samples.frechetDistance() < 2 * heldOut.frechetDistance(), report.toString());
        assertTrue(report.gaussianFit().frechetDistance() > 5 * heldOut.frechetDistance(), report.toString());
        assertTrue(report.uniformNoise().frechetDistance() > report.gaussianFit().frechetDistance(), report.toString());
    }
}
