package joule.ebm.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader for IDX files (the MNIST format), plain or gzipped (detected from the content, not the
 * name): a big-endian magic number {@code 0x0000TTRR} (element type {@code TT}, rank {@code RR}),
 * {@code RR} big-endian 32-bit dimension sizes, then the elements in row-major order. Only
 * unsigned bytes (type {@code 0x08}) are supported, the type of every MNIST-style file.
 */
public final class Idx {
    /** The IDX type code of unsigned bytes. */
    public static final int UNSIGNED_BYTE = 0x08;

    private Idx() {
    }

    /** The content of an IDX file of unsigned bytes: its dimensions and row-major elements. */
    public record UByteArray(Path file, int[] dims, byte[] data) {
        /** Element at flat index {@code i} as {@code 0..255}. */
        public int get(int i) {
            return data[i] & 0xFF;
        }
    }

    /**
     * Reads an IDX file of unsigned bytes with {@code rank} dimensions.
     *
     * @throws IOException naming the file and the problem when it is missing, has a wrong magic
     *     number, is truncated (fewer bytes than its header declares), has trailing bytes, or is a
     *     corrupt gzip stream
     */
    public static UByteArray readUnsignedBytes(Path file, int rank) throws IOException {
        if (rank < 1 || rank > 255) {
            throw new IllegalArgumentException("Idx.readUnsignedBytes: rank must be in 1..255, got " + rank);
        }
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such IDX file");
        }
        try (InputStream in = open(file)) {
            byte[] header = in.readNBytes(4);
            if (header.length < 4) {
                throw new IOException(file + ": truncated IDX file: " + header.length
                        + " bytes, shorter than the 4-byte magic number");
            }
            int magic = be32(header, 0);
            int expected = (UNSIGNED_BYTE << 8) | rank;
            if (magic != expected) {
                throw new IOException(file + String.format(": wrong IDX magic number 0x%08X, expected 0x%08X"
                        + " (unsigned bytes, %d dimensions)", magic, expected, rank));
            }
            byte[] dimBytes = in.readNBytes(4 * rank);
            if (dimBytes.length < 4 * rank) {
                throw new IOException(file + ": truncated IDX header: " + rank + " dimension sizes declared, file ends after "
                        + dimBytes.length / 4);
            }
            int[] dims = new int[rank];
            long total = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = be32(dimBytes, 4 * i);
                if (dims[i] < 0) {
                    throw new IOException(file + ": IDX dimension " + i + " is negative (" + dims[i] + ")");
                }
                total *= dims[i];
                if (total > Integer.MAX_VALUE - 16) {
                    throw new IOException(file + ": IDX dimensions " + formatDims(dims, i + 1) + " hold more than "
                            + (Integer.MAX_VALUE - 16) + " elements");
                }
            }
            byte[] data = in.readNBytes((int) total);
            if (data.length < total) {
                throw new IOException(file + ": truncated IDX file: header declares dimensions " + Arrays.toString(dims)
                        + " = " + total + " data bytes, but the file ends after " + data.length);
            }
            if (in.read() >= 0) {
                throw new IOException(file + ": trailing bytes after the " + total + " data bytes that dimensions "
                        + Arrays.toString(dims) + " declare");
            }
            return new UByteArray(file, dims, data);
        } catch (EOFException | ZipException e) {
            throw new IOException(file + ": truncated or corrupt gzip stream (" + e.getMessage() + ")", e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return in;
    }

    private static int be32(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static String formatDims(int[] dims, int count) {
        return Arrays.toString(Arrays.copyOf(dims, count));
    }
}
