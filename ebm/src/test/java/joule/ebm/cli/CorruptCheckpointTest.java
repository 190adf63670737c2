package joule.ebm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import joule.ebm.io.Checkpoint;
import joule.ebm.io.Json;
import joule.ebm.nn.Parameter;
import joule.tensor.Device;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corruption harness: thousands of variants of a valid checkpoint (truncations, bit flips,
 * header-length, number, offset, dtype and UTF-8 mutations, deep nesting, huge shapes, non-finite
 * data, hostile configs) are each loaded twice, by {@link Checkpoint#load} into the model's
 * parameters and by the CLI's {@link Model#load}. Every load either succeeds with the values the file
 * holds, or fails with the reader's own exception ({@link IOException}, {@link IllegalArgumentException},
 * {@link CliException}) and one line naming the file: never an out-of-memory error, a stack overflow
 * or another exception.
 */
class CorruptCheckpointTest {
    /** The variants this test must build; docs/ROBUSTNESS.md reports the count. */
    static final int MIN_VARIANTS = 1500;

    @TempDir
    static Path dir;

    static Path original;
    static byte[] bytes;
    static int headerLength;
    static String header;
    /** The original's model, whose parameters give fresh ones to load into ({@link #copies}). */
    static Model template;

    /** Counts of what the variants did. */
    private int variants;
    private int loaded;
    private int rejected;

    @BeforeAll
    static void trainTinyModel() throws IOException {
        Path run = dir.resolve("run");
        JouleCliTest.Result r = JouleCliTest.joule("train", "--steps", "3", "--hidden", "4", "--eval-every", "0",
                "--eval-samples", "2", "--sampler-steps", "1", "--out", run.toString());
        assertEquals(0, r.code(), r::toString);
        original = run.resolve("model.safetensors");
        bytes = Files.readAllBytes(original);
        headerLength = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        header = new String(bytes, 8, headerLength, StandardCharsets.UTF_8);
        template = Model.load(original, Device.CPU);
    }

    @Test
    void everyVariantLoadsCorrectlyOrFailsCleanly() throws IOException {
        Random rng = new Random(12);
        truncations();
        bitFlips(rng);
        byteOverwrites(rng);
        headerLengths();
        headerNumbers();
        offsetShifts();
        dtypes();
        deepNesting();
        hugeShapes();
        nonFiniteData();
        invalidUtf8(rng);
        trailingAndPadding();
        configs();
        assertTrue(variants >= MIN_VARIANTS, "only " + variants + " variants");
        assertTrue(loaded > 0 && rejected > 0, loaded + " loaded, " + rejected + " rejected");
        System.out.printf("corrupt checkpoints: %d variants, %d loaded correctly, %d rejected cleanly%n", variants,
                loaded, rejected);
    }

    /** Special files: a directory, {@code /dev/zero}, an empty file and a sparse 8.6 GB file whose header is valid. */
    @Test
    void specialFilesFailCleanly() throws IOException {
        Path sparse = dir.resolve("sparse.safetensors");
        long numel = Integer.MAX_VALUE;
        byte[] json = ("{\"w\":{\"dtype\":\"F32\",\"shape\":[" + numel + "],\"data_offsets\":[0," + 4 * numel + "]}}")
                .getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
            f.write(json);
            f.setLength(8 + json.length + 4 * numel);
        }
        Path garbage = dir.resolve("garbage3g.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(garbage.toFile(), "rw")) {
            f.write(new byte[] {(byte) 0xff, 0x7f, 0, 0, 0, 0, 0, 0});
            f.setLength(3_000_000_000L);
        }
        Path empty = Files.write(dir.resolve("empty.safetensors"), new byte[0]);
        for (Path p : List.of(sparse, garbage, empty, dir, Path.of("/dev/zero"), dir.resolve("absent.safetensors"))) {
            if (p.toString().equals("/dev/zero") && !Files.exists(p)) {
                continue;
            }
            String message = rejectsCleanly(p);
            assertTrue(message.contains(p.toString()), message);
        }
        String bigOne = rejectsCleanly(sparse);
        assertTrue(bigOne.contains("heap") || bigOne.contains("config"), bigOne);
    }

    private void truncations() throws IOException {
        for (int n = 0; n < bytes.length; n += bytes.length > 700 ? 2 : 1) {
            check(Arrays.copyOf(bytes, n), "truncated to " + n);
        }
    }

    private void bitFlips(Random rng) throws IOException {
        for (int i = 0; i < 500; i++) {
            byte[] b = bytes.clone();
            int at = i < 64 ? i : rng.nextInt(b.length);
            b[at] ^= (byte) (1 << rng.nextInt(8));
            check(b, "bit flip at " + at);
        }
    }

    private void byteOverwrites(Random rng) throws IOException {
        for (int i = 0; i < 150; i++) {
            byte[] b = bytes.clone();
            int at = 8 + rng.nextInt(headerLength);
            int n = 1 + rng.nextInt(8);
            for (int k = 0; k < n && at + k < b.length; k++) {
                b[at + k] = (byte) rng.nextInt(256);
            }
            check(b, "overwritten header bytes at " + at);
        }
    }

    private void headerLengths() throws IOException {
        List<Long> lengths = new ArrayList<>(List.of(0L, 1L, 2L, 7L, (long) bytes.length, (long) bytes.length - 8,
                -1L, -8L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 31, (1L << 31) - 1, 1L << 32, 100_000_001L, 100_000_000L));
        for (int d = -16; d <= 16; d++) {
            lengths.add((long) headerLength + d);
        }
        for (long length : lengths) {
            byte[] b = bytes.clone();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
            check(b, "header length " + length);
        }
    }

    /** Every number in the header replaced by each of a list of hostile values. */
    private void headerNumbers() throws IOException {
        List<String> replacements = List.of("-1", "128.5", "1e308", "99999999999999999999", "2147483648",
                "4294967296", "\"7\"", "null", "true", "[]", "{}", "0", "-0", "01", "1.", "+1");
        Matcher m = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?").matcher(header);
        while (m.find()) {
            for (String r : replacements) {
                check(withHeader(header.substring(0, m.start()) + r + header.substring(m.end())),
                        "number at " + m.start() + " → " + r);
            }
        }
    }

    /** Each tensor's begin and end moved by ±1, ±4 and ±8 bytes (gaps, overlaps, short ranges), and whole ranges swapped. */
    private void offsetShifts() throws IOException {
        Matcher m = Pattern.compile("\"data_offsets\":\\[(\\d+),(\\d+)]").matcher(header);
        List<long[]> ranges = new ArrayList<>();
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            ranges.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
            spans.add(new int[] {m.start(), m.end()});
        }
        for (int t = 0; t < ranges.size(); t++) {
            for (long d : new long[] {-8, -4, -1, 1, 4, 8}) {
                for (int which = 0; which < 3; which++) {
                    long begin = ranges.get(t)[0] + (which != 1 ? d : 0);
                    long end = ranges.get(t)[1] + (which != 0 ? d : 0);
                    check(withHeader(replaceSpan(spans.get(t), "\"data_offsets\":[" + begin + "," + end + "]")),
                            "offsets of tensor " + t + " shifted by " + d);
                }
            }
        }
        for (int t = 1; t < ranges.size(); t++) {
            String swapped = replaceSpan(spans.get(t), "\"data_offsets\":[" + ranges.get(0)[0] + "," + ranges.get(0)[1] + "]");
            check(withHeader(swapped), "tensor " + t + " given tensor 0's range");
        }
    }

    private void dtypes() throws IOException {
        for (String d : List.of("F16", "BF16", "I64", "U8", "BOOL", "f32", "", "F32 ", "F64")) {
            check(withHeader(header.replaceFirst("\"F32\"", "\"" + d + "\"")), "dtype " + d);
            check(withHeader(header.replace("\"F32\"", "\"" + d + "\"")), "every dtype " + d);
        }
    }

    private void deepNesting() throws IOException {
        for (int depth : new int[] {10, 100, 126, 127, 128, 129, 1000, 10_000, 100_000}) {
            String nest = "[".repeat(depth) + "]".repeat(depth);
            String objects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            check(withHeader(header.replaceFirst("\"shape\":\\[", "\"shape\":[" + nest + ",")), "nested shape " + depth);
            check(withHeader(header.replaceFirst("\\{", "{\"deep\":" + nest + ",")), "nested entry " + depth);
            check(withHeader(header.replaceFirst("\"__metadata__\":\\{", "\"__metadata__\":{\"x\":" + objects + ",")),
                    "nested metadata " + depth);
            check(withHeader("{\"w\":" + objects + "}"), "nested objects " + depth);
            check(withHeader(nest), "bare nesting " + depth);
            check(withHeader(header.replaceFirst("\"data_offsets\":\\[", "\"data_offsets\":[" + nest + ",")),
                    "nested offsets " + depth);
        }
    }

    /** Shapes far beyond the data, with offsets that agree with them or not. */
    private void hugeShapes() throws IOException {
        List<String> shapes = List.of("[2147483647]", "[2147483648]", "[65536,65536]", "[1048576,1048576,1048576]",
                "[4294967296,0]", "[0,4294967296]", "[-1]", "[0]", "[]", "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]",
                "[46341,46341]", "[3,-3]", "[1e9]", "[2147483647,2147483647]", "[9223372036854775807]");
        Matcher m = Pattern.compile("\"shape\":\\[[^]]*],\"data_offsets\":\\[(\\d+),(\\d+)]").matcher(header);
        while (m.find()) {
            long begin = Long.parseLong(m.group(1));
            for (String s : shapes) {
                check(withHeader(header.substring(0, m.start()) + "\"shape\":" + s + ",\"data_offsets\":[" + m.group(1)
                        + "," + m.group(2) + "]" + header.substring(m.end())), "shape " + s);
                check(withHeader(header.substring(0, m.start()) + "\"shape\":" + s + ",\"data_offsets\":[" + begin
                        + "," + (begin + 4 * numel(s)) + "]" + header.substring(m.end())), "shape " + s + " with its offsets");
            }
        }
    }

    private static long numel(String shape) {
        long n = 1;
        for (String d : shape.replaceAll("[\\[\\]]", "").split(",")) {
            if (!d.isEmpty()) {
                try {
                    n = Math.multiplyExact(n, Long.parseLong(d));
                } catch (NumberFormatException | ArithmeticException e) {
                    return Long.MAX_VALUE / 8;
                }
            }
        }
        return n;
    }

    /** NaN and ±∞ written into each float of the data section: each must be an error naming its tensor. */
    private void nonFiniteData() throws IOException {
        int dataStart = 8 + headerLength;
        for (int at = dataStart; at + 4 <= bytes.length; at += 4) {
            for (float v : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                byte[] b = bytes.clone();
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(at, v);
                String message = check(b, v + " at byte " + at);
                assertTrue(message != null && message.contains(v == v ? "Infinity" : "NaN"), message);
            }
        }
    }

    private void invalidUtf8(Random rng) throws IOException {
        byte[][] bad = {{(byte) 0xff}, {(byte) 0xc3}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
        for (int i = 0; i < 60; i++) {
            byte[] b = bytes.clone();
            byte[] seq = bad[i % bad.length];
            int at = 9 + rng.nextInt(headerLength - seq.length - 1);
            System.arraycopy(seq, 0, b, at, seq.length);
            check(b, "invalid UTF-8 at " + at);
        }
    }

    private void trailingAndPadding() throws IOException {
        for (int n = 1; n <= 16; n++) {
            check(Arrays.copyOf(bytes, bytes.length + n), n + " trailing zero bytes");
        }
        for (String pad : List.of(" ", "  ", "\n", "\t", "\0", "x", " }", "\r\n")) {
            check(withHeader(header.stripTrailing() + pad), "header padded with " + Json.quote(pad));
        }
    }

    /** The config in the metadata: every number replaced by hostile values, fields removed, broken JSON. */
    private void configs() throws IOException {
        Map<String, String> metadata = Checkpoint.load(original, copies(template));
        String config = metadata.get("config");
        List<String> replacements = List.of("1000000000", "2147483648", "100000000", "-1", "0", "1.5", "1e308",
                "\"x\"", "null", "[1000000000]", "[100000,100000]");
        Matcher m = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?").matcher(config);
        while (m.find()) {
            for (String r : replacements) {
                checkConfig(metadata, config.substring(0, m.start()) + r + config.substring(m.end()));
            }
        }
        for (String field : List.of("data", "model", "loss", "sampler", "training", "start", "dim", "hidden",
                "activation", "architecture", "steps", "seed", "device", "mean", "std")) {
            checkConfig(metadata, config.replaceFirst("\"" + field + "\"", "\"renamed\""));
        }
        for (String s : List.of("", "{", "[]", "null", "{\"model\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}")) {
            checkConfig(metadata, s);
        }
        for (String s : List.of("x", "-1", "2147483648", "1.5", "")) {
            Map<String, String> m2 = new LinkedHashMap<>(metadata);
            m2.put("step", s);
            check(withMetadata(m2), "step " + s);
        }
        Map<String, String> none = new LinkedHashMap<>(metadata);
        none.remove("config");
        check(withMetadata(none), "no config");
    }

    private void checkConfig(Map<String, String> metadata, String config) throws IOException {
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.put("config", config);
        check(withMetadata(m), "config " + config);
    }

    /** The original file with {@code metadata} instead of its own (the data section unchanged). */
    private static byte[] withMetadata(Map<String, String> metadata) {
        Map<String, Object> parsed = Json.parseObject(header);
        parsed.put("__metadata__", metadata);
        return withHeader(Json.write(parsed, 0, 0));
    }

    private static String replaceSpan(int[] span, String with) {
        return header.substring(0, span[0]) + with + header.substring(span[1]);
    }

    /** The original data section behind {@code json} as the header. */
    private static byte[] withHeader(String json) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        byte[] data = Arrays.copyOfRange(bytes, 8 + headerLength, bytes.length);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(h.length).put(h).put(data).array();
    }

    /**
     * Loads {@code variant} both ways; returns the failure message (the same file must fail both ways or
     * neither), or null after a load whose values are those the file holds.
     */
    private String check(byte[] variant, String what) throws IOException {
        variants++;
        Path file = dir.resolve("variant.safetensors");
        Files.write(file, variant);
        String libraryError = null;
        List<Parameter> parameters = copies(template);
        try {
            Checkpoint.load(file, parameters);
            assertValuesAreTheFiles(variant, parameters, what);
        } catch (IOException | IllegalArgumentException e) {
            libraryError = checkMessage(e, file, what);
        } catch (Throwable t) {
            fail(what + ": Checkpoint.load threw " + t, t);
        }
        String cliError = null;
        try {
            Model model = Model.load(file, Device.CPU);
            assertValuesAreTheFiles(variant, model.state(), what);
        } catch (CliException e) {
            cliError = checkMessage(e, file, what);
        } catch (Throwable t) {
            fail(what + ": Model.load threw " + t, t);
        }
        if (cliError == null) {
            assertTrue(libraryError == null, what + ": the library rejected it (" + libraryError + ") but the CLI loaded it");
            loaded++;
            return null;
        }
        rejected++;
        return libraryError != null ? libraryError : cliError;
    }

    private static String checkMessage(Exception e, Path file, String what) {
        String m = e.getMessage();
        assertTrue(m != null && !m.isBlank(), what + ": no message: " + e);
        assertTrue(m.contains(file.toString()), what + ": the message doesn't name the file: " + m);
        assertFalse(m.length() > 2000, what + ": the message is " + m.length() + " characters long");
        return m;
    }

    /** Loaded values equal the bytes at their offsets in the file's own header, and are finite. */
    private static void assertValuesAreTheFiles(byte[] variant, List<Parameter> parameters, String what) {
        ByteBuffer b = ByteBuffer.wrap(variant).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) b.getLong(0);
        Map<String, Object> h = Json.parseObject(new String(variant, 8, n, StandardCharsets.UTF_8).stripTrailing());
        for (Parameter p : parameters) {
            List<?> offsets = (List<?>) ((Map<?, ?>) h.get(p.name())).get("data_offsets");
            int begin = 8 + n + ((Long) offsets.get(0)).intValue();
            float[] expected = new float[p.value().numel()];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = b.getFloat(begin + 4 * i);
                assertTrue(Float.isFinite(expected[i]), what + ": loaded a non-finite value");
            }
            assertArrayEquals(expected, p.value().toFloatArray(), what);
        }
    }

    private static String rejectsCleanly(Path p) {
        try {
            Checkpoint.load(p, copies(template));
            fail(p + " loaded");
        } catch (IOException | IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(p.toString()), e.getMessage());
        }
        try {
            Model.load(p, Device.CPU);
            fail(p + " loaded");
        } catch (CliException e) {
            return e.getMessage();
        }
        return null;
    }

    /** Fresh parameters with the model's names and current values, to load into. */
    private static List<Parameter> copies(Model model) {
        return model.state().stream().map(p -> new Parameter(p.name(), p.value())).toList();
    }
}
