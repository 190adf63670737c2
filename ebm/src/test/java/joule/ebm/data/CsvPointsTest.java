package joule.ebm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import joule.tensor.DType;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvPointsTest {
    @TempDir
    Path tmp;

    @Test
    void readsAFileWithHeaderCommentsAndBlankLines() throws IOException {
        Path f = tmp.resolve("points.csv");
        Files.writeString(f, "x, y ,label\n# a comment\n1.5, -2, 0\n\n3e-1,4,1\r\n  -0.25 , 1e2 , 2\n");
        Tensor t = CsvPoints.read(f, DType.FLOAT64);
        assertArrayEquals(new int[] {3, 3}, t.shape());
        assertArrayEquals(new double[] {1.5, -2, 0, 0.3, 4, 1, -0.25, 100, 2}, t.toDoubleArray(), 0.0);
        Tensor xy = CsvPoints.read(f, DType.FLOAT32, 1, 0);
        assertEquals(DType.FLOAT32, xy.dtype());
        assertArrayEquals(new float[] {-2f, 1.5f, 4f, 0.3f, 100f, -0.25f}, xy.toFloatArray(), 0f);
    }

    @Test
    void headerIsOptional() {
        Tensor t = CsvPoints.parse("1,2\n3,4\n", DType.FLOAT64);
        assertArrayEquals(new int[] {2, 2}, t.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4}, t.toDoubleArray(), 0.0);
    }

    @Test
    void errorsNameTheLineAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsvPoints.parse("x,y\n1,2\n3,abc\n", DType.FLOAT64));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("column 2")
                && e.getMessage().contains("\"abc\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CsvPoints.parse("1,2\n3\n", DType.FLOAT64));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("1 fields, expected 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CsvPoints.parse("1,x\n3,4\n", DType.FLOAT64));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("\"x\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CsvPoints.parse("1,NaN\n", DType.FLOAT64));
        assertTrue(e.getMessage().contains("not finite"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CsvPoints.parse("1,,2\n", DType.FLOAT64));
        assertTrue(e.getMessage().contains("column 2") && e.getMessage().contains("\"\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CsvPoints.parse("a,b\n# only a header\n", DType.FLOAT64));
        assertTrue(e.getMessage().contains("no data rows"), e.getMessage());
        Path missing = tmp.resolve("missing.csv");
        UncheckedIOException io = assertThrows(UncheckedIOException.class, () -> CsvPoints.read(missing, DType.FLOAT64));
        assertTrue(io.getMessage().contains(missing.toString()), io.getMessage());
        Path f = tmp.resolve("p.csv");
        assertThrows(IllegalArgumentException.class, () -> {
            Files.writeString(f, "1,2\n");
            CsvPoints.read(f, DType.FLOAT64, 2);
        });
    }
}
