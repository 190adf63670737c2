package joule.tensor.cpu;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 matrix multiply on the Vector API, GotoBLAS style.
 *
 * <p>B is packed a panel at a time into slivers of {@link #NW} columns (2 vectors) by all k rows, cut into
 * blocks of at most {@link #KC} steps of the sum. Each task takes up to {@link #MC} rows of C; for each block it
 * packs its rows of A into slivers of {@link #MR} rows and runs the register-blocked micro-kernel over the
 * 8×2-vector tiles. When B has at most {@link #DIRECT_A_SLIVERS} slivers (n small), packing A would cost as
 * much as the products it feeds, so full row tiles of A are read in place through their strides. Operands are
 * read through their strides, so transposed views need no copy. Products too small to gain from packing, or of
 * at most MR/2 rows, run unpacked; matrix-vector products ({@code n = 1}) run as dot products or column sums.
 *
 * <p>Each element of C is one chain of fused multiply-adds in p order whichever task computes it (except the dot
 * products of a matrix-vector product with contiguous rows, which sum in vector lanes combined in {@link Lanes}'
 * order), and the tasks depend only
 * on the sizes, so the result is the same on any number of threads. Packing buffers are kept per
 * thread: B's grows to at most about {@link #PACKED_B_MAX} elements per calling thread.
 */
public final class GemmF32 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of a micro-tile. */
    static final int MR = 8;
    /** Columns of a micro-tile: 2 vectors. */
    static final int NW = 2 * L;
    /** Most steps of the sum per packed block. */
    static final int KC = 512;
    /** Most rows of A per task (a multiple of MR). */
    static final int MC = 128;
    /** Most elements of B packed at once: columns are taken in panels of at most this many over k rows. */
    static final int PACKED_B_MAX = 1 << 22;
    /** Panels of at most this many slivers multiply full row tiles of A in place instead of packing them. */
    static final int DIRECT_A_SLIVERS = 8;
    /** Tasks a product is cut into when it is worth running in parallel. */
    static final int TASKS = 4;
    /** With B's rows contiguous, products of fewer multiply-adds than this (or of at most MR/2 rows) run unpacked. */
    private static final long SMALL = 1 << 14;
    /** Products of fewer multiply-adds than this run on the calling thread. */
    private static final long PARALLEL = 1 << 22;

    /** Per thread: a block of A packed, then room for one tile of C (see {@link #edge}). */
    private static final ThreadLocal<float[]> PACKED_A = ThreadLocal.withInitial(() -> new float[MC * KC + MR * NW]);
    private static final float[] NONE = {};
    /** Per calling thread: the packed panel of B, grown as needed. */
    private static final ThreadLocal<float[]> PACKED_B = ThreadLocal.withInitial(() -> NONE);

    private GemmF32() {
    }

    /**
     * {@code C = A·B}, overwriting {@code C}. {@code A} is m×k with element (i,p) at {@code a[ao + i*ars + p*acs]};
     * {@code B} is k×n with element (p,j) at {@code b[bo + p*brs + j*bcs]}; {@code C} is m×n with element (i,j) at
     * {@code c[co + i*ldc + j]}. Any strides; m, n or k may be 0 (k = 0 zero-fills C). C must not overlap A or B.
     */
    public static void multiply(int m, int n, int k, float[] a, int ao, int ars, int acs,
                                float[] b, int bo, int brs, int bcs, float[] c, int co, int ldc) {
        multiply(m, n, k, a, ao, ars, acs, b, bo, brs, bcs, c, co, ldc, true);
    }

    /**
     * {@link #multiply}, on the pool when large enough if {@code parallel}, else all on the calling thread (for
     * callers that already run as one of several tasks). The result is the same either way.
     */
    static void multiply(int m, int n, int k, float[] a, int ao, int ars, int acs,
                         float[] b, int bo, int brs, int bcs, float[] c, int co, int ldc, boolean parallel) {
        if (n == 1 && m > 0 && k > 0 && (acs == 1 || ars == 1)) {
            matrixVector(m, k, a, ao, ars, acs, b, bo, brs, c, co, ldc, parallel);
            return;
        }
        if (bcs == 1 && (m <= MR / 2 || (long) m * n * k < SMALL)) {
            direct(m, n, k, a, ao, ars, acs, b, bo, brs, c, co, ldc);
            return;
        }
        packed(m, n, k, a, ao, ars, acs, b, bo, brs, bcs, c, co, ldc,
                !parallel || (long) m * n * k < PARALLEL ? 1 : TASKS);
    }

    /**
     * The packed product, cut into about {@code tasks} tasks that run on the pool if more than one. How it is
     * cut changes which thread computes an element, never how: the result is the same for any {@code tasks}.
     */
    static void packed(int m, int n, int k, float[] a, int ao, int ars, int acs,
                       float[] b, int bo, int brs, int bcs, float[] c, int co, int ldc, int tasks) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, co + i * ldc, co + i * ldc + n, 0f);
            }
            return;
        }
        boolean parallel = tasks > 1;
        int kb = Math.ceilDiv(k, Math.ceilDiv(k, KC));
        int mb = Math.clamp(Math.ceilDiv(Math.ceilDiv(m, tasks), MR) * MR, MR, MC);
        int rowTasks = Math.ceilDiv(m, mb);
        int width = Math.clamp(PACKED_B_MAX / ((long) k * NW), 1, Math.ceilDiv(n, NW)) * NW;
        // taken out of PACKED_B while in use: a product started on this thread meanwhile gets its own buffer
        float[] bp = PACKED_B.get();
        PACKED_B.set(NONE);
        if (bp.length < k * width) {
            bp = new float[k * width];
        }
        try {
            for (int jc = 0; jc < n; jc += width) {
                int nc = Math.min(width, n - jc);
                int slivers = Math.ceilDiv(nc, NW);
                int groups = Math.clamp(Math.ceilDiv(tasks, rowTasks), 1, slivers);
                Panel panel = new Panel(k, kb, nc, b, bo + jc * bcs, brs, bcs, bp);
                int co1 = co + jc;
                run(parallel, rowTasks * groups, t -> {
                    int i0 = t / groups * mb;
                    int g = t % groups;
                    rowBlock(Math.min(mb, m - i0), t, g * slivers / groups, (g + 1) * slivers / groups, panel,
                            a, ao + i0 * ars, ars, acs, c, co1 + i0 * ldc, ldc);
                });
            }
        } finally {
            PACKED_B.set(bp);
        }
    }

    /**
     * Rows {@code [0, mc)} of C (from {@code co}) times slivers {@code [s0, s1)} of the panel: for each block of
     * the sum in order, packs that block of A and runs the micro-kernel over the tiles. Task {@code t} starts at
     * its own sliver so that tasks running together pack different slivers of B.
     */
    private static void rowBlock(int mc, int t, int s0, int s1, Panel panel, float[] a, int ao, int ars, int acs,
                                 float[] c, int co, int ldc) {
        float[] ap = PACKED_A.get();
        float[] bp = panel.packed;
        int k = panel.k;
        int kb = panel.kb;
        int count = s1 - s0;
        // with few slivers A's packing would cost as much as the products: full row tiles read A in place
        boolean aInPlace = panel.slivers() <= DIRECT_A_SLIVERS;
        int full = aInPlace ? mc / MR * MR : 0;
        for (int pc = 0; pc < k; pc += kb) {
            int kc = Math.min(kb, k - pc);
            packA(mc - full, kc, a, ao + full * ars + pc * acs, ars, acs, ap);
            for (int i = 0; i < count; i++) {
                int s = s0 + (i + t) % count;
                panel.ensurePacked(s);
                int bi = panel.offset(pc, kc, s);
                int cols = Math.min(NW, panel.nc - s * NW);
                for (int r = 0; r < mc; r += MR) {
                    int ci = co + r * ldc + s * NW;
                    boolean inPlace = r < full;
                    float[] as = inPlace ? a : ap;
                    int ai = inPlace ? ao + r * ars + pc * acs : (r - full) * kc;
                    int rs = inPlace ? ars : 1;
                    int ss = inPlace ? acs : MR;
                    if (r + MR <= mc && cols == NW) {
                        kernel(kc, as, ai, rs, ss, bp, bi, c, ci, ldc, pc > 0);
                    } else {
                        edge(kc, as, ai, rs, ss, bp, bi, c, ci, ldc, Math.min(MR, mc - r), cols, pc > 0, ap);
                    }
                }
            }
        }
    }

    /**
     * A panel of B (k × nc) packed on demand, one sliver of NW columns at a time, by whichever task needs it first.
     * The block of the sum at {@code pc} (of {@code kc} steps) starts at {@code pc*slivers*NW}, sliver {@code s} at
     * {@code s*kc*NW} within it, element (p, q) at {@code p*NW + q}; columns past {@code nc} are zero.
     */
    private static final class Panel {
        private static final int TODO = 0;
        private static final int PACKING = 1;
        private static final int DONE = 2;
        final int k;
        final int kb;
        final int nc;
        final float[] packed;
        private final float[] b;
        private final int bo;
        private final int brs;
        private final int bcs;
        private final AtomicIntegerArray state;
        /** Offsets of one vector's columns, {@code q·bcs}: a full sliver with {@code bcs ≠ 1} is packed by gathers. */
        private final int[] lanes;

        Panel(int k, int kb, int nc, float[] b, int bo, int brs, int bcs, float[] packed) {
            this.k = k;
            this.kb = kb;
            this.nc = nc;
            this.b = b;
            this.bo = bo;
            this.brs = brs;
            this.bcs = bcs;
            this.packed = packed;
            this.state = new AtomicIntegerArray(Math.ceilDiv(nc, NW));
            this.lanes = new int[L];
            for (int q = 0; q < L; q++) {
                lanes[q] = q * bcs;
            }
        }

        int slivers() {
            return state.length();
        }

        int offset(int pc, int kc, int s) {
            return (pc * state.length() + s * kc) * NW;
        }

        /** Returns once sliver {@code s} is packed: packs it, or waits for the task packing it. */
        void ensurePacked(int s) {
            if (state.get(s) == DONE) {
                return;
            }
            if (state.compareAndSet(s, TODO, PACKING)) {
                pack(s);
                state.set(s, DONE);
                return;
            }
            while (state.get(s) != DONE) {
                Thread.onSpinWait();
            }
        }

        private void pack(int s) {
            int j0 = s * NW;
            int cols = Math.min(NW, nc - j0);
            for (int pc = 0; pc < k; pc += kb) {
                int kc = Math.min(kb, k - pc);
                int d = offset(pc, kc, s);
                for (int p = 0; p < kc; p++) {
                    int src = bo + (pc + p) * brs + j0 * bcs;
                    int dst = d + p * NW;
                    if (bcs == 1 && cols == NW) {
                        for (int q = 0; q < NW; q += L) {
                            FloatVector.fromArray(S, b, src + q).intoArray(packed, dst + q);
                        }
                    } else if (cols == NW) {
                        for (int q = 0; q < NW; q += L) {
                            FloatVector.fromArray(S, b, src + q * bcs, lanes, 0).intoArray(packed, dst + q);
                        }
                    } else {
                        for (int q = 0; q < NW; q++) {
                            packed[dst + q] = q < cols ? b[src + q * bcs] : 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * Without packing, for B's rows contiguous ({@code bcs = 1}): a row of C at a time, four vectors of columns in
     * registers; each element the same chain of fused multiply-adds in p order as in the packed path.
     */
    private static void direct(int m, int n, int k, float[] a, int ao, int ars, int acs,
                               float[] b, int bo, int brs, float[] c, int co, int ldc) {
        for (int i = 0; i < m; i++) {
            int ai = ao + i * ars;
            int ci = co + i * ldc;
            int j = 0;
            for (; j + 4 * L <= n; j += 4 * L) {
                FloatVector c0 = FloatVector.zero(S);
                FloatVector c1 = c0;
                FloatVector c2 = c0;
                FloatVector c3 = c0;
                for (int p = 0; p < k; p++) {
                    FloatVector x = FloatVector.broadcast(S, a[ai + p * acs]);
                    int bi = bo + p * brs + j;
                    c0 = FloatVector.fromArray(S, b, bi).fma(x, c0);
                    c1 = FloatVector.fromArray(S, b, bi + L).fma(x, c1);
                    c2 = FloatVector.fromArray(S, b, bi + 2 * L).fma(x, c2);
                    c3 = FloatVector.fromArray(S, b, bi + 3 * L).fma(x, c3);
                }
                c0.intoArray(c, ci + j);
                c1.intoArray(c, ci + j + L);
                c2.intoArray(c, ci + j + 2 * L);
                c3.intoArray(c, ci + j + 3 * L);
            }
            for (; j < n; j += L) {
                VectorMask<Float> valid = S.indexInRange(j, n);
                FloatVector c0 = FloatVector.zero(S);
                for (int p = 0; p < k; p++) {
                    FloatVector x = FloatVector.broadcast(S, a[ai + p * acs]);
                    c0 = FloatVector.fromArray(S, b, bo + p * brs + j, valid).fma(x, c0);
                }
                c0.intoArray(c, ci + j, valid);
            }
        }
    }

    /**
     * {@code n = 1}: each element of {@code A·b} as a dot product along A's contiguous rows ({@code acs = 1}), or
     * all of them as a sum of A's contiguous columns scaled by {@code b} ({@code ars = 1}; one chain of fused
     * multiply-adds in p order per element, as in the packed path). Row blocks depend only on the sizes.
     */
    private static void matrixVector(int m, int k, float[] a, int ao, int ars, int acs, float[] b, int bo, int brs,
                                     float[] c, int co, int ldc, boolean parallel) {
        int tasks = !parallel || (long) m * k < PARALLEL ? 1 : TASKS;
        int rows = Math.ceilDiv(Math.ceilDiv(m, tasks), L) * L;
        run(tasks > 1, Math.ceilDiv(m, rows), t -> {
            int i0 = t * rows;
            int i1 = Math.min(m, i0 + rows);
            if (acs == 1) {
                for (int i = i0; i < i1; i++) {
                    c[co + i * ldc] = dot(k, a, ao + i * ars, b, bo, brs);
                }
            } else {
                columns(i0, i1, k, a, ao, acs, b, bo, brs, c, co, ldc);
            }
        });
    }

    /** {@code Σ_p x[xo + p]·y[yo + p*ys]}, in vector lanes (combined by {@link Lanes#sum}) when {@code ys = 1}. */
    private static float dot(int k, float[] x, int xo, float[] y, int yo, int ys) {
        int p = 0;
        float sum = 0f;
        if (ys == 1) {
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = s0;
            for (; p + 2 * L <= k; p += 2 * L) {
                s0 = FloatVector.fromArray(S, x, xo + p).fma(FloatVector.fromArray(S, y, yo + p), s0);
                s1 = FloatVector.fromArray(S, x, xo + p + L).fma(FloatVector.fromArray(S, y, yo + p + L), s1);
            }
            sum = Lanes.sum(s0.add(s1));
        }
        for (; p < k; p++) {
            sum = Math.fma(x[xo + p], y[yo + p * ys], sum);
        }
        return sum;
    }

    /** Rows {@code [i0, i1)} of {@code A·b} for A with contiguous columns: {@code c += A[:, p]·b[p]} for p in order. */
    private static void columns(int i0, int i1, int k, float[] a, int ao, int acs, float[] b, int bo, int brs,
                                float[] c, int co, int ldc) {
        for (int i = i0; i < i1; i += L) {
            VectorMask<Float> valid = S.indexInRange(i, i1);
            FloatVector acc = FloatVector.zero(S);
            for (int p = 0; p < k; p++) {
                acc = FloatVector.fromArray(S, a, ao + p * acs + i, valid).fma(FloatVector.broadcast(S, b[bo + p * brs]), acc);
            }
            if (ldc == 1) {
                acc.intoArray(c, co + i, valid);
            } else {
                for (int r = 0; r < Math.min(L, i1 - i); r++) {
                    c[co + (i + r) * ldc] = acc.lane(r);
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

    /** Packs rows {@code [0, mc)} of A into slivers of MR rows: element (r0 + r, p) at {@code r0*kc + p*MR + r}. */
    private static void packA(int mc, int kc, float[] a, int ao, int ars, int acs, float[] ap) {
        for (int r0 = 0; r0 < mc; r0 += MR) {
            int rows = Math.min(MR, mc - r0);
            int src = ao + r0 * ars;
            int d = r0 * kc;
            for (int p = 0; p < kc; p++) {
                int s = src + p * acs;
                int o = d + p * MR;
                if (rows == MR) {
                    for (int r = 0; r < MR; r++) {
                        ap[o + r] = a[s + r * ars];
                    }
                } else {
                    for (int r = 0; r < MR; r++) {
                        ap[o + r] = r < rows ? a[s + r * ars] : 0f;
                    }
                }
            }
        }
    }

    /**
     * The micro-kernel on a full MR×NW tile of C at {@code ci}: 16 vector accumulators, loaded from the tile if
     * {@code add} (else zero), take per step of the sum one fma with each of the 2 vectors of the B sliver and a
     * broadcast of each row's A element (row {@code r}, step {@code p} at {@code a[ai + r*ars + p*acs]}: packed,
     * {@code ars = 1, acs = MR}), then are stored back. Accumulators, B vectors and broadcasts together fit
     * the 32 vector registers of AVX-512 (16 + 2 + 8), so C2 keeps them all in registers; a larger tile spills.
     */
    private static void kernel(int kc, float[] a, int ai, int ars, int acs, float[] bp, int bi, float[] c, int ci,
                               int ldc, boolean add) {
        FloatVector c00, c01;
        FloatVector c10, c11;
        FloatVector c20, c21;
        FloatVector c30, c31;
        FloatVector c40, c41;
        FloatVector c50, c51;
        FloatVector c60, c61;
        FloatVector c70, c71;
        if (add) {
            c00 = FloatVector.fromArray(S, c, ci);
            c01 = FloatVector.fromArray(S, c, ci + L);
            int i1 = ci + ldc;
            c10 = FloatVector.fromArray(S, c, i1);
            c11 = FloatVector.fromArray(S, c, i1 + L);
            int i2 = ci + 2 * ldc;
            c20 = FloatVector.fromArray(S, c, i2);
            c21 = FloatVector.fromArray(S, c, i2 + L);
            int i3 = ci + 3 * ldc;
            c30 = FloatVector.fromArray(S, c, i3);
            c31 = FloatVector.fromArray(S, c, i3 + L);
            int i4 = ci + 4 * ldc;
            c40 = FloatVector.fromArray(S, c, i4);
            c41 = FloatVector.fromArray(S, c, i4 + L);
            int i5 = ci + 5 * ldc;
            c50 = FloatVector.fromArray(S, c, i5);
            c51 = FloatVector.fromArray(S, c, i5 + L);
            int i6 = ci + 6 * ldc;
            c60 = FloatVector.fromArray(S, c, i6);
            c61 = FloatVector.fromArray(S, c, i6 + L);
            int i7 = ci + 7 * ldc;
            c70 = FloatVector.fromArray(S, c, i7);
            c71 = FloatVector.fromArray(S, c, i7 + L);
        } else {
            c00 = c01 = FloatVector.zero(S);
            c10 = c11 = FloatVector.zero(S);
            c20 = c21 = FloatVector.zero(S);
            c30 = c31 = FloatVector.zero(S);
            c40 = c41 = FloatVector.zero(S);
            c50 = c51 = FloatVector.zero(S);
            c60 = c61 = FloatVector.zero(S);
            c70 = c71 = FloatVector.zero(S);
        }
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * acs;
            int pb = bi + p * NW;
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector a0 = FloatVector.broadcast(S, a[pa]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[pa + 1 * ars]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[pa + 2 * ars]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[pa + 3 * ars]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[pa + 4 * ars]);
            c40 = b0.fma(a4, c40);
            c41 = b1.fma(a4, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[pa + 5 * ars]);
            c50 = b0.fma(a5, c50);
            c51 = b1.fma(a5, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[pa + 6 * ars]);
            c60 = b0.fma(a6, c60);
            c61 = b1.fma(a6, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[pa + 7 * ars]);
            c70 = b0.fma(a7, c70);
            c71 = b1.fma(a7, c71);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        int o1 = ci + ldc;
        c10.intoArray(c, o1);
        c11.intoArray(c, o1 + L);
        int o2 = ci + 2 * ldc;
        c20.intoArray(c, o2);
        c21.intoArray(c, o2 + L);
        int o3 = ci + 3 * ldc;
        c30.intoArray(c, o3);
        c31.intoArray(c, o3 + L);
        int o4 = ci + 4 * ldc;
        c40.intoArray(c, o4);
        c41.intoArray(c, o4 + L);
        int o5 = ci + 5 * ldc;
        c50.intoArray(c, o5);
        c51.intoArray(c, o5 + L);
        int o6 = ci + 6 * ldc;
        c60.intoArray(c, o6);
        c61.intoArray(c, o6 + L);
        int o7 = ci + 7 * ldc;
        c70.intoArray(c, o7);
        c71.intoArray(c, o7 + L);
    }

    /**
     * The micro-kernel on a partial tile: through a zero-padded copy of the tile kept in {@code tile} (this
     * thread's packing buffer) after the packed rows.
     */
    private static void edge(int kc, float[] a, int ai, int ars, int acs, float[] bp, int bi, float[] c, int ci, int ldc,
                             int rows, int cols, boolean add, float[] tile) {
        int t = MC * KC;
        for (int r = 0; r < MR; r++) {
            for (int q = 0; q < NW; q++) {
                tile[t + r * NW + q] = add && r < rows && q < cols ? c[ci + r * ldc + q] : 0f;
            }
        }
        kernel(kc, a, ai, ars, acs, bp, bi, tile, t, NW, true);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(tile, t + r * NW, c, ci + r * ldc, cols);
        }
    }
}
