package joule.tensor.random;

/**
 * The Philox4x32-10 block function (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy
 * as 1, 2, 3", SC 2011; Random123's {@code philox4x32_R(10, ctr, key)}): a bijection of a 128-bit
 * counter under a 64-bit key, ten rounds. All words are unsigned 32-bit values held in {@code int}s.
 *
 * <p>One round maps counter {@code (c0, c1, c2, c3)} under key {@code (k0, k1)} to
 * {@code (hi(M1·c2) ^ c1 ^ k0, lo(M1·c2), hi(M0·c0) ^ c3 ^ k1, lo(M0·c0))} with
 * {@code M0 = 0xD2511F53}, {@code M1 = 0xCD9E8D57} and {@code hi}/{@code lo} the halves of the
 * 64-bit product; between rounds the key is bumped by {@code (0x9E3779B9, 0xBB67AE85)} modulo 2³².
 */
public final class Philox4x32 {
    private static final long M0 = 0xD2511F53L;
    private static final long M1 = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final long UNSIGNED = 0xFFFF_FFFFL;

    private Philox4x32() {
    }

    /**
     * Writes the four output words of counter {@code (c0, c1, c2, c3)} (c0 least significant) under
     * key {@code (k0, k1)} to {@code out[at .. at + 3]}. Allocates nothing.
     */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out, int at) {
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = M0 * (c0 & UNSIGNED);
            long p1 = M1 * (c2 & UNSIGNED);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c0 = n0;
            c1 = (int) p1;
            c2 = n2;
            c3 = (int) p0;
        }
        out[at] = c0;
        out[at + 1] = c1;
        out[at + 2] = c2;
        out[at + 3] = c3;
    }
}
