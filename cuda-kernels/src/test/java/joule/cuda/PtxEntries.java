package joule.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The kernel entry points of the committed joule.ptx: each one's parameters and its .maxntid. */
final class PtxEntries {
    /** One parameter: its PTX type ({@code u32}, {@code u64}, {@code f64}, {@code b8}...) and size in bytes. */
    record Param(String type, int bytes) {
    }

    /** One {@code .visible .entry}. */
    record Entry(String name, List<Param> params, int maxThreads) {
    }

    private static final Pattern ENTRY =
            Pattern.compile("\\.visible \\.entry (\\w+)\\(([^)]*)\\)\\s*\\.maxntid (\\d+), 1, 1");
    private static final Pattern PARAM =
            Pattern.compile("\\.param (?:\\.align \\d+ )?\\.(\\w+)(?: \\.ptr[ .\\w]*)? \\w+(?:\\[(\\d+)])?");

    private static final Map<String, Entry> ENTRIES = parse(text());

    private PtxEntries() {
    }

    /** The entries by name, in the file's order. */
    static Map<String, Entry> all() {
        return ENTRIES;
    }

    /** The committed PTX, from the class path. */
    static String text() {
        try (InputStream in = PtxEntries.class.getResourceAsStream("/joule/cuda/joule.ptx")) {
            if (in == null) {
                throw new IllegalStateException("joule/cuda/joule.ptx is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Entry> parse(String ptx) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            List<Param> params = new ArrayList<>();
            for (String declaration : m.group(2).split(",")) {
                Matcher p = PARAM.matcher(declaration.trim());
                if (!p.matches()) {
                    throw new IllegalStateException("unreadable parameter of " + m.group(1) + ": " + declaration);
                }
                String type = p.group(1);
                int bytes = p.group(2) != null ? Integer.parseInt(p.group(2)) : Integer.parseInt(type.substring(1)) / 8;
                params.add(new Param(type, bytes));
            }
            entries.put(m.group(1), new Entry(m.group(1), List.copyOf(params), Integer.parseInt(m.group(3))));
        }
        return entries;
    }
}
