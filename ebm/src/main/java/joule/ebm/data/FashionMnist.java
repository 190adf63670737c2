package joule.ebm.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Fashion-MNIST (Xiao et al. 2017): 28×28 grey-scale images of 10 clothing classes, 60000 for
 * training and 10000 for testing, read from the IDX files that Debian's package
 * {@code dataset-fashion-mnist} installs in {@link #DEFAULT_DIR}
 * ({@code {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz}; un-gzipped copies are read too).
 *
 * <p>Images come as {@code [N, 784]} rows (row-major 28×28 pixels) in one of three scalings:
 * <ul>
 *   <li>{@link #images(DType)}: {@code p/255 ∈ [0, 1]} for the raw byte {@code p};
 *   <li>{@link #images(DType, RandomStream)}: dequantised, {@code (p + u)/256 ∈ [0, 1)} with
 *       {@code u ~ U[0, 1)} per pixel (a continuous density for likelihood-type models);
 *   <li>{@link #centred(Tensor)} of either: {@code 2x − 1 ∈ [−1, 1]}.
 * </ul>
 * Labels are the class indices {@code 0..9} ({@link #CLASS_NAMES}).
 *
 * <p>Errors: a missing file gives an {@link IllegalStateException} naming the path looked at
 * and saying to install the Debian package; a malformed file (wrong magic number, truncated,
 * trailing bytes, corrupt gzip, inconsistent sizes, labels out of range) an
 * {@link UncheckedIOException} naming the file and the problem.
 */
public final class FashionMnist {
    /** Where Debian's package {@code dataset-fashion-mnist} installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Image height and width. */
    public static final int SIDE = 28;
    /** Pixels per image, {@code 28 × 28}. */
    public static final int PIXELS = SIDE * SIDE;
    /** Class names by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    static final String INSTALL_HINT =
            "install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist)";

    /** The two splits, with the file-name prefixes of the IDX files. */
    public enum Split {
        /** 60000 training images. */
        TRAIN("train"),
        /** 10000 test images. */
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        /** File name of the images, e.g. {@code train-images-idx3-ubyte.gz}. */
        public String imagesFile() {
            return prefix + "-images-idx3-ubyte.gz";
        }

        /** File name of the labels, e.g. {@code train-labels-idx1-ubyte.gz}. */
        public String labelsFile() {
            return prefix + "-labels-idx1-ubyte.gz";
        }
    }

    private final int n;
    private final byte[] pixels;
    private final byte[] labels;

    private FashionMnist(int n, byte[] pixels, byte[] labels) {
        this.n = n;
        this.pixels = pixels;
        this.labels = labels;
    }

    /** A split from {@link #DEFAULT_DIR}. */
    public static FashionMnist load(Split split) {
        return load(split, DEFAULT_DIR);
    }

    /** Whether both splits' files are in {@link #DEFAULT_DIR} (Debian's {@code dataset-fashion-mnist} is installed). */
    public static boolean isInstalled() {
        for (Split split : Split.values()) {
            for (String file : List.of(split.imagesFile(), split.labelsFile())) {
                Path gz = DEFAULT_DIR.resolve(file);
                if (!Files.isRegularFile(gz) && !Files.isRegularFile(DEFAULT_DIR.resolve(file.replaceAll("\\.gz$", "")))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A split from the IDX files in {@code dir} (gzipped or not). */
    public static FashionMnist load(Split split, Path dir) {
        Path imagesPath = locate(dir, split.imagesFile());
        Path labelsPath = locate(dir, split.labelsFile());
        try {
            Idx.UByteArray images = Idx.readUnsignedBytes(imagesPath, 3);
            Idx.UByteArray labels = Idx.readUnsignedBytes(labelsPath, 1);
            if (images.dims()[1] != SIDE || images.dims()[2] != SIDE) {
                throw new IOException(imagesPath + ": images are " + images.dims()[1] + "×" + images.dims()[2]
                        + ", expected " + SIDE + "×" + SIDE + " (dimensions " + Arrays.toString(images.dims()) + ")");
            }
            int count = images.dims()[0];
            if (labels.dims()[0] != count) {
                throw new IOException(labelsPath + ": " + labels.dims()[0] + " labels for the " + count + " images of "
                        + imagesPath);
            }
            for (int i = 0; i < count; i++) {
                if (labels.get(i) >= CLASS_NAMES.size()) {
                    throw new IOException(labelsPath + ": label " + labels.get(i) + " at index " + i
                            + " is outside 0.." + (CLASS_NAMES.size() - 1));
                }
            }
            return new FashionMnist(count, images.data(), labels.data());
        } catch (IOException e) {
            throw new UncheckedIOException("FashionMnist: " + e.getMessage(), e);
        }
    }

    private static Path locate(Path dir, String gzName) {
        Path gz = dir.resolve(gzName);
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = dir.resolve(gzName.substring(0, gzName.length() - ".gz".length()));
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        throw new IllegalStateException("FashionMnist: no Fashion-MNIST file at " + gz + " (nor " + plain.getFileName()
                + "); " + INSTALL_HINT + ", which puts the files in " + DEFAULT_DIR);
    }

    /** Number of images. */
    public int size() {
        return n;
    }

    /** Images {@code [start, start + count)} and their labels. */
    public FashionMnist subset(int start, int count) {
        if (start < 0 || count < 0 || start > n - count) {
            throw new IllegalArgumentException("FashionMnist.subset: range start=" + start + " count=" + count
                    + " is outside 0.." + n);
        }
        return new FashionMnist(count, Arrays.copyOfRange(pixels, start * PIXELS, (start + count) * PIXELS),
                Arrays.copyOfRange(labels, start, start + count));
    }

    /** Raw value {@code 0..255} of pixel {@code (row, col)} of image {@code i}. */
    public int pixel(int i, int row, int col) {
        if (i < 0 || i >= n || row < 0 || row >= SIDE || col < 0 || col >= SIDE) {
            throw new IllegalArgumentException("FashionMnist.pixel: index (" + i + ", " + row + ", " + col
                    + ") is outside [" + n + ", " + SIDE + ", " + SIDE + "]");
        }
        return pixels[i * PIXELS + row * SIDE + col] & 0xFF;
    }

    /** Label {@code 0..9} of image {@code i}. */
    public int label(int i) {
        if (i < 0 || i >= n) {
            throw new IllegalArgumentException("FashionMnist.label: index " + i + " is outside 0.." + (n - 1));
        }
        return labels[i];
    }

    /** All labels {@code 0..9}, {@code [N]}. */
    public int[] labels() {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = labels[i];
        }
        return out;
    }

    /** Labels as class-index values, {@code [N]} of {@code dtype}. */
    public Tensor labelTensor(DType dtype) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = labels[i];
        }
        return Tensor.of(dtype, out, n);
    }

    /** Images {@code [N, 784]}, each pixel {@code p/255 ∈ [0, 1]}. */
    public Tensor images(DType dtype) {
        return raw(dtype, 1.0 / 255);
    }

    /**
     * Dequantised images {@code [N, 784]}: {@code (p + u)/256 ∈ [0, 1)} with {@code u ~ U[0, 1)}
     * per pixel drawn from {@code rs} (advancing it), on the stream's device.
     */
    public Tensor images(DType dtype, RandomStream rs) {
        return raw(dtype, 1).to(rs.device()).add(rs.uniform(dtype, n, PIXELS)).div(256);
    }

    /** {@code 2x − 1}: images in {@code [0, 1]} mapped to {@code [−1, 1]}. */
    public static Tensor centred(Tensor images) {
        return images.mul(2).sub(1);
    }

    private Tensor raw(DType dtype, double scale) {
        int total = n * PIXELS;
        if (dtype == DType.FLOAT32) {
            float[] out = new float[total];
            for (int i = 0; i < total; i++) {
                out[i] = (float) ((pixels[i] & 0xFF) * scale);
            }
            return Tensor.of(out, n, PIXELS);
        }
        double[] out = new double[total];
        for (int i = 0; i < total; i++) {
            out[i] = (pixels[i] & 0xFF) * scale;
        }
        return Tensor.of(dtype, out, n, PIXELS);
    }
}
