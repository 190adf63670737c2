package joule.ebm.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import joule.tensor.DType;
import joule.tensor.Tensor;

/**
 * Points from a CSV file, as an {@code [n, d]} tensor.
 *
 * <p>Format: one point per line, fields separated by commas (surrounding spaces ignored), all
 * numeric and finite, the same count on every line. Blank lines and lines starting with
 * {@code #} are skipped. An optional header is the first remaining line when none of its fields
 * is a number; a first line mixing numbers and text is an error, not a header. Errors are
 * {@link IllegalArgumentException}s naming the source, the line number (1-based) and the bad value.
 */
public final class CsvPoints {
    private CsvPoints() {
    }

    /** The points in {@code file}, all columns. */
    public static Tensor read(Path file, DType dtype) {
        return read(file, dtype, (int[]) null);
    }

    /** The points in {@code file}, keeping only {@code columns} (0-based, in that order). */
    public static Tensor read(Path file, DType dtype, int... columns) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(in, file.toString(), dtype, columns);
        } catch (IOException e) {
            throw new UncheckedIOException("CsvPoints: cannot read " + file + ": " + e, e);
        }
    }

    /** The points in CSV {@code text}, all columns (for tests and inline data). */
    public static Tensor parse(String text, DType dtype) {
        try {
            return parse(new StringReader(text), "<text>", dtype, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The points read from {@code in}; {@code source} names it in errors; {@code columns} null keeps all. */
    public static Tensor parse(Reader in, String source, DType dtype, int[] columns) throws IOException {
        BufferedReader reader = in instanceof BufferedReader b ? b : new BufferedReader(in);
        List<double[]> rows = new ArrayList<>();
        int width = -1;
        boolean first = true;
        int lineNo = 0;
        for (String line; (line = reader.readLine()) != null; ) {
            lineNo++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] fields = trimmed.split(",", -1);
            if (first) {
                first = false;
                if (isHeader(fields)) {
                    width = fields.length;
                    continue;
                }
            }
            if (width < 0) {
                width = fields.length;
            } else if (fields.length != width) {
                throw new IllegalArgumentException("CsvPoints: " + source + " line " + lineNo + ": " + fields.length
                        + " fields, expected " + width + " as on the first line");
            }
            double[] row = new double[fields.length];
            for (int c = 0; c < fields.length; c++) {
                String f = fields[c].strip();
                try {
                    row[c] = Double.parseDouble(f);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("CsvPoints: " + source + " line " + lineNo + ", column "
                            + (c + 1) + ": bad value \"" + f + "\" (not a number)");
                }
                if (!Double.isFinite(row[c])) {
                    throw new IllegalArgumentException("CsvPoints: " + source + " line " + lineNo + ", column "
                            + (c + 1) + ": bad value \"" + f + "\" (not finite)");
                }
            }
            rows.add(row);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("CsvPoints: " + source + " holds no data rows");
        }
        int[] keep = columns;
        if (keep == null) {
            keep = new int[width];
            for (int c = 0; c < width; c++) {
                keep[c] = c;
            }
        }
        if (keep.length == 0) {
            throw new IllegalArgumentException("CsvPoints: no columns selected from " + source);
        }
        for (int c : keep) {
            if (c < 0 || c >= width) {
                throw new IllegalArgumentException("CsvPoints: column " + c + " is outside 0.." + (width - 1)
                        + " of " + source);
            }
        }
        int n = rows.size();
        int d = keep.length;
        double[] out = new double[n * d];
        for (int i = 0; i < n; i++) {
            double[] row = rows.get(i);
            for (int j = 0; j < d; j++) {
                out[i * d + j] = row[keep[j]];
            }
        }
        return Tensor.of(dtype, out, n, d);
    }

    private static boolean isHeader(String[] fields) {
        for (String f : fields) {
            try {
                Double.parseDouble(f.strip());
                return false;
            } catch (NumberFormatException e) {
                // text: keep looking
            }
        }
        return true;
    }
}
