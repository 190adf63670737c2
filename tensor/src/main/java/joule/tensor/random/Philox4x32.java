package joule.tensor.random;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

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

    private static final VectorSpecies<Long> LANES = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> WORDS =
            VectorShape.forBitSize(LANES.vectorBitSize() / 2).withLanes(int.class);

    /**
     * The words of {@code n} consecutive counters {@code c = start + j} (modulo 2⁶⁴; {@code c0, c1} its
     * low and high halves, {@code c2 = c3 = 0}) under key {@code (k0, k1)}: word {@code i} of counter
     * {@code j} goes to {@code wi[j]}. The same words as {@link #block}, computed a vector of counters
     * at a time (each 32-bit word held in a 64-bit lane, so that one multiply gives both halves).
     */
    public static void blocks(long start, int n, int k0, int k1, int[] w0, int[] w1, int[] w2, int[] w3) {
        int len = LANES.length();
        LongVector iota = LongVector.zero(LANES).addIndex(1);
        int j = 0;
        for (; j + len <= n; j += len) {
            LongVector ctr = iota.add(start + j);
            LongVector c0 = ctr.and(UNSIGNED);
            LongVector c1 = ctr.lanewise(VectorOperators.LSHR, 32);
            LongVector c2 = LongVector.zero(LANES);
            LongVector c3 = c2;
            int a = k0;
            int b = k1;
            for (int round = 0; round < 10; round++) {
                if (round > 0) {
                    a += W0;
                    b += W1;
                }
                LongVector p0 = c0.mul(M0);
                LongVector p1 = c2.mul(M1);
                LongVector n0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1).lanewise(VectorOperators.XOR, a & UNSIGNED);
                LongVector n2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3).lanewise(VectorOperators.XOR, b & UNSIGNED);
                c0 = n0;
                c1 = p1.and(UNSIGNED);
                c2 = n2;
                c3 = p0.and(UNSIGNED);
            }
            c0.convertShape(VectorOperators.L2I, WORDS, 0).reinterpretAsInts().intoArray(w0, j);
            c1.convertShape(VectorOperators.L2I, WORDS, 0).reinterpretAsInts().intoArray(w1, j);
            c2.convertShape(VectorOperators.L2I, WORDS, 0).reinterpretAsInts().intoArray(w2, j);
            c3.convertShape(VectorOperators.L2I, WORDS, 0).reinterpretAsInts().intoArray(w3, j);
        }
        int[] w = new int[4];
        for (; j < n; j++) {
            long c = start + j;
            block((int) c, (int) (c >>> 32), 0, 0, k0, k1, w, 0);
            w0[j] = w[0];
            w1[j] = w[1];
            w2[j] = w[2];
            w3[j] = w[3];
        }
    }
}
