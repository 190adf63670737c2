package joule.tensor.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Known-answer vectors for philox4x32_10 from Random123's {@code kat_vectors}. */
class Philox4x32Test {
    @ParameterizedTest
    @CsvSource({
        "00000000 00000000 00000000 00000000, 00000000 00000000, 6627e8d5 e169c58d bc57ac4c 9b00dbd8",
        "ffffffff ffffffff ffffffff ffffffff, ffffffff ffffffff, 408f276d 41c83b0e a20bc7c6 6d5451fd",
        "243f6a88 85a308d3 13198a2e 03707344, a4093822 299f31d0, d16cfe09 94fdcceb 5001e420 24126ea1",
    })
    void matchesRandom123(String counter, String key, String expected) {
        int[] c = words(counter);
        int[] k = words(key);
        int[] out = new int[6];
        Philox4x32.block(c[0], c[1], c[2], c[3], k[0], k[1], out, 2);
        assertArrayEquals(words("00000000 00000000 " + expected), out);
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0", "0, 1", "5, 7", "4294967290, 8", "4294967295, 9", "-3, 33", "1234567890123, 100", "-17, 17",
    })
    void vectorBlocksMatchTheScalarBlock(long start, int n) {
        int[][] w = new int[4][n];
        Philox4x32.blocks(start, n, 0x243f6a88, 0x85a308d3, w[0], w[1], w[2], w[3]);
        int[] expected = new int[4];
        for (int j = 0; j < n; j++) {
            long c = start + j;
            Philox4x32.block((int) c, (int) (c >>> 32), 0, 0, 0x243f6a88, 0x85a308d3, expected, 0);
            for (int i = 0; i < 4; i++) {
                org.junit.jupiter.api.Assertions.assertEquals(expected[i], w[i][j], "word " + i + " of counter " + c);
            }
        }
    }

    private static int[] words(String hex) {
        String[] parts = hex.trim().split(" ");
        int[] w = new int[parts.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = Integer.parseUnsignedInt(parts[i], 16);
        }
        return w;
    }
}
