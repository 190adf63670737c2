package joule.ebm.data;

import static joule.ebm.data.IdxFixtures.gzip;
import static joule.ebm.data.IdxFixtures.idx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IDX reader on small files written by the tests ({@link IdxFixtures}), and on the files of
 * Debian's package {@code dataset-fashion-mnist} where it is installed (CI installs it in
 * {@code .ci/run}; elsewhere those tests are skipped by an assumption).
 */
class FashionMnistTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheInstalledTrainingSet() {
        assumeInstalled();
        FashionMnist train = FashionMnist.load(FashionMnist.Split.TRAIN);
        assertEquals(60_000, train.size());
        int[] labels = train.labels();
        assertEquals(60_000, labels.length);
        int[] perClass = new int[10];
        for (int l : labels) {
            perClass[l]++;
        }
        int[] expected = new int[10];
        Arrays.fill(expected, 6000);
        assertArrayEquals(expected, perClass);
        assertEquals(9, train.label(0));
        assertEquals("Ankle boot", FashionMnist.CLASS_NAMES.get(train.label(0)));
        int firstImageSum = 0;
        for (int r = 0; r < FashionMnist.SIDE; r++) {
            for (int c = 0; c < FashionMnist.SIDE; c++) {
                firstImageSum += train.pixel(0, r, c);
            }
        }
        assertEquals(76_247, firstImageSum);

        FashionMnist head = train.subset(0, 1000);
        Tensor x = head.images(DType.FLOAT32);
        assertArrayEquals(new int[] {1000, 784}, x.shape());
        assertEquals(DType.FLOAT32, x.dtype());
        assertEquals(76_247 / 255.0, x.narrow(0, 0, 1).sum().item(), 1e-3);
        assertEquals(0.0, x.min(new int[0], false).item());
        assertEquals(1.0, x.max(new int[0], false).item());
        assertArrayEquals(Arrays.copyOf(labels, 1000), head.labels());
        Tensor y = head.labelTensor(DType.FLOAT64);
        assertArrayEquals(new int[] {1000}, y.shape());
        assertEquals(9.0, y.get(0));
    }

    @Test
    void readsTheInstalledTestSet() {
        assumeInstalled();
        FashionMnist test = FashionMnist.load(FashionMnist.Split.TEST, FashionMnist.DEFAULT_DIR);
        assertEquals(10_000, test.size());
        int[] perClass = new int[10];
        for (int l : test.labels()) {
            assertTrue(l >= 0 && l <= 9);
            perClass[l]++;
        }
        int[] expected = new int[10];
        Arrays.fill(expected, 1000);
        assertArrayEquals(expected, perClass);

        Tensor x = test.images(DType.FLOAT64);
        assertArrayEquals(new int[] {10_000, 784}, x.shape());
        assertEquals(0.0, x.min(new int[0], false).item());
        assertEquals(1.0, x.max(new int[0], false).item());
        assertEquals(0.2868, x.mean().item(), 1e-3); // mean pixel of the test set

        Tensor c = FashionMnist.centred(x);
        assertEquals(-1.0, c.min(new int[0], false).item());
        assertEquals(1.0, c.max(new int[0], false).item());
    }

    @Test
    void dequantisedImagesStayInTheirPixelBins() {
        assumeInstalled();
        FashionMnist head = FashionMnist.load(FashionMnist.Split.TEST).subset(0, 50);
        Tensor d = head.images(DType.FLOAT64, new RandomStream(3));
        Tensor again = head.images(DType.FLOAT64, new RandomStream(3));
        assertArrayEquals(d.toDoubleArray(), again.toDoubleArray(), 0.0);
        double[] v = d.toDoubleArray();
        for (int i = 0; i < 50; i++) {
            for (int k = 0; k < 784; k++) {
                int p = head.pixel(i, k / 28, k % 28);
                double q = v[i * 784 + k] * 256;
                assertTrue(q >= p && q < p + 1, "pixel " + p + " dequantised to " + q / 256);
            }
        }
    }

    /** Skips a test on the real data where Debian's package is not installed. */
    static void assumeInstalled() {
        assumeTrue(FashionMnist.isInstalled(), "Debian's dataset-fashion-mnist is not installed (no files in "
                + FashionMnist.DEFAULT_DIR + "): apt-get install dataset-fashion-mnist");
    }

    @Test
    void missingFilesSayWhatToInstall() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> FashionMnist.load(FashionMnist.Split.TRAIN, tmp));
        assertTrue(e.getMessage().contains("install Debian's package dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.resolve("train-images-idx3-ubyte.gz").toString()), e.getMessage());
    }

    /** A small well-formed test split: 3 images, labels 4, 0, 9. */
    private void writeSmallSplit(boolean gzipped) throws IOException {
        byte[] pixels = new byte[3 * 784];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i % 256);
        }
        byte[] images = idx(0x0803, new int[] {3, 28, 28}, pixels);
        byte[] labels = idx(0x0801, new int[] {3}, new byte[] {4, 0, 9});
        if (gzipped) {
            Files.write(tmp.resolve("t10k-images-idx3-ubyte.gz"), gzip(images));
            Files.write(tmp.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels));
        } else {
            Files.write(tmp.resolve("t10k-images-idx3-ubyte"), images);
            Files.write(tmp.resolve("t10k-labels-idx1-ubyte"), labels);
        }
    }

    @Test
    void readsSmallFilesGzippedOrNot() throws IOException {
        for (boolean gz : new boolean[] {true, false}) {
            Files.deleteIfExists(tmp.resolve("t10k-images-idx3-ubyte.gz"));
            Files.deleteIfExists(tmp.resolve("t10k-labels-idx1-ubyte.gz"));
            writeSmallSplit(gz);
            FashionMnist m = FashionMnist.load(FashionMnist.Split.TEST, tmp);
            assertEquals(3, m.size());
            assertArrayEquals(new int[] {4, 0, 9}, m.labels());
            assertEquals(255, m.pixel(0, 9, 3)); // flat index 255
            assertEquals((784 + 5) % 256, m.pixel(1, 0, 5));
            assertEquals(255 / 255.0, m.images(DType.FLOAT64).get(0, 255));
        }
    }

    @Test
    void truncatedFileIsNamed() throws IOException {
        writeSmallSplit(false);
        Path images = tmp.resolve("t10k-images-idx3-ubyte");
        byte[] full = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(full, full.length - 100));
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> FashionMnist.load(FashionMnist.Split.TEST, tmp));
        assertTrue(e.getMessage().contains(images.toString()) && e.getMessage().contains("truncated"), e.getMessage());

        // A truncated gzip stream.
        Files.delete(images);
        Path gz = tmp.resolve("t10k-images-idx3-ubyte.gz");
        byte[] zipped = gzip(full);
        Files.write(gz, Arrays.copyOf(zipped, zipped.length / 2));
        e = assertThrows(UncheckedIOException.class, () -> FashionMnist.load(FashionMnist.Split.TEST, tmp));
        assertTrue(e.getMessage().contains(gz.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void wrongMagicIsNamed() throws IOException {
        writeSmallSplit(false);
        Path labels = tmp.resolve("t10k-labels-idx1-ubyte");
        Files.write(labels, idx(0x0803, new int[] {3, 1, 1}, new byte[] {1, 2, 3})); // images magic in a labels file
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> FashionMnist.load(FashionMnist.Split.TEST, tmp));
        assertTrue(e.getMessage().contains(labels.toString()) && e.getMessage().contains("magic")
                && e.getMessage().contains("0x00000803") && e.getMessage().contains("0x00000801"), e.getMessage());
    }

    @Test
    void inconsistentContentIsNamed() throws IOException {
        writeSmallSplit(false);
        Path labels = tmp.resolve("t10k-labels-idx1-ubyte");
        Files.write(labels, idx(0x0801, new int[] {2}, new byte[] {1, 2}));
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> FashionMnist.load(FashionMnist.Split.TEST, tmp));
        assertTrue(e.getMessage().contains("2 labels for the 3 images"), e.getMessage());

        Files.write(labels, idx(0x0801, new int[] {3}, new byte[] {1, 12, 3}));
        e = assertThrows(UncheckedIOException.class, () -> FashionMnist.load(FashionMnist.Split.TEST, tmp));
        assertTrue(e.getMessage().contains("label 12 at index 1"), e.getMessage());

        Files.write(labels, idx(0x0801, new int[] {3}, new byte[] {1, 2, 3, 4}));
        e = assertThrows(UncheckedIOException.class, () -> FashionMnist.load(FashionMnist.Split.TEST, tmp));
        assertTrue(e.getMessage().contains("trailing bytes"), e.getMessage());

        Path images = tmp.resolve("t10k-images-idx3-ubyte");
        Files.write(images, idx(0x0803, new int[] {1, 27, 29}, new byte[27 * 29]));
        Files.write(labels, idx(0x0801, new int[] {1}, new byte[] {1}));
        e = assertThrows(UncheckedIOException.class, () -> FashionMnist.load(FashionMnist.Split.TEST, tmp));
        assertTrue(e.getMessage().contains("27×29"), e.getMessage());
    }

    @Test
    void badIndicesAreRejected() throws IOException {
        writeSmallSplit(true);
        FashionMnist m = FashionMnist.load(FashionMnist.Split.TEST, tmp);
        assertThrows(IllegalArgumentException.class, () -> m.subset(2, 2));
        assertThrows(IllegalArgumentException.class, () -> m.label(3));
        assertThrows(IllegalArgumentException.class, () -> m.pixel(0, 28, 0));
    }
}
