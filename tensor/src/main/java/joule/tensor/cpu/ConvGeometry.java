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
 */
final class ConvGeometry {
    /** The part of a block of columns in one image. */
    @FunctionalInterface
    interface Piece {
        /** Pixels {@code [la, lb)} of image {@code b} are columns {@code [at, at + lb − la)} of the block. */
        void of(int b, int la, int lb, int at);
    }

    /** One run of a row of the unfolded block along an output row: zeros, {@code count} input elements, zeros. */
    @FunctionalInterface
    interface Run {
        /**
         * Block elements {@code [at, at + before)} are padding, {@code [at + before, at + before + count)} are the
         * input elements {@code x[from + t·step]} ({@code from} is 0 if {@code count} is), and the next
         * {@code after} are padding.
         */
        void of(int at, int before, int from, int count, int step, int after);
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

    /**
     * Calls {@code run} for every run of the unfolded block of group {@code g}, columns {@code [c0, c1)}, stored
     * row by row with {@code c1 − c0} elements per row: each row of the block is cut at image and output-row
     * boundaries, in row order, then image, then output row.
     */
    void forEachRun(int g, int c0, int c1, Run run) {
        int ld = c1 - c0;
        int sH = spec.strideH();
        int sW = spec.strideW();
        forEachImage(c0, c1, (b, la, lb, col) -> {
            for (int ci = 0; ci < cg; ci++) {
                int plane = inputOffset(b, g, 0) + ci * h * w;
                for (int p = 0; p < kh; p++) {
                    for (int q = 0; q < kw; q++) {
                        int row = ((ci * kh + p) * kw + q) * ld + col - la;
                        // output columns j whose input column j·sW + shift lies inside [0, w)
                        int shift = q * spec.dilationW() - spec.padW();
                        int jlo = shift >= 0 ? 0 : Math.ceilDiv(-shift, sW);
                        int jhi = w - 1 - shift < 0 ? 0 : Math.min(wo, (w - 1 - shift) / sW + 1);
                        for (int i = la / wo; i * wo < lb; i++) {
                            int ja = Math.max(la - i * wo, 0);
                            int jb = Math.min(lb - i * wo, wo);
                            int at = row + i * wo + ja;
                            int r = i * sH - spec.padH() + p * spec.dilationH();
                            if (r < 0 || r >= h) {
                                run.of(at, jb - ja, 0, 0, sW, 0);
                                continue;
                            }
                            int va = Math.clamp(jlo, ja, jb);
                            int vb = Math.clamp(jhi, va, jb);
                            int from = vb > va ? plane + r * w + va * sW + shift : 0;
                            run.of(at, va - ja, from, vb - va, sW, jb - vb);
                        }
                    }
                }
            }
        });
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
     * input columns, so that output pixel {@code l} of tap {@code (p, q)} reads input pixel {@code l + shift} (when
     * that is inside the padding's bounds), {@code shift = (p·dH − pH)·w + q·dW − pW}.
     */
    boolean shiftsPlanes() {
        return spec.strideH() == 1 && spec.strideW() == 1 && wo == w;
    }

    /**
     * For {@link #shiftsPlanes}: calls {@code row} for every row of the unfolded block of group {@code g}, columns
     * {@code [c0, c1)}, within each image, in the order of {@link #forEachRun}.
     */
    void forEachShiftedRow(int g, int c0, int c1, Shifted row) {
        int ld = c1 - c0;
        forEachImage(c0, c1, (b, la, lb, col) -> {
            for (int ci = 0; ci < cg; ci++) {
                int plane = inputOffset(b, g, 0) + ci * h * w;
                for (int p = 0; p < kh; p++) {
                    int down = p * spec.dilationH() - spec.padH();
                    int top = Math.max(la, Math.max(0, -down) * wo);
                    int bottom = Math.min(lb, Math.min(ho, h - down) * wo);
                    for (int q = 0; q < kw; q++) {
                        int right = q * spec.dilationW() - spec.padW();
                        int shift = down * w + right;
                        int jlo = Math.clamp(-right, 0, wo);
                        int jhi = Math.clamp(w - right, jlo, wo);
                        int from = Math.min(lb, Math.max(top, -shift));
                        int to = Math.clamp(Math.min(bottom, h * w - shift), from, lb);
                        row.of(((ci * kh + p) * kw + q) * ld + col - la, la, lb, from, to, plane + shift, jlo, jhi);
                    }
                }
            }
        });
    }

    /** One row of the unfolded block within one image, for {@link #shiftsPlanes}. */
    @FunctionalInterface
    interface Shifted {
        /**
         * Pixel {@code l} of {@code [la, lb)} is element {@code base + l} of the block. Pixels outside
         * {@code [from, to)} are padding; inside it, pixel {@code l} reads input element {@code source + l} (inside
         * the input's plane), but is padding too where its column {@code l % w} is outside {@code [jlo, jhi)}.
         */
        void of(int base, int la, int lb, int from, int to, int source, int jlo, int jhi);
    }

    /** Zeroes the elements {@code a[base + l]}, {@code l} in {@code [from, to)}, whose column is outside {@code [jlo, jhi)}. */
    private void zeroColumns(ArrayOps ops, Object a, int base, int from, int to, int jlo, int jhi) {
        if (jlo == 0 && jhi == wo) {
            return;
        }
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
        if (shiftsPlanes()) {
            forEachShiftedRow(g, c0, c1, (base, la, lb, from, to, source, jlo, jhi) -> {
                ops.gather(x, xo + source + from, 1, to - from, cols, base + la, from - la, lb - to);
                zeroColumns(ops, cols, base, from, to, jlo, jhi);
            });
        } else {
            forEachRun(g, c0, c1, (at, before, from, count, step, after) ->
                    ops.gather(x, xo + from, step, count, cols, at, before, after));
        }
    }

    /**
     * The adjoint of {@link #unfold}: adds each element of the block {@code cols} (group {@code g}, columns
     * {@code [c0, c1)}) to the input element it was unfolded from, by rows of the block in order; padding is
     * dropped. May overwrite the padding's elements of {@code cols}.
     */
    void fold(ArrayOps ops, Object cols, int g, int c0, int c1, Object dx) {
        if (shiftsPlanes()) {
            // the padding's columns are zeroed and then added with the rest, to the neighbouring row's ends
            forEachShiftedRow(g, c0, c1, (base, la, lb, from, to, source, jlo, jhi) -> {
                zeroColumns(ops, cols, base, from, to, jlo, jhi);
                ops.add(cols, base + from, dx, source + from, 1, to - from);
            });
        } else {
            forEachRun(g, c0, c1, (at, before, from, count, step, after) ->
                    ops.add(cols, at + before, dx, from, step, count));
        }
    }
}
