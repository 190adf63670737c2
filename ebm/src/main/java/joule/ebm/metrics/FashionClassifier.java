package joule.ebm.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Stream;
import joule.autograd.Var;
import joule.ebm.data.FashionMnist;
import joule.ebm.io.Checkpoint;
import joule.ebm.nn.Activation;
import joule.ebm.nn.Conv2d;
import joule.ebm.nn.Linear;
import joule.ebm.nn.Module;
import joule.ebm.nn.Parameter;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * A small convolutional classifier of Fashion-MNIST, the feature map of the image metrics
 * ({@link ImageQuality}):
 *
 * <pre>
 * [B, 1, 28, 28] → conv1 3×3 (1 → 16, padding 1) → SiLU → avg-pool 2 → conv2 3×3 (16 → 32, padding 1) → SiLU
 *   → avg-pool 2 → flatten [B, 1568] → fc1 (1568 → 128) = features → SiLU → fc2 (128 → 10) = logits
 * </pre>
 *
 * Inputs are images in {@code [−1, 1]} ({@link FashionMnist#centred} of pixels in {@code [0, 1]},
 * dequantised or not), the scaling the {@code joule} command trains image models on. Parameter
 * names are PyTorch's ({@code conv1.weight [16, 1, 3, 3]}, …, {@code fc2.bias [10]}).
 * {@link #pretrained()} loads the weights shipped in the jar, which
 * {@link FashionClassifierTraining} regenerates.
 */
public final class FashionClassifier implements Module {
    /** Classes: Fashion-MNIST's 10 labels. */
    public static final int CLASSES = 10;
    /** Width of the penultimate features. */
    public static final int FEATURES = 128;
    /** The shipped weights, a safetensors resource beside this class. */
    public static final String WEIGHTS_RESOURCE = "fashion-classifier.safetensors";

    private static final int SIDE = FashionMnist.SIDE;
    private static final Conv2dSpec SAME_3X3 = Conv2dSpec.of(1, 1);

    private final Conv2d conv1;
    private final Conv2d conv2;
    private final Linear fc1;
    private final Linear fc2;

    /** A fresh classifier, each layer initialised as PyTorch does by default, in order, from {@code init}. */
    public FashionClassifier(DType dtype, RandomStream init) {
        this.conv1 = new Conv2d("conv1", 1, 16, 3, SAME_3X3, true, dtype, init);
        this.conv2 = new Conv2d("conv2", 16, 32, 3, SAME_3X3, true, dtype, init);
        this.fc1 = new Linear("fc1", 32 * (SIDE / 4) * (SIDE / 4), FEATURES, dtype, init);
        this.fc2 = new Linear("fc2", FEATURES, CLASSES, dtype, init);
    }

    /**
     * The classifier with the weights shipped in the jar ({@value #WEIGHTS_RESOURCE}, float32),
     * on the CPU.
     *
     * @throws IllegalStateException if the resource is missing from the class path
     * @throws UncheckedIOException if it is corrupt
     */
    public static FashionClassifier pretrained() {
        FashionClassifier model = new FashionClassifier(DType.FLOAT32, new RandomStream(0));
        try (InputStream in = FashionClassifier.class.getResourceAsStream(WEIGHTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("FashionClassifier: resource " + WEIGHTS_RESOURCE + " is missing beside "
                        + FashionClassifier.class.getName() + "; regenerate it with " + FashionClassifierTraining.class.getName());
            }
            Checkpoint.load("resource " + WEIGHTS_RESOURCE, in.readAllBytes(), model.parameters());
        } catch (IOException e) {
            throw new UncheckedIOException("FashionClassifier: " + e.getMessage(), e);
        }
        return model;
    }

    /** Penultimate features {@code [B, 128]} (fc1's output, before its SiLU) of images {@code x: [B, 1, 28, 28]}. */
    public Var features(Var x) {
        if (x.rank() != 4 || x.size(1) != 1 || x.size(2) != SIDE || x.size(3) != SIDE) {
            throw new IllegalArgumentException("FashionClassifier: images must be [B, 1, " + SIDE + ", " + SIDE + "], got "
                    + Shapes.format(x.shape()));
        }
        Var h = Activation.SILU.apply(conv1.forward(x)).avgPool2d(2, 2, 0);
        h = Activation.SILU.apply(conv2.forward(h)).avgPool2d(2, 2, 0);
        return fc1.forward(h.reshape(h.size(0), -1));
    }

    /** Class logits {@code [B, 10]} from {@link #features(Var) features}. */
    public Var logitsOfFeatures(Var features) {
        return fc2.forward(Activation.SILU.apply(features));
    }

    /** Class logits {@code [B, 10]} of images {@code x: [B, 1, 28, 28]}. */
    public Var logits(Var x) {
        return logitsOfFeatures(features(x));
    }

    /** {@code [conv1.weight, conv1.bias, conv2.weight, conv2.bias, fc1.weight, fc1.bias, fc2.weight, fc2.bias]}. */
    @Override
    public List<Parameter> parameters() {
        return Stream.of(conv1, conv2, fc1, fc2).flatMap(m -> m.parameters().stream()).toList();
    }

    /** The parameters' dtype. */
    public DType dtype() {
        return fc2.weight().value().dtype();
    }

    /** Images {@code [N, 784]} as the classifier's input {@code [N, 1, 28, 28]} (a view). */
    public static Tensor asImages(Tensor rows) {
        if (rows.rank() != 2 || rows.size(1) != FashionMnist.PIXELS) {
            throw new IllegalArgumentException("FashionClassifier: image rows must be [N, " + FashionMnist.PIXELS + "], got "
                    + Shapes.format(rows.shape()));
        }
        return rows.reshape(rows.size(0), 1, SIDE, SIDE);
    }
}
