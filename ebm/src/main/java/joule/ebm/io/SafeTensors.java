package joule.ebm.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import joule.tensor.DType;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * The safetensors format (as read by Hugging Face's {@code safetensors} package and PyTorch): an
 * 8-byte little-endian header length {@code N}, a UTF-8 JSON header of {@code N} bytes mapping each
 * name to {@code {"dtype": "F32"|"F64", "shape": [...], "data_offsets": [begin, end]}} plus an
 * optional {@code "__metadata__"} map of strings, then the little-endian data of all tensors.
 *
 * <p>Reading enforces the format as the reference implementation does, and checks everything before
 * allocating anything the header asks for: the header is at most {@value #MAX_HEADER} bytes of valid
 * UTF-8 JSON (an object, padded with trailing spaces at most); shapes and offsets are non-negative
 * integers; each tensor's byte range holds exactly its shape; the ranges, in order, tile the data
 * section with no gap, overlap or trailing byte; and the tensors fit in the Java heap's free memory.
 * Every violation is an {@link IOException} naming the source and what is wrong.
 *
 * <p>Files are written atomically and streamed (so their total size may pass 2 GiB): to a temporary
 * file beside the target, then renamed over it, so an interrupted write never leaves a corrupt file.
 */
public final class SafeTensors {
    /** The largest header accepted, as in the reference implementation (100 MB). */
    public static final long MAX_HEADER = 100_000_000L;

    private static final Set<String> SPEC_KEYS = Set.of("dtype", "shape", "data_offsets");
    private static final int CHUNK = 1 << 16;

    private SafeTensors() {
    }

    /** Tensors by name, in file order, and the metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /** Where a tensor's data lies in the data section, as the header says. */
    private record Entry(String name, DType dtype, int[] shape, long begin, long end) {
    }

    /** Positional reads from a file or an array. */
    private interface Source {
        long size() throws IOException;

        /** Fills {@code dst} from {@code position} on. */
        void read(long position, ByteBuffer dst) throws IOException;
    }

    /** Writes {@code tensors} (in the map's order) and {@code metadata} to {@code path}, atomically. */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        require(path, "path");
        require(tensors, "tensors");
        require(metadata, "metadata");
        StringBuilder header = new StringBuilder("{");
        header.append("\"__metadata__\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            require(e.getKey(), "a metadata key");
            require(e.getValue(), "metadata '" + e.getKey() + "'");
            header.append(first ? "" : ",").append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
            first = false;
        }
        header.append('}');
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            require(e.getKey(), "a tensor name");
            Tensor t = require(e.getValue(), "tensor '" + e.getKey() + "'");
            if (e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("SafeTensors.write: '__metadata__' is not a tensor name");
            }
            long bytes = (long) t.numel() * t.dtype().bytes();
            header.append(',').append(Json.quote(e.getKey())).append(":{\"dtype\":\"")
                    .append(t.dtype() == DType.FLOAT32 ? "F32" : "F64").append("\",\"shape\":")
                    .append(Shapes.format(t.shape()).replace(" ", "")).append(",\"data_offsets\":[").append(offset)
                    .append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        AtomicFiles.write(path, channel -> {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) {
                head.put((byte) ' ');
            }
            drain(channel, head);
            ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                int width = t.dtype().bytes();
                for (double x : t.toDoubleArray()) {
                    if (buf.remaining() < width) {
                        drain(channel, buf);
                    }
                    if (width == 4) {
                        buf.putFloat((float) x);
                    } else {
                        buf.putDouble(x);
                    }
                }
            }
            drain(channel, buf);
        });
    }

    private static void drain(FileChannel channel, ByteBuffer buf) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        buf.clear();
    }

    /**
     * Reads a safetensors file of F32/F64 tensors.
     *
     * @throws IOException naming the file and what is wrong when it is not a regular file, or is truncated,
     *                     malformed or too large for the heap
     */
    public static Contents read(Path path) throws IOException {
        require(path, "path");
        if (Files.isDirectory(path)) {
            throw new IOException(path + ": is a directory, not a safetensors file");
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw new IOException(path + ": is not a regular file (a device or a pipe?), not a safetensors file");
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(path.toString(), new Source() {
                @Override
                public long size() throws IOException {
                    return channel.size();
                }

                @Override
                public void read(long position, ByteBuffer dst) throws IOException {
                    long at = position;
                    while (dst.hasRemaining()) {
                        int n = channel.read(dst, at);
                        if (n < 0) {
                            throw new EOFException(path + ": ended early (was it changed while being read?)");
                        }
                        at += n;
                    }
                }
            });
        }
    }

    /**
     * Reads safetensors {@code bytes} (a file's content, or a resource's), naming {@code source}
     * in errors.
     *
     * @throws IOException naming {@code source} and what is wrong when the bytes are truncated or malformed
     */
    public static Contents read(String source, byte[] bytes) throws IOException {
        require(source, "source");
        require(bytes, "bytes");
        return read(source, new Source() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void read(long position, ByteBuffer dst) {
                dst.put(bytes, (int) position, dst.remaining());
            }
        });
    }

    private static Contents read(String source, Source in) throws IOException {
        long size = in.size();
        if (size < 8) {
            throw corrupt(source, "it has " + size + " bytes, fewer than the 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        in.read(0, lengthBytes);
        long headerLength = lengthBytes.getLong(0);
        if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > size - 8) {
            throw corrupt(source, "header length " + Long.toUnsignedString(headerLength) + " does not fit a file of "
                    + size + " bytes (at most " + MAX_HEADER + ")");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        in.read(8, headerBytes);
        Map<String, Object> header = header(source, headerBytes.flip());
        long dataStart = 8 + headerLength;
        long dataLength = size - dataStart;
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw corrupt(source, "__metadata__ is not an object");
                }
                for (Map.Entry<?, ?> kv : m.entrySet()) {
                    if (!(kv.getValue() instanceof String value)) {
                        throw corrupt(source, "__metadata__ '" + kv.getKey() + "' is not a string");
                    }
                    metadata.put((String) kv.getKey(), value);
                }
                continue;
            }
            entries.add(entry(source, e.getKey(), e.getValue()));
        }
        checkCoverage(source, entries, dataLength);
        checkMemory(source, entries);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            tensors.put(e.name(), tensor(e, in, dataStart));
        }
        return new Contents(tensors, metadata);
    }

    private static Map<String, Object> header(String source, ByteBuffer bytes) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw corrupt(source, "the header is not valid UTF-8");
        }
        if (!text.startsWith("{")) {
            throw corrupt(source, "the header does not start with '{'");
        }
        String json = text.stripTrailing();
        if (!json.equals(text) && !text.substring(json.length()).chars().allMatch(c -> c == ' ')) {
            throw corrupt(source, "the header is padded with something other than spaces");
        }
        try {
            return Json.parseObject(json);
        } catch (IllegalArgumentException e) {
            throw corrupt(source, "the header is not valid JSON (" + e.getMessage() + ")");
        }
    }

    private static Entry entry(String source, String name, Object spec) throws IOException {
        if (!(spec instanceof Map<?, ?> m) || !(m.get("dtype") instanceof String dtype)
                || !(m.get("shape") instanceof List<?> shapeList) || !(m.get("data_offsets") instanceof List<?> offsets)) {
            throw corrupt(source, "tensor '" + name + "' needs dtype, shape and data_offsets [begin, end]");
        }
        for (Object key : m.keySet()) {
            if (!SPEC_KEYS.contains(key)) {
                throw corrupt(source, "tensor '" + name + "' has an unknown field '" + key + "'");
            }
        }
        DType type = switch (dtype) {
            case "F32" -> DType.FLOAT32;
            case "F64" -> DType.FLOAT64;
            default -> throw corrupt(source, "tensor '" + name + "' has dtype " + dtype + "; Joule reads F32 and F64");
        };
        int[] shape = new int[shapeList.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long n) || n < 0 || n > Integer.MAX_VALUE) {
                throw corrupt(source, "tensor '" + name + "' has a bad shape " + shapeList
                        + " (sizes must be integers in [0, 2^31-1])");
            }
            shape[i] = n.intValue();
            numel *= n;                                        // both factors are below 2^31: no overflow
            if (numel > Integer.MAX_VALUE) {
                throw corrupt(source, "tensor '" + name + "' has more than 2^31-1 elements: " + shapeList);
            }
        }
        if (offsets.size() != 2 || !(offsets.get(0) instanceof Long begin) || !(offsets.get(1) instanceof Long end)
                || begin < 0 || end < begin) {
            throw corrupt(source, "tensor '" + name + "' data_offsets " + offsets
                    + " are not two integers 0 ≤ begin ≤ end");
        }
        if (end - begin != numel * type.bytes()) {
            throw corrupt(source, "tensor '" + name + "' data_offsets [" + begin + ", " + end + "] hold " + (end - begin)
                    + " bytes, but " + Shapes.format(shape) + " " + dtype + " needs " + numel * type.bytes());
        }
        return new Entry(name, type, shape, begin, end);
    }

    /** The tensors' ranges, in order of their starts, must tile {@code [0, dataLength)} exactly. */
    private static void checkCoverage(String source, List<Entry> entries, long dataLength) throws IOException {
        List<Entry> byStart = new ArrayList<>(entries);
        byStart.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : byStart) {
            if (e.begin() != expected) {
                throw corrupt(source, "tensor '" + e.name() + "' starts at data byte " + e.begin() + " but the "
                        + (expected == 0 ? "data section starts" : "previous tensor ends") + " at " + expected
                        + (e.begin() < expected ? " (overlap)" : " (gap)"));
            }
            expected = e.end();
        }
        if (expected != dataLength) {
            throw corrupt(source, "the tensors hold " + expected + " data bytes but the file has " + dataLength
                    + (expected < dataLength ? " (trailing bytes, or a wrong header length)" : " (truncated file?)"));
        }
    }

    /** The tensors, and one chunk of copying, must fit in the heap's free memory. */
    private static void checkMemory(String source, List<Entry> entries) throws IOException {
        long needed = 0;
        long largest = 0;
        for (Entry e : entries) {
            needed += e.end() - e.begin();
            largest = Math.max(largest, e.end() - e.begin());
        }
        needed += largest;
        long free = freeHeap();
        if (needed > free) {
            System.gc();                                       // the estimate counts garbage not yet collected
            free = freeHeap();
        }
        if (needed > free) {
            throw new IOException(source + ": its tensors need " + (needed >> 20) + " MiB but the Java heap has "
                    + (free >> 20) + " MiB free (raise -Xmx)");
        }
    }

    private static long freeHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    private static Tensor tensor(Entry e, Source in, long dataStart) throws IOException {
        int numel = (int) ((e.end() - e.begin()) / e.dtype().bytes());
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, e.end() - e.begin())).order(ByteOrder.LITTLE_ENDIAN);
        long at = dataStart + e.begin();
        if (e.dtype() == DType.FLOAT32) {
            float[] values = new float[numel];
            for (int i = 0; i < numel; ) {
                int n = Math.min(numel - i, buf.capacity() / 4);
                in.read(at, buf.clear().limit(4 * n));
                buf.flip().asFloatBuffer().get(values, i, n);
                i += n;
                at += 4L * n;
            }
            return Tensor.of(values).reshape(e.shape());
        }
        double[] values = new double[numel];
        for (int i = 0; i < numel; ) {
            int n = Math.min(numel - i, buf.capacity() / 8);
            in.read(at, buf.clear().limit(8 * n));
            buf.flip().asDoubleBuffer().get(values, i, n);
            i += n;
            at += 8L * n;
        }
        return Tensor.of(DType.FLOAT64, values).reshape(e.shape());
    }

    private static <T> T require(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("SafeTensors: " + what + " must not be null");
        }
        return value;
    }

    private static IOException corrupt(String source, String why) {
        return new IOException(source + ": not a valid safetensors file: " + why);
    }
}
