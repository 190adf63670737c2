package joule.ebm.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Small IDX files for tests: the format of {@link Idx}, written by hand. */
public final class IdxFixtures {
    private IdxFixtures() {
    }

    /** An IDX file: the magic number {@code typeAndRank} ({@code 0x0803} for 3-d unsigned bytes), the dimensions, the data. */
    public static byte[] idx(int typeAndRank, int[] dims, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] words = new int[dims.length + 1];
        words[0] = typeAndRank;
        System.arraycopy(dims, 0, words, 1, dims.length);
        for (int w : words) {
            out.write(w >>> 24);
            out.write(w >>> 16);
            out.write(w >>> 8);
            out.write(w);
        }
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** {@code raw} gzipped. */
    public static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    /**
     * Writes a Fashion-MNIST split into {@code dir} as gzipped IDX files under the names Debian
     * uses: {@code pixels} ({@code labels.length × 784} bytes) and {@code labels} ({@code 0..9}).
     */
    public static void writeSplit(Path dir, FashionMnist.Split split, byte[] pixels, byte[] labels) throws IOException {
        int n = labels.length;
        if (pixels.length != n * FashionMnist.PIXELS) {
            throw new IllegalArgumentException("writeSplit: " + pixels.length + " pixel bytes for " + n + " labels");
        }
        Files.write(dir.resolve(split.imagesFile()), gzip(idx(0x0803, new int[] {n, FashionMnist.SIDE, FashionMnist.SIDE},
                pixels)));
        Files.write(dir.resolve(split.labelsFile()), gzip(idx(0x0801, new int[] {n}, labels)));
    }
}
