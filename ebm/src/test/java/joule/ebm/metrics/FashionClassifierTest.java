package joule.ebm.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import joule.autograd.Var;
import joule.ebm.data.FashionMnist;
import joule.ebm.data.IdxFixtures;
import joule.ebm.io.SafeTensors;
import joule.ebm.nn.Parameter;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import joule.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classifier's layout, its training on a small generated data set, and the shipped weights. */
class FashionClassifierTest {
    @TempDir
    Path dir;

    @Test
    void hasPyTorchNamesAndShapes() {
        FashionClassifier model = new FashionClassifier(DType.FLOAT32, new RandomStream(1));
        List<String> expected = List.of("conv1.weight [16, 1, 3, 3]", "conv1.bias [16]", "conv2.weight [32, 16, 3, 3]",
                "conv2.bias [32]", "fc1.weight [128, 1568]", "fc1.bias [128]", "fc2.weight [10, 128]", "fc2.bias [10]");
        assertEquals(expected, model.parameters().stream()
                .map(p -> p.name() + " " + Shapes.format(p.value().shape())).toList());
        assertEquals(16 * 9 + 16 + 32 * 16 * 9 + 32 + 128 * 1568 + 128 + 1280 + 10, model.parameterCount());
        assertEquals(DType.FLOAT32, model.dtype());
    }

    @Test
    void featuresAndLogitsHaveTheirShapes() {
        FashionClassifier model = new FashionClassifier(DType.FLOAT64, new RandomStream(2));
        Var x = Var.constant(new RandomStream(3).uniform(-1, 1, DType.FLOAT64, 3, 1, 28, 28));
        Var features = model.features(x);
        assertArrayEquals(new int[] {3, 128}, features.shape());
        Var logits = model.logits(x);
        assertArrayEquals(new int[] {3, 10}, logits.shape());
        assertArrayEquals(model.logitsOfFeatures(features).value().toDoubleArray(), logits.value().toDoubleArray(), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.features(Var.constant(Tensor.zeros(DType.FLOAT64, 3, 784))));
        assertTrue(e.getMessage().contains("[B, 1, 28, 28], got [3, 784]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FashionClassifier.asImages(Tensor.zeros(DType.FLOAT64, 3, 783)));
        assertTrue(e.getMessage().contains("[N, 784], got [3, 783]"), e.getMessage());
    }

    /** 100 images, class c a bright 8 × 8 square at one of ten places on a noisy background. */
    private FashionMnist squares() throws IOException {
        int n = 100;
        double[] noise = new RandomStream(4).uniform(DType.FLOAT64, n * 784).toDoubleArray();
        byte[] pixels = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = i % 10;
            labels[i] = (byte) c;
            int top = 2 + 9 * (c / 4);
            int left = 2 + 6 * (c % 4);
            for (int k = 0; k < 784; k++) {
                int r = k / 28;
                int col = k % 28;
                boolean inSquare = r >= top && r < top + 8 && col >= left && col < left + 8;
                pixels[i * 784 + k] = (byte) (int) (noise[i * 784 + k] * 100 + (inSquare ? 150 : 0));
            }
        }
        IdxFixtures.writeSplit(dir, FashionMnist.Split.TRAIN, pixels, labels);
        return FashionMnist.load(FashionMnist.Split.TRAIN, dir);
    }

    @Test
    void trainingLearns() throws IOException {
        FashionMnist data = squares();
        var settings = new FashionClassifierTraining.Settings(2, 10, 5e-3, 7, 100);
        Tensor images = FashionMnist.centred(data.images(DType.FLOAT32));
        double before = FashionClassifierTraining.accuracy(new FashionClassifier(DType.FLOAT32, new RandomStream(7)), images,
                data.labels());
        FashionClassifier model = FashionClassifierTraining.train(data, settings, false);
        double after = FashionClassifierTraining.accuracy(model, images, data.labels());
        assertTrue(after >= 0.9 && after > before + 0.5, "accuracy " + before + " → " + after);
    }

    /**
     * Two trainings give the same bits, on the vector kernels (whose results do not depend on the JIT tier, so the
     * second run, with more of them compiled, must agree) and on the scalar twins.
     */
    @Test
    void trainingIsDeterministic() throws IOException {
        FashionMnist data = squares().subset(0, 40);
        var settings = new FashionClassifierTraining.Settings(1, 20, 3e-3, 7, 40);
        assertSameWeights(FashionClassifierTraining.train(data, settings, false),
                FashionClassifierTraining.train(data, settings, false));
        assertSameWeights(CpuBackend.withScalarKernels(() -> FashionClassifierTraining.train(data, settings, false)),
                CpuBackend.withScalarKernels(() -> FashionClassifierTraining.train(data, settings, false)));
    }

    private static void assertSameWeights(FashionClassifier model, FashionClassifier again) {
        for (int i = 0; i < model.parameters().size(); i++) {
            assertArrayEquals(model.parameters().get(i).value().toDoubleArray(),
                    again.parameters().get(i).value().toDoubleArray(), 0.0, model.parameters().get(i).name());
        }
    }

    @Test
    void settingsParseKeyValueArguments() {
        var s = FashionClassifierTraining.Settings.DEFAULT.with(new String[] {"out", "epochs=1", "lr=0.01", "train=640"}, 1);
        assertEquals(new FashionClassifierTraining.Settings(1, 64, 0.01, 2026, 640), s);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FashionClassifierTraining.Settings.DEFAULT.with(new String[] {"epoch=2"}, 0));
        assertTrue(e.getMessage().contains("unknown setting 'epoch'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FashionClassifierTraining.Settings(1, 64, 0, 1, 640));
        assertTrue(e.getMessage().contains("lr > 0"), e.getMessage());
    }

    @Test
    void shippedWeightsLoadAndSayHowTheyWereMade() throws IOException {
        FashionClassifier model = FashionClassifier.pretrained();
        FashionClassifier fresh = new FashionClassifier(DType.FLOAT32, new RandomStream(0));
        for (int i = 0; i < model.parameters().size(); i++) {
            Parameter p = model.parameters().get(i);
            assertEquals(DType.FLOAT32, p.value().dtype());
            assertTrue(Double.isFinite(p.value().abs().max(new int[0], false).item()), p.name());
            assertTrue(p.value().sub(fresh.parameters().get(i).value()).abs().max(new int[0], false).item() > 0, p.name());
        }
        try (InputStream in = FashionClassifier.class.getResourceAsStream(FashionClassifier.WEIGHTS_RESOURCE)) {
            var metadata = SafeTensors.read("resource", in.readAllBytes()).metadata();
            assertEquals("FashionClassifier", metadata.get("model"));
            assertEquals(FashionClassifierTraining.Settings.DEFAULT.toString(), metadata.get("settings"));
            assertTrue(Double.parseDouble(metadata.get("test_accuracy")) >= 0.88, metadata.toString());
        }
    }
}
