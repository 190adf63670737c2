package joule.ebm;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import joule.autograd.Autograd;
import joule.autograd.Var;
import joule.ebm.data.FashionMnist;
import joule.ebm.loss.MultiLevelDenoisingScoreMatching;
import joule.ebm.metrics.FashionClassifier;
import joule.ebm.metrics.FrechetDistance;
import joule.ebm.nn.ExponentialMovingAverage;
import joule.ebm.nn.UNet;
import joule.ebm.optim.Adam;
import joule.ebm.sample.AnnealedLangevin;
import joule.ebm.train.Trainer;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Image training on a reduced problem that runs in CI: a small U-Net learns two Fashion-MNIST classes
 * (trousers and bags) at 14×14 by NCSN for a few hundred steps; its loss falls, and annealed-Langevin
 * samples from the trained network (its weight average) come far closer to held-out images than the same
 * sampler run on the untrained network. (So short a run does not yet beat a Gaussian fitted to the
 * training images, measured the same way; the message reports that baseline beside the figures.)
 *
 * <p>Closeness is the Fréchet distance of the {@link FashionClassifier}'s features (of the images upsampled
 * back to 28×28) against 500 held-out images of the two classes, as {@code joule eval} measures it on full
 * images. (In pixel space the Gaussian fit would win by construction: it has the data's mean and covariance.)
 * Needs Debian's {@code dataset-fashion-mnist} (CI installs it); skipped without it.
 */
class ImageTrainingConvergenceTest {
    private static final int SIDE = 14;
    private static final int[] CLASSES = {1, 8};
    private static final int STEPS = 300;
    private static final int SAMPLES = 256;
    private static final FashionClassifier CLASSIFIER = FashionClassifier.pretrained();

    @Test
    void ncsnOnTwoClassesAt14PixelsMovesSamplesTowardTheData() {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed at " + FashionMnist.DEFAULT_DIR);
        Tensor train = reduced(FashionMnist.load(FashionMnist.Split.TRAIN), 4000);
        Tensor heldOut = reduced(FashionMnist.load(FashionMnist.Split.TEST), 500);

        UNet net = new UNet(new UNet.Config(1, SIDE, SIDE, 8, List.of(1, 2), 1, UNet.Downsample.CONV, 16),
                DType.FLOAT32, new RandomStream(1));
        double[] sigmas = AnnealedLangevin.geometricSigmas(1, 0.01, 10);
        AnnealedLangevin sampler = new AnnealedLangevin(sigmas, 2e-5, 20, true);
        double untrained = distanceOfSamples(net, sampler, heldOut);

        ExponentialMovingAverage ema = new ExponentialMovingAverage(net, 0.99, "ema.", true);
        List<Double> losses = new ArrayList<>();
        new Trainer(new MultiLevelDenoisingScoreMatching(net, sigmas), new Adam(net.parameters(), 2e-3), train,
                Trainer.Options.defaults().withSteps(STEPS).withBatchSize(32).withEvalEvery(0).withSeed(5))
                .listening(step -> {
                    losses.add(step.loss());
                    ema.update();
                })
                .run();
        double trained = ema.withAverages(() -> distanceOfSamples(net, sampler, heldOut));
        double gaussianFit = distance(gaussianFit(train, SAMPLES).reshape(SAMPLES, 1, SIDE, SIDE), heldOut);

        double first = mean(losses.subList(0, 30));
        double last = mean(losses.subList(STEPS - 30, STEPS));
        String figures = String.format(Locale.ROOT, "loss %.1f → %.1f; Fréchet distance untrained %.1f, trained %.1f, "
                + "Gaussian fit %.1f", first, last, untrained, trained, gaussianFit);
        assertTrue(last < 0.6 * first, "the loss should fall by at least 40%: " + figures);
        assertTrue(trained < 0.1 * untrained, "trained samples should be far closer to the data: " + figures);
    }

    /** {@code count} images of {@link #CLASSES} from {@code set}, 2×2-averaged to 14×14, in [−1, 1]: {@code [count, 1, 14, 14]}. */
    private static Tensor reduced(FashionMnist set, int count) {
        int[] labels = set.labels();
        float[] out = new float[count * SIDE * SIDE];
        int taken = 0;
        for (int i = 0; i < set.size() && taken < count; i++) {
            if (labels[i] != CLASSES[0] && labels[i] != CLASSES[1]) {
                continue;
            }
            for (int r = 0; r < SIDE; r++) {
                for (int c = 0; c < SIDE; c++) {
                    int sum = set.pixel(i, 2 * r, 2 * c) + set.pixel(i, 2 * r, 2 * c + 1)
                            + set.pixel(i, 2 * r + 1, 2 * c) + set.pixel(i, 2 * r + 1, 2 * c + 1);
                    out[(taken * SIDE + r) * SIDE + c] = sum / (4 * 255f) * 2 - 1;
                }
            }
            taken++;
        }
        assertTrue(taken == count, "only " + taken + " images of classes 1 and 8, wanted " + count);
        return Tensor.of(out, count, 1, SIDE, SIDE);
    }

    private static double distanceOfSamples(UNet net, AnnealedLangevin sampler, Tensor heldOut) {
        RandomStream rng = new RandomStream(7);
        Tensor init = rng.uniform(DType.FLOAT32, SAMPLES, 1, SIDE, SIDE).mul(2).sub(1);
        return distance(sampler.sample(net, init, rng).state(), heldOut);
    }

    /** Fréchet distance of the classifier's features of {@code a} and {@code b} ({@code [N, 1, 14, 14]}, upsampled). */
    private static double distance(Tensor a, Tensor b) {
        return FrechetDistance.distance(features(a), features(b));
    }

    private static Tensor features(Tensor images) {
        Tensor x = images.upsampleNearest2d(2);
        return Autograd.noGrad(() -> CLASSIFIER.features(Var.constant(x)).value());
    }

    /** {@code n} draws of the Gaussian with the mean and covariance of {@code images} (as vectors). */
    private static Tensor gaussianFit(Tensor images, int n) {
        Tensor x = flat(images);
        FrechetDistance.Moments m = FrechetDistance.moments(x);
        int d = m.dim();
        Tensor centred = x.sub(Tensor.of(DType.FLOAT32, m.mean(), d));
        Tensor z = new RandomStream(11).normal(DType.FLOAT32, n, x.size(0));
        // Rows of z·(x − μ)/√(N − 1) have covariance Σ; adding μ gives the fit.
        return z.matmul(centred).div(Math.sqrt(x.size(0) - 1)).add(Tensor.of(DType.FLOAT32, m.mean(), d));
    }

    private static Tensor flat(Tensor images) {
        return images.reshape(images.size(0), -1);
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }
}
