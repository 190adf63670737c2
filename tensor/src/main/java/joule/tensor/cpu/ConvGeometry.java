package joule.tensor.cpu;

import joule.tensor.Conv2dSpec;

/**
 * The sizes of a 2-d convolution of an {@code [n, c, h, w]} input with an {@code [o, c/G, kh, kw]} weight into
 * {@code [n, o, ho, wo]}, and the layout of its unfolded input ("im2col"), on which {@link GemmConv} runs the
 * convolution as matrix products.
 *
 * <p>The unfolded input of group {@code g} has {@link #rows} = {@code (c/G)·kh·kw} rows and {@code n·ho·wo} columns:
 * column {@code b·L + i·wo + j} ({@code L} = {@link #pixels} = {@code ho·wo}) is output pixel {@code (i, j)} of
 * image {@code b}, and row {@code (ci·kh + p)·kw + q} holds the input element that kernel tap {@code (p, q)} of
 * channel {@code ci} multiplies there, {@code x[b, g·c/G + ci, i·sH − pH + p·dH, j·sW − pW + q·dW]}, or 0 where that
 * falls in the padding. Then the output of group {@code g} is {@code W_g · X_g} with {@code W_g} the weight's
 * {@code [o/G, rows]} rows of that group (see {@link Conv2dSpec}).
 *
 * <p>Each row of the unfolded input is written (and folded back) in one pass per image: with stride 1 and as many
 * output as input columns it is the input plane shifted ({@link #shiftsPlanes}: one copy, then its padding columns
 * zeroed); otherwise it is gathered through a table of reads per kernel column, masked where a column is padding.
 */
final class ConvGeometry {
    /** The part of a block of columns in one image. */
    @FunctionalInterface
    interface Piece {
        /** Pixels {@code [la, lb)} of image {@code b} are columns {@code [at, at + lb − la)} of the block. */
        void of(int b, int la, int lb, int at);
    }

    final int n;
    final int c;
    final int h;
    final int w;
    final int o;
    final int kh;
    final int kw;
    final int ho;
    final int wo;
    final int groups;
    /** Input channels per group. */
    final int cg;
    /** Output channels per group. */
    final int og;
    /** Rows of the unfolded input of one group, {@code cg·kh·kw}: the length of each output element's sum. */
    final int rows;
    /** Output pixels per image, {@code ho·wo}. */
    final int pixels;
    final Conv2dSpec spec;
    /**
     * Unless {@link #shiftsPlanes}, for each kernel column {@code q}: where output pixel {@code l} reads the input
     * relative to the start of the input row that its kernel row reads at output row 0,
     * {@code (l / wo)·sH·w + (l % wo)·sW + q·dW − pW}; for padding columns, that of the first column that is not
     * (if any), so that every read of a row inside the input stays inside its plane.
     */
    private final int[][] reads;
    /** Unless {@link #shiftsPlanes}, for each kernel column {@code q}: whether pixel {@code l}'s column is not padding. */
    private final boolean[][] inside;

    ConvGeometry(int n, int c, int h, int w, int o, int kh, int kw, Conv2dSpec spec) {
        this.n = n;
        this.c = c;
        this.h = h;
        this.w = w;
        this.o = o;
        this.kh = kh;
        this.kw = kw;
        this.spec = spec;
        this.ho = spec.outHeight(h, kh);
        this.wo = spec.outWidth(w, kw);
        this.groups = spec.groups();
        this.cg = c / groups;
        this.og = o / groups;
        this.rows = cg * kh * kw;
        this.pixels = ho * wo;
        boolean shifts = shiftsPlanes();
        this.reads = shifts ? null : new int[kw][pixels];
        this.inside = shifts ? null : new boolean[kw][pixels];
        for (int q = 0; !shifts && q < kw; q++) {
            int right = q * spec.dilationW() - spec.padW();
            int jlo = firstColumn(right);
            int jhi = endColumn(right, jlo);
            for (int l = 0; l < pixels; l++) {
                int j = l % wo;
                inside[q][l] = j >= jlo && j < jhi;
                reads[q][l] = l / wo * spec.strideH() * w + (inside[q][l] ? j : Math.min(jlo, wo - 1)) * spec.strideW()
                        + right;
            }
        }
    }

    /** Whether there is nothing to compute: some size is 0. */
    boolean empty() {
        return n == 0 || c == 0 || o == 0 || pixels == 0;
    }

    /**
     * Whether the unfolded input is the input itself: a 1×1 kernel with stride 1 and no padding, so that the columns
     * of one image in group {@code g} are {@code x[b, g·c/G + ci, :, :]}, rows {@code h·w} apart.
     */
    boolean pointwise() {
        return kh == 1 && kw == 1 && spec.strideH() == 1 && spec.strideW() == 1 && spec.padH() == 0
                && spec.padW() == 0;
    }

    /** Offset of the input's group {@code g} of image {@code b} at pixel {@code l} (for {@link #pointwise}). */
    int inputOffset(int b, int g, int l) {
        return (b * c + g * cg) * h * w + l;
    }

    /** Offset of the output's group {@code g} of image {@code b} at pixel {@code l}. */
    int outputOffset(int b, int g, int l) {
        return (b * o + g * og) * pixels + l;
    }

    /** Calls {@code piece} for the part of columns {@code [c0, c1)} in each image, in image order. */
    void forEachImage(int c0, int c1, Piece piece) {
        for (int b = c0 / pixels; b * pixels < c1; b++) {
            int la = Math.max(c0 - b * pixels, 0);
            piece.of(b, la, Math.min(c1 - b * pixels, pixels), b * pixels + la - c0);
        }
    }

    /**
     * Whether each row of the unfolded input is the input plane shifted: stride 1 and as many output columns as
     * input columns, so that output pixel {@code l} of tap {@code (p, q)} reads input pixel
     * {@code l + (p·dH − pH)·w + q·dW − pW} (where that is not padding).
     */
    boolean shiftsPlanes() {
        return spec.strideH() == 1 && spec.strideW() == 1 && wo == w;
    }

    /** The first output column whose input column {@code j·sW + right} is not left of the input. */
    private int firstColumn(int right) {
        return Math.min(wo, right >= 0 ? 0 : Math.ceilDiv(-right, spec.strideW()));
    }

    /** The end of the output columns (from {@code first}) whose input column {@code j·sW + right} is inside it. */
    private int endColumn(int right, int first) {
        return Math.clamp(w - 1 - right < 0 ? 0 : (w - 1 - right) / spec.strideW() + 1, first, wo);
    }

    /**
     * Calls {@code row} for every row of the unfolded block of group {@code g}, columns {@code [c0, c1)}, within
     * each image: in order of image, then row of the block.
     */
    void forEachRow(int g, int c0, int c1, Row row) {
        int ld = c1 - c0;
        int sH = spec.strideH();
        forEachImage(c0, c1, (b, la, lb, col) -> {
            for (int ci = 0; ci < cg; ci++) {
                int plane = inputOffset(b, g, 0) + ci * h * w;
                for (int p = 0; p < kh; p++) {
                    // output rows [top, bottom) read input rows i·sH + down inside [0, h)
                    int down = p * spec.dilationH() - spec.padH();
                    int top = Math.min(ho, down >= 0 ? 0 : Math.ceilDiv(-down, sH));
                    int bottom = Math.clamp(h - 1 - down < 0 ? 0 : (h - 1 - down) / sH + 1, top, ho);
                    int first = Math.clamp((long) top * wo, la, lb);
                    int last = Math.clamp((long) bottom * wo, first, lb);
                    for (int q = 0; q < kw; q++) {
                        int right = q * spec.dilationW() - spec.padW();
                        int jlo = firstColumn(right);
                        int jhi = endColumn(right, jlo);
                        int from = first;
                        int to = jlo < jhi ? last : first;
                        int source = plane + down * w;
                        if (reads == null) {
                            // pixel l reads source + l: only those inside the plane (the others are padding)
                            source += right;
                            from = Math.clamp(-source + plane, from, to);
                            to = Math.clamp(plane + h * w - source, from, to);
                        }
                        row.of(((ci * kh + p) * kw + q) * ld + col - la, la, lb, from, to, source, q, jlo, jhi);
                    }
                }
            }
        });
    }

    /** One row of the unfolded block within one image. */
    @FunctionalInterface
    interface Row {
        /**
         * Pixel {@code l} of {@code [la, lb)} is element {@code base + l} of the block. Pixels outside
         * {@code [from, to)} are padding; inside it, pixel {@code l} reads input element {@code source + l} if
         * {@link #shiftsPlanes}, else {@code source + reads[q][l]}, and is padding too where its column
         * {@code l % wo} is outside {@code [jlo, jhi)}.
         */
        void of(int base, int la, int lb, int from, int to, int source, int q, int jlo, int jhi);
    }

    /** Zeroes the elements {@code a[base + l]}, {@code l} in {@code [from, to)}, whose column is outside {@code [jlo, jhi)}. */
    private void zeroColumns(ArrayOps ops, Object a, int base, int from, int to, int jlo, int jhi) {
        if (jlo == 0 && jhi == wo) {
            return;
        }
        // whole output rows at once, the rows cut by [from, to) one at a time
        int whole = Math.min(to, Math.ceilDiv(from, wo) * wo);
        int end = Math.max(whole, to / wo * wo);
        zeroColumnsOfRows(ops, a, base, from, whole, jlo, jhi);
        ops.zeroColumns(a, base + whole, (end - whole) / wo, wo, 0, jlo);
        ops.zeroColumns(a, base + whole, (end - whole) / wo, wo, jhi, wo);
        zeroColumnsOfRows(ops, a, base, end, to, jlo, jhi);
    }

    /** {@link #zeroColumns} one output row at a time. */
    private void zeroColumnsOfRows(ArrayOps ops, Object a, int base, int from, int to, int jlo, int jhi) {
        for (int start = from / wo * wo; start < to; start += wo) {
            int left = Math.min(to, start + jlo);
            if (left > from) {
                ops.zero(a, base + Math.max(from, start), left - Math.max(from, start));
            }
            int right = Math.max(from, start + jhi);
            int end = Math.min(to, start + wo);
            if (end > right) {
                ops.zero(a, base + right, end - right);
            }
        }
    }

    /**
     * Writes the unfolded block of group {@code g}, columns {@code [c0, c1)}, of the input at {@code x[xo …]} into
     * {@code cols}.
     */
    void unfold(ArrayOps ops, Object x, int xo, int g, int c0, int c1, Object cols) {
        forEachRow(g, c0, c1, (base, la, lb, from, to, source, q, jlo, jhi) -> {
            ops.zero(cols, base + la, from - la);
            if (reads == null) {
                ops.copy(x, xo + source + from, cols, base + from, to - from);
                zeroColumns(ops, cols, base, from, to, jlo, jhi);
            } else {
                ops.gather(x, xo + source, reads[q], inside[q], from, cols, base + from, to - from);
            }
            ops.zero(cols, base + to, lb - to);
        });
    }

    /**
     * The adjoint of {@link #unfold}: adds each element of the block {@code cols} (group {@code g}, columns
     * {@code [c0, c1)}) to the input element it was unfolded from, by rows of the block in order; padding is
     * dropped. May overwrite the padding's elements of {@code cols}.
     */
    void fold(ArrayOps ops, Object cols, int g, int c0, int c1, Object dx) {
        forEachRow(g, c0, c1, (base, la, lb, from, to, source, q, jlo, jhi) -> {
            if (reads == null) {
                // padding columns are zeroed, then added with the rest to elements of the plane they don't read
                zeroColumns(ops, cols, base, from, to, jlo, jhi);
                ops.add(cols, base + from, dx, source + from, to - from);
            } else {
                ops.scatterAdd(cols, base + from, dx, source, reads[q], inside[q], from, to - from);
            }
        });
    }
}
