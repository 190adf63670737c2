package joule.tensor.cpu;

/**
 * The fast 2-d convolution: the input unfolded ({@link ConvGeometry}) one block of columns (output pixels) at a
 * time into a per-thread buffer, and multiplied with the weights by the packed matrix multiply
 * ({@link GemmF32}, {@link GemmF64}) on the calling thread; blocks run in parallel. Its scalar twin is
 * {@link DirectConv}. Arrays are contiguous NCHW inputs and outputs and {@code [O, C/G, kh, kw]} weights, all
 * {@code float[]} or all {@code double[]}; outputs arrive zeroed.
 *
 * <p>For group {@code g}, with {@code X} a block of its unfolded input ({@code rows × cols}), {@code W} its weights
 * ({@code og × rows}) and {@code Y} the block of its output ({@code og × cols}):
 * <ul>
 * <li>forward: {@code Yᵀ = Xᵀ·Wᵀ}, each output element one chain of {@code rows} fused multiply-adds; {@code Xᵀ} is
 *     read in place by the product and {@code Yᵀ} moved into the output;
 * <li>input gradient: {@code dX = Wᵀ·dY}, folded back onto the input (each input element gets its terms added in a
 *     fixed order: one task per group of images, its blocks in order);
 * <li>weight gradient: {@code dWᵀ = X·dYᵀ}, a chain over each block's columns; blocks are summed in order within a
 *     task, tasks in order at the end.
 * </ul>
 * Blocks and tasks are cut from the sizes alone, so results are the same on any number of threads. A 1×1 kernel
 * with stride 1 and no padding needs no unfolding: blocks within one image read the input in place
 * ({@link ConvGeometry#pointwise}), and their input gradient is written in place.
 */
final class GemmConv {
    /** About this many unfolded elements per block: a block stays in the level-2 cache. */
    private static final int BLOCK_ELEMENTS = 1 << 18;
    /** Fewest columns per block, so the products are not tiny (unless the whole problem is). */
    private static final int MIN_COLUMNS = 256;
    /** Most columns per block. */
    private static final int MAX_COLUMNS = 2048;
    /** Most tasks of a weight gradient: each keeps a partial sum of the whole gradient. */
    private static final int WEIGHT_TASKS = 8;
    /** Most elements of those partial sums together (fewer tasks for large weights). */
    private static final int PARTIALS_MAX = 1 << 23;

    private GemmConv() {
    }

    /** Where a block of a matrix is: row {@code r} starts at {@code array[offset + r·ld]}, columns contiguous. */
    private record Rows(Object array, int offset, int ld) {
    }

    /**
     * Blocks of columns: image group {@code u} holds images {@code [u·imagesPerBlock, …)}; when an image has more
     * pixels than a block should, each image is one group of {@code parts} blocks of {@code partColumns} pixels
     * (the last one shorter). Block {@code k} is part {@code k % parts} of image group {@code k / parts}.
     */
    private record Blocks(int images, int pixels, int imagesPerBlock, int parts, int partColumns) {
        static Blocks of(ConvGeometry geo) {
            int target = Math.clamp(BLOCK_ELEMENTS / geo.rows, MIN_COLUMNS, MAX_COLUMNS);
            if (geo.pixels <= target) {
                return new Blocks(geo.n, geo.pixels, Math.min(geo.n, target / geo.pixels), 1, geo.pixels);
            }
            int part = Math.ceilDiv(Math.ceilDiv(geo.pixels, Math.ceilDiv(geo.pixels, target)), 8) * 8;
            return new Blocks(geo.n, geo.pixels, 1, Math.ceilDiv(geo.pixels, part), part);
        }

        int groups() {
            return Math.ceilDiv(images, imagesPerBlock);
        }

        int count() {
            return groups() * parts;
        }

        int start(int k) {
            return k / parts * imagesPerBlock * pixels + k % parts * partColumns;
        }

        int end(int k) {
            int last = Math.min(images, (k / parts + 1) * imagesPerBlock) - 1;
            return last * pixels + Math.min(pixels, (k % parts + 1) * partColumns);
        }
    }

    /** {@code y = conv2d(x, w)}, the input at {@code x[xo …]}, the weights at {@code w[wo …]}. */
    static void forward(ConvGeometry geo, Object x, int xo, Object w, int wo, Object y) {
        if (geo.empty()) {
            return;
        }
        ArrayOps ops = ArrayOps.of(x);
        Blocks blocks = Blocks.of(geo);
        int rows = geo.rows;
        int og = geo.og;
        // Wᵀ of each group, [rows, og]: B of the products, its rows contiguous
        Object wt = ops.scratch(Scratch.WEIGHTS, geo.o * rows);
        for (int g = 0; g < geo.groups; g++) {
            ops.transpose(w, wo + g * og * rows, og, rows, wt, g * rows * og, og);
        }
        Parallel.forEach(blocks.count(), k -> {
            int c0 = blocks.start(k);
            int c1 = blocks.end(k);
            Object product = ops.scratch(Scratch.PRODUCT, (c1 - c0) * og);
            for (int g = 0; g < geo.groups; g++) {
                Rows cols = unfolded(ops, geo, x, xo, g, c0, c1);
                ops.gemm(c1 - c0, og, rows, cols.array, cols.offset, 1, cols.ld, wt, g * rows * og, og, 1, product, 0, og);
                int group = g;
                geo.forEachImage(c0, c1, (b, la, lb, at) ->
                        ops.transpose(product, at * og, lb - la, og, y, geo.outputOffset(b, group, la), geo.pixels));
            }
        });
    }

    /**
     * {@code dx = conv2dTranspose(dy, w)}, the output gradient at {@code dy[dyo …]}, the weights at {@code w[wo …]}:
     * one task per image group, its blocks folded in order.
     */
    static void transpose(ConvGeometry geo, Object dy, int dyo, Object w, int wo, Object dx) {
        if (geo.empty()) {
            return;
        }
        ArrayOps ops = ArrayOps.of(dy);
        Blocks blocks = Blocks.of(geo);
        int rows = geo.rows;
        int og = geo.og;
        Parallel.forEach(blocks.groups(), u -> {
            for (int k = u * blocks.parts(); k < (u + 1) * blocks.parts(); k++) {
                int c0 = blocks.start(k);
                int c1 = blocks.end(k);
                int cols = c1 - c0;
                for (int g = 0; g < geo.groups; g++) {
                    Rows grad = gradient(ops, geo, dy, dyo, g, c0, c1);
                    int b = c0 / geo.pixels;
                    if (geo.pointwise() && b == (c1 - 1) / geo.pixels) {
                        // each input element has one term: written in place
                        ops.gemm(rows, cols, og, w, wo + g * og * rows, 1, rows, grad.array, grad.offset, grad.ld, 1, dx,
                                geo.inputOffset(b, g, c0 - b * geo.pixels), geo.pixels);
                    } else {
                        Object dcols = ops.scratch(Scratch.COLUMNS, rows * cols);
                        ops.gemm(rows, cols, og, w, wo + g * og * rows, 1, rows, grad.array, grad.offset, grad.ld, 1, dcols,
                                0, cols);
                        geo.fold(ops, dcols, g, c0, c1, dx);
                    }
                }
            }
        });
    }

    /**
     * {@code dw = conv2dWeightGrad(x, dy)}, the input at {@code x[xo …]}, the output gradient at {@code dy[dyo …]}:
     * tasks of consecutive blocks, each summing into its own partial.
     */
    static void weightGrad(ConvGeometry geo, Object x, int xo, Object dy, int dyo, Object dw) {
        if (geo.empty()) {
            return;
        }
        ArrayOps ops = ArrayOps.of(x);
        Blocks blocks = Blocks.of(geo);
        int rows = geo.rows;
        int og = geo.og;
        int count = blocks.count();
        int size = geo.o * rows;
        int tasks = Math.clamp(PARTIALS_MAX / size, 1, Math.min(count, WEIGHT_TASKS));
        // per task, dWᵀ of each group: [groups, rows, og]
        Object partials = ops.scratch(Scratch.PARTIALS, tasks * size);
        Parallel.forEach(tasks, t -> {
            int first = (int) ((long) t * count / tasks);
            int last = (int) ((long) (t + 1) * count / tasks);
            for (int k = first; k < last; k++) {
                int c0 = blocks.start(k);
                int c1 = blocks.end(k);
                for (int g = 0; g < geo.groups; g++) {
                    Rows cols = unfolded(ops, geo, x, xo, g, c0, c1);
                    Rows grad = gradient(ops, geo, dy, dyo, g, c0, c1);
                    int at = t * size + g * rows * og;
                    Object out = k == first ? partials : ops.scratch(Scratch.PRODUCT, rows * og);
                    ops.gemm(rows, og, c1 - c0, cols.array, cols.offset, cols.ld, 1, grad.array, grad.offset, 1, grad.ld,
                            out, k == first ? at : 0, og);
                    if (k != first) {
                        ops.add(out, 0, partials, at, rows * og);
                    }
                }
            }
        });
        for (int t = 1; t < tasks; t++) {
            ops.add(partials, t * size, partials, 0, size);
        }
        for (int g = 0; g < geo.groups; g++) {
            ops.transpose(partials, g * rows * og, rows, og, dw, g * og * rows, rows);
        }
    }

    /** The unfolded input of group {@code g}, columns {@code [c0, c1)}: in place if pointwise within one image. */
    private static Rows unfolded(ArrayOps ops, ConvGeometry geo, Object x, int xo, int g, int c0, int c1) {
        int b = c0 / geo.pixels;
        if (geo.pointwise() && b == (c1 - 1) / geo.pixels) {
            return new Rows(x, xo + geo.inputOffset(b, g, c0 - b * geo.pixels), geo.pixels);
        }
        Object cols = ops.scratch(Scratch.COLUMNS, geo.rows * (c1 - c0));
        geo.unfold(ops, x, xo, g, c0, c1, cols);
        return new Rows(cols, 0, c1 - c0);
    }

    /** The output gradient of group {@code g}, columns {@code [c0, c1)}: in place within one image, else gathered. */
    private static Rows gradient(ArrayOps ops, ConvGeometry geo, Object dy, int dyo, int g, int c0, int c1) {
        int b = c0 / geo.pixels;
        if (b == (c1 - 1) / geo.pixels) {
            return new Rows(dy, dyo + geo.outputOffset(b, g, c0 - b * geo.pixels), geo.pixels);
        }
        int cols = c1 - c0;
        Object gathered = ops.scratch(Scratch.GRADIENT, geo.og * cols);
        geo.forEachImage(c0, c1, (image, la, lb, at) -> {
            for (int oc = 0; oc < geo.og; oc++) {
                Copies.copy(dy, dyo + geo.outputOffset(image, g, la) + oc * geo.pixels, 1, gathered, oc * cols + at, 1,
                        lb - la);
            }
        });
        return new Rows(gathered, 0, cols);
    }
}
