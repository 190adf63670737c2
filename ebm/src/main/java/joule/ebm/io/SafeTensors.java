package joule.ebm.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import joule.tensor.DType;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * The safetensors format (as read by Hugging Face's {@code safetensors} package and PyTorch): an
 * 8-byte little-endian header length {@code N}, a UTF-8 JSON header of {@code N} bytes mapping each
 * name to {@code {"dtype": "F32"|"F64", "shape": [...], "data_offsets": [begin, end]}} plus an
 * optional {@code "__metadata__"} map of strings, then the little-endian data of all tensors.
 *
 * <p>Files are written atomically: to a temporary file beside the target, then renamed over it, so
 * an interrupted write never leaves a corrupt file.
 */
public final class SafeTensors {
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {
    }

    /** Tensors by name, in file order, and the metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /** Writes {@code tensors} (in the map's order) and {@code metadata} to {@code path}, atomically. */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        StringBuilder header = new StringBuilder("{");
        header.append("\"__metadata__\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            header.append(first ? "" : ",").append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
            first = false;
        }
        header.append('}');
        long offset = 0;
        List<Tensor> order = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            long bytes = (long) t.numel() * t.dtype().bytes();
            header.append(',').append(Json.quote(e.getKey())).append(":{\"dtype\":\"")
                    .append(t.dtype() == DType.FLOAT32 ? "F32" : "F64").append("\",\"shape\":")
                    .append(Shapes.format(t.shape()).replace(" ", "")).append(",\"data_offsets\":[").append(offset)
                    .append(',').append(offset + bytes).append("]}");
            offset += bytes;
            order.add(t);
        }
        header.append('}');
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        for (Tensor t : order) {
            double[] v = t.toDoubleArray();
            if (t.dtype() == DType.FLOAT32) {
                for (double x : v) {
                    buf.putFloat((float) x);
                }
            } else {
                for (double x : v) {
                    buf.putDouble(x);
                }
            }
        }
        AtomicFiles.write(path, buf.array());
    }

    /**
     * Reads a safetensors file of F32/F64 tensors.
     *
     * @throws IOException naming the file and what is wrong when it is truncated or malformed
     */
    public static Contents read(Path path) throws IOException {
        return read(path.toString(), Files.readAllBytes(path));
    }

    /**
     * Reads safetensors {@code bytes} (a file's content, or a resource's), naming {@code source}
     * in errors.
     *
     * @throws IOException naming {@code source} and what is wrong when the bytes are truncated or malformed
     */
    public static Contents read(String source, byte[] bytes) throws IOException {
        if (bytes.length < 8) {
            throw corrupt(source, "it has " + bytes.length + " bytes, fewer than the 8-byte header length");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buf.getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER || 8 + headerLength > bytes.length) {
            throw corrupt(source, "header length " + headerLength + " does not fit a file of " + bytes.length + " bytes");
        }
        Map<String, Object> header;
        try {
            header = Json.parseObject(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw corrupt(source, "the header is not valid JSON (" + e.getMessage() + ")");
        }
        long dataStart = 8 + headerLength;
        long dataLength = bytes.length - dataStart;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw corrupt(source, "__metadata__ is not an object");
                }
                m.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
                continue;
            }
            tensors.put(e.getKey(), tensor(source, e.getKey(), e.getValue(), buf, dataStart, dataLength));
        }
        return new Contents(tensors, metadata);
    }

    private static Tensor tensor(String source, String name, Object spec, ByteBuffer buf, long dataStart, long dataLength)
            throws IOException {
        if (!(spec instanceof Map<?, ?> m) || !(m.get("dtype") instanceof String dtype)
                || !(m.get("shape") instanceof List<?> shapeList) || !(m.get("data_offsets") instanceof List<?> offsets)
                || offsets.size() != 2) {
            throw corrupt(source, "tensor '" + name + "' needs dtype, shape and data_offsets [begin, end]");
        }
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F64" -> 8;
            default -> throw corrupt(source, "tensor '" + name + "' has dtype " + dtype + "; Joule reads F32 and F64");
        };
        int[] shape = new int[shapeList.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Number n) || n.longValue() < 0 || n.longValue() > Integer.MAX_VALUE) {
                throw corrupt(source, "tensor '" + name + "' has a bad shape " + shapeList);
            }
            shape[i] = n.intValue();
        }
        if (!(offsets.get(0) instanceof Number b) || !(offsets.get(1) instanceof Number e)) {
            throw corrupt(source, "tensor '" + name + "' has non-numeric data_offsets " + offsets);
        }
        long begin = b.longValue();
        long end = e.longValue();
        long numel = 1;
        for (int d : shape) {
            numel *= d;
            if (numel > Integer.MAX_VALUE) {
                throw corrupt(source, "tensor '" + name + "' has more than 2^31-1 elements: " + shapeList);
            }
        }
        if (begin < 0 || end > dataLength || end - begin != numel * width) {
            throw corrupt(source, "tensor '" + name + "' data_offsets [" + begin + ", " + end + "] do not hold "
                    + Shapes.format(shape) + " " + dtype + " within " + dataLength + " data bytes (truncated file?)");
        }
        double[] values = new double[(int) numel];
        int at = (int) (dataStart + begin);
        for (int i = 0; i < values.length; i++) {
            values[i] = width == 4 ? buf.getFloat(at + 4 * i) : buf.getDouble(at + 8 * i);
        }
        return Tensor.of(width == 4 ? DType.FLOAT32 : DType.FLOAT64, values).reshape(shape);
    }

    private static IOException corrupt(String source, String why) {
        return new IOException(source + ": not a valid safetensors file: " + why);
    }
}
