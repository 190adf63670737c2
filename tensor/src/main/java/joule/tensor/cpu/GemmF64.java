package joule.tensor.cpu;

import java.util.Arrays;
import java.util.function.IntConsumer;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float64 matrix multiply on the Vector API, in the GotoBLAS way. For each panel of at most {@link #NC}
 * columns and each block of at most {@link #KC} steps of the sum (blocks taken in order), the panel of B is
 * packed into slivers 3 vectors wide; each task packs a block of rows of A into slivers of {@link #MR} rows
 * and runs the 8×3-vector register-blocked micro-kernel over its part of the panel. Operands are read
 * through their strides only while packing, so transposed views cost nothing extra.
 *
 * <p>Every element of C is the same chain of fused multiply-adds (one per block, then one add per block) whatever
 * task computes it, and the tasks depend only on the sizes, so results do not depend on the thread count.
 */
public final class GemmF64 {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of a micro-tile. */
    static final int MR = 8;
    /** Columns of a micro-tile: 3 vectors. */
    static final int NW = 3 * L;
    /** Most steps of the sum per packed block. */
    static final int KC = 128;
    /** Most rows of A per task (a multiple of MR). */
    static final int MC = 128;
    /** Most columns of B per packed panel (a multiple of NW). */
    static final int NC = 1024 / NW * NW;
    /** Tasks a product is cut into when it is worth running in parallel. */
    static final int TASKS = 8;
    /** Products of fewer multiply-adds than this run as a plain vector loop, without packing. */
    private static final long SMALL = 32_768;
    /** Blocks of fewer multiply-adds than this run on the calling thread. */
    private static final long PARALLEL = 1 << 19;

    private static final ThreadLocal<double[]> PACKED_A = ThreadLocal.withInitial(() -> new double[MC * KC]);
    private static final ThreadLocal<double[]> PACKED_B = ThreadLocal.withInitial(() -> new double[0]);

    private GemmF64() {
    }

    /**
     * {@code C = A·B}, overwriting {@code C}. {@code A} is m×k with element (i,p) at {@code a[ao + i*ars + p*acs]};
     * {@code B} is k×n with element (p,j) at {@code b[bo + p*brs + j*bcs]}; {@code C} is m×n with element (i,j) at
     * {@code c[co + i*ldc + j]}. Any strides; m, n or k may be 0 (k = 0 zero-fills C). C must not overlap A or B.
     */
    public static void multiply(int m, int n, int k, double[] a, int ao, int ars, int acs,
                                double[] b, int bo, int brs, int bcs, double[] c, int co, int ldc) {
        if ((long) m * n * k < SMALL) {
            direct(m, n, k, a, ao, ars, acs, b, bo, brs, bcs, c, co, ldc);
            return;
        }
        long block = (long) m * Math.min(n, NC) * Math.min(k, KC);
        packed(m, n, k, a, ao, ars, acs, b, bo, brs, bcs, c, co, ldc, block < PARALLEL ? 1 : TASKS);
    }

    /**
     * The packed product, cut into about {@code tasks} tasks that run on the pool if more than one. How it is
     * cut changes which thread computes an element, never how: the result is the same for any {@code tasks}.
     */
    static void packed(int m, int n, int k, double[] a, int ao, int ars, int acs,
                       double[] b, int bo, int brs, int bcs, double[] c, int co, int ldc, int tasks) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, co + i * ldc, co + i * ldc + n, 0);
            }
            return;
        }
        int kb = ceilDiv(k, ceilDiv(k, KC));
        int mb = Math.clamp(ceilDiv(ceilDiv(m, tasks), MR) * MR, MR, MC);
        int rowTasks = ceilDiv(m, mb);
        double[] bp = packedB(kb * Math.min(ceilDiv(n, NW) * NW, NC));
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int slivers = ceilDiv(nc, NW);
            int groups = Math.clamp(ceilDiv(tasks, rowTasks), 1, slivers);
            for (int pc = 0; pc < k; pc += kb) {
                int kc = Math.min(kb, k - pc);
                int bo1 = bo + pc * brs + jc * bcs;
                run(tasks > 1, slivers, s -> packB(kc, nc, s, b, bo1, brs, bcs, bp));
                int ao1 = ao + pc * acs;
                int co1 = co + jc;
                boolean add = pc > 0;
                run(tasks > 1, rowTasks * groups, t -> {
                    int i0 = t / groups * mb;
                    int mc = Math.min(mb, m - i0);
                    double[] ap = PACKED_A.get();
                    packA(mc, kc, a, ao1 + i0 * ars, ars, acs, ap);
                    int g = t % groups;
                    for (int s = g * slivers / groups; s < (g + 1) * slivers / groups; s++) {
                        int cols = Math.min(NW, nc - s * NW);
                        for (int r = 0; r < mc; r += MR) {
                            kernel(kc, ap, r * kc, bp, s * kc * NW, c, co1 + (i0 + r) * ldc + s * NW, ldc,
                                    Math.min(MR, mc - r), cols, add);
                        }
                    }
                });
            }
        }
    }

    /** Row by row: {@code C[i,:] = fma(A[i,p], B[p,:], C[i,:])} for p in order, from zero. */
    private static void direct(int m, int n, int k, double[] a, int ao, int ars, int acs,
                               double[] b, int bo, int brs, int bcs, double[] c, int co, int ldc) {
        int nv = bcs == 1 ? S.loopBound(n) : 0;
        for (int i = 0; i < m; i++) {
            int ci = co + i * ldc;
            Arrays.fill(c, ci, ci + n, 0);
            for (int p = 0; p < k; p++) {
                double x = a[ao + i * ars + p * acs];
                DoubleVector xv = DoubleVector.broadcast(S, x);
                int bi = bo + p * brs;
                int j = 0;
                for (; j < nv; j += L) {
                    DoubleVector.fromArray(S, b, bi + j).fma(xv, DoubleVector.fromArray(S, c, ci + j)).intoArray(c, ci + j);
                }
                for (; j < n; j++) {
                    c[ci + j] = Math.fma(x, b[bi + j * bcs], c[ci + j]);
                }
            }
        }
    }

    private static void run(boolean parallel, int tasks, IntConsumer task) {
        if (parallel) {
            Parallel.forEach(tasks, task);
        } else {
            for (int t = 0; t < tasks; t++) {
                task.accept(t);
            }
        }
    }

    /** Packs rows {@code [0, mc)} of the block into slivers of MR rows, element (r, p) at {@code r0*kc + p*MR + r}, zero-padded. */
    private static void packA(int mc, int kc, double[] a, int ao, int ars, int acs, double[] ap) {
        for (int r0 = 0; r0 < mc; r0 += MR) {
            int d = r0 * kc;
            for (int r = 0; r < MR; r++) {
                if (r0 + r < mc) {
                    int src = ao + (r0 + r) * ars;
                    for (int p = 0; p < kc; p++) {
                        ap[d + p * MR + r] = a[src + p * acs];
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        ap[d + p * MR + r] = 0;
                    }
                }
            }
        }
    }

    /** Packs column sliver {@code s} of the panel, element (p, q) at {@code s*kc*NW + p*NW + q}, zero-padded. */
    private static void packB(int kc, int nc, int s, double[] b, int bo, int brs, int bcs, double[] bp) {
        int j0 = s * NW;
        int cols = Math.min(NW, nc - j0);
        int d = s * kc * NW;
        if (bcs == 1 && cols == NW) {
            for (int p = 0; p < kc; p++) {
                int src = bo + p * brs + j0;
                for (int q = 0; q < NW; q += L) {
                    DoubleVector.fromArray(S, b, src + q).intoArray(bp, d + p * NW + q);
                }
            }
            return;
        }
        for (int p = 0; p < kc; p++) {
            int src = bo + p * brs + j0 * bcs;
            for (int q = 0; q < NW; q++) {
                bp[d + p * NW + q] = q < cols ? b[src + q * bcs] : 0;
            }
        }
    }

    /**
     * The micro-kernel: a 8×NW tile of C, 8·3 vector accumulators in registers; per step of the sum, 3 vectors
     * of B and a broadcast per row of A. Writes (or, if {@code add}, adds to) the top-left rows×cols of the tile.
     */
    private static void kernel(int kc, double[] ap, int ai, double[] bp, int bi, double[] c, int ci, int ldc,
                               int rows, int cols, boolean add) {
        DoubleVector c00 = DoubleVector.zero(S), c01 = DoubleVector.zero(S), c02 = DoubleVector.zero(S);
        DoubleVector c10 = DoubleVector.zero(S), c11 = DoubleVector.zero(S), c12 = DoubleVector.zero(S);
        DoubleVector c20 = DoubleVector.zero(S), c21 = DoubleVector.zero(S), c22 = DoubleVector.zero(S);
        DoubleVector c30 = DoubleVector.zero(S), c31 = DoubleVector.zero(S), c32 = DoubleVector.zero(S);
        DoubleVector c40 = DoubleVector.zero(S), c41 = DoubleVector.zero(S), c42 = DoubleVector.zero(S);
        DoubleVector c50 = DoubleVector.zero(S), c51 = DoubleVector.zero(S), c52 = DoubleVector.zero(S);
        DoubleVector c60 = DoubleVector.zero(S), c61 = DoubleVector.zero(S), c62 = DoubleVector.zero(S);
        DoubleVector c70 = DoubleVector.zero(S), c71 = DoubleVector.zero(S), c72 = DoubleVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * MR;
            int pb = bi + p * NW;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, pb);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, pb + L);
            DoubleVector b2 = DoubleVector.fromArray(S, bp, pb + 2 * L);
            DoubleVector a0 = DoubleVector.broadcast(S, ap[pa]);
            c00 = b0.fma(a0, c00); c01 = b1.fma(a0, c01); c02 = b2.fma(a0, c02);
            DoubleVector a1 = DoubleVector.broadcast(S, ap[pa + 1]);
            c10 = b0.fma(a1, c10); c11 = b1.fma(a1, c11); c12 = b2.fma(a1, c12);
            DoubleVector a2 = DoubleVector.broadcast(S, ap[pa + 2]);
            c20 = b0.fma(a2, c20); c21 = b1.fma(a2, c21); c22 = b2.fma(a2, c22);
            DoubleVector a3 = DoubleVector.broadcast(S, ap[pa + 3]);
            c30 = b0.fma(a3, c30); c31 = b1.fma(a3, c31); c32 = b2.fma(a3, c32);
            DoubleVector a4 = DoubleVector.broadcast(S, ap[pa + 4]);
            c40 = b0.fma(a4, c40); c41 = b1.fma(a4, c41); c42 = b2.fma(a4, c42);
            DoubleVector a5 = DoubleVector.broadcast(S, ap[pa + 5]);
            c50 = b0.fma(a5, c50); c51 = b1.fma(a5, c51); c52 = b2.fma(a5, c52);
            DoubleVector a6 = DoubleVector.broadcast(S, ap[pa + 6]);
            c60 = b0.fma(a6, c60); c61 = b1.fma(a6, c61); c62 = b2.fma(a6, c62);
            DoubleVector a7 = DoubleVector.broadcast(S, ap[pa + 7]);
            c70 = b0.fma(a7, c70); c71 = b1.fma(a7, c71); c72 = b2.fma(a7, c72);
        }
        if (rows == MR && cols == NW) {
            store(c, ci, add, c00, c01, c02);
            store(c, ci + ldc, add, c10, c11, c12);
            store(c, ci + 2 * ldc, add, c20, c21, c22);
            store(c, ci + 3 * ldc, add, c30, c31, c32);
            store(c, ci + 4 * ldc, add, c40, c41, c42);
            store(c, ci + 5 * ldc, add, c50, c51, c52);
            store(c, ci + 6 * ldc, add, c60, c61, c62);
            store(c, ci + 7 * ldc, add, c70, c71, c72);
        } else {
            VectorMask<Double> m0 = S.indexInRange(0, cols); VectorMask<Double> m1 = S.indexInRange(L, cols); VectorMask<Double> m2 = S.indexInRange(2 * L, cols);
            store(c, ci, add, c00, c01, c02, m0, m1, m2);
            if (rows > 1) {
                store(c, ci + ldc, add, c10, c11, c12, m0, m1, m2);
            }
            if (rows > 2) {
                store(c, ci + 2 * ldc, add, c20, c21, c22, m0, m1, m2);
            }
            if (rows > 3) {
                store(c, ci + 3 * ldc, add, c30, c31, c32, m0, m1, m2);
            }
            if (rows > 4) {
                store(c, ci + 4 * ldc, add, c40, c41, c42, m0, m1, m2);
            }
            if (rows > 5) {
                store(c, ci + 5 * ldc, add, c50, c51, c52, m0, m1, m2);
            }
            if (rows > 6) {
                store(c, ci + 6 * ldc, add, c60, c61, c62, m0, m1, m2);
            }
            if (rows > 7) {
                store(c, ci + 7 * ldc, add, c70, c71, c72, m0, m1, m2);
            }
        }
    }

    private static void store(double[] c, int i, boolean add, DoubleVector v0, DoubleVector v1, DoubleVector v2) {
        if (add) {
            v0 = v0.add(DoubleVector.fromArray(S, c, i));
            v1 = v1.add(DoubleVector.fromArray(S, c, i + L));
            v2 = v2.add(DoubleVector.fromArray(S, c, i + 2 * L));
        }
        v0.intoArray(c, i);
        v1.intoArray(c, i + L);
        v2.intoArray(c, i + 2 * L);
    }

    private static void store(double[] c, int i, boolean add, DoubleVector v0, DoubleVector v1, DoubleVector v2,
                              VectorMask<Double> m0, VectorMask<Double> m1, VectorMask<Double> m2) {
        if (add) {
            v0 = v0.add(DoubleVector.fromArray(S, c, i, m0));
            v1 = v1.add(DoubleVector.fromArray(S, c, i + L, m1));
            v2 = v2.add(DoubleVector.fromArray(S, c, i + 2 * L, m2));
        }
        v0.intoArray(c, i, m0);
        v1.intoArray(c, i + L, m1);
        v2.intoArray(c, i + 2 * L, m2);
    }

    private static double[] packedB(int size) {
        double[] bp = PACKED_B.get();
        if (bp.length < size) {
            bp = new double[size];
            PACKED_B.set(bp);
        }
        return bp;
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
