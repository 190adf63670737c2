package joule.tensor.cpu;

import java.util.ArrayList;
import java.util.List;

/**
 * Walks several strided operands of one (broadcast) shape in row-major order, handing 1-d
 * segments to a kernel. Axes are first coalesced (size-1 axes dropped, adjacent axes merged where
 * every operand's strides allow), so contiguous tensors become a single long segment. Work is
 * split into tasks of about {@link #BLOCK} elements, a number fixed by the shape alone.
 */
final class StridedLoop {
    /** Longest segment handed to a kernel. */
    static final int BLOCK = 1 << 14;

    /** Elements per parallel task. */
    static final int GRAIN = 1 << 16;

    /** A kernel over one segment: operand {@code k} starts at {@code offsets[k]} and steps by its inner stride. */
    @FunctionalInterface
    interface Segment {
        void run(int[] offsets, int n);
    }

    private final int[] dims;
    private final int[][] strides;
    private final int[] base;
    private final int inner;
    private final int outer;

    /**
     * @param shape   the common (broadcast) shape
     * @param offsets start offset of each operand
     * @param strides strides of each operand over {@code shape} (0 on broadcast axes)
     */
    StridedLoop(int[] shape, int[] offsets, int[]... strides) {
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                keep.add(i);
            }
        }
        int ops = strides.length;
        int[] d = new int[Math.max(1, keep.size())];
        int[][] s = new int[ops][d.length];
        int rank = 0;
        if (keep.isEmpty()) {
            d[0] = 1;
            rank = 1;
        }
        for (int axis : keep) {
            boolean merge = rank > 0;
            for (int k = 0; k < ops && merge; k++) {
                merge = s[k][rank - 1] == strides[k][axis] * shape[axis];
            }
            if (merge) {
                d[rank - 1] *= shape[axis];
                for (int k = 0; k < ops; k++) {
                    s[k][rank - 1] = strides[k][axis];
                }
            } else {
                d[rank] = shape[axis];
                for (int k = 0; k < ops; k++) {
                    s[k][rank] = strides[k][axis];
                }
                rank++;
            }
        }
        this.dims = java.util.Arrays.copyOf(d, rank);
        this.strides = new int[ops][];
        for (int k = 0; k < ops; k++) {
            this.strides[k] = java.util.Arrays.copyOf(s[k], rank);
        }
        this.base = offsets.clone();
        this.inner = dims[rank - 1];
        long o = 1;
        for (int i = 0; i < rank - 1; i++) {
            o *= dims[i];
        }
        this.outer = (int) o;
    }

    /** Stride of operand {@code k} along the segments. */
    int innerStride(int k) {
        return strides[k][dims.length - 1];
    }

    /** Runs {@code segment} over all elements, in parallel tasks for large shapes. */
    void forEach(Segment segment) {
        if (inner == 0 || outer == 0) {
            return;
        }
        if (inner >= BLOCK) {
            int pieces = (inner + BLOCK - 1) / BLOCK;
            int units = outer * pieces;
            int perTask = GRAIN / BLOCK;
            Parallel.forEach((units + perTask - 1) / perTask, t -> {
                for (int u = t * perTask; u < Math.min(units, (t + 1) * perTask); u++) {
                    int row = u / pieces;
                    int lo = (u % pieces) * BLOCK;
                    int[] off = rowOffsets(row);
                    for (int k = 0; k < off.length; k++) {
                        off[k] += lo * innerStride(k);
                    }
                    segment.run(off, Math.min(BLOCK, inner - lo));
                }
            });
            return;
        }
        int rowsPerTask = Math.max(1, GRAIN / inner);
        int tasks = (outer + rowsPerTask - 1) / rowsPerTask;
        Parallel.forEach(tasks, t -> {
            int first = t * rowsPerTask;
            int last = Math.min(outer, first + rowsPerTask);
            int rank = dims.length;
            int[] index = unravel(first);
            int[] off = rowOffsets(first);
            int[] cur = off.clone();
            for (int row = first; row < last; row++) {
                System.arraycopy(off, 0, cur, 0, off.length);
                segment.run(cur, inner);
                // odometer over the outer axes
                for (int a = rank - 2; a >= 0; a--) {
                    index[a]++;
                    for (int k = 0; k < off.length; k++) {
                        off[k] += strides[k][a];
                    }
                    if (index[a] < dims[a]) {
                        break;
                    }
                    index[a] = 0;
                    for (int k = 0; k < off.length; k++) {
                        off[k] -= strides[k][a] * dims[a];
                    }
                }
            }
        });
    }

    private int[] unravel(int row) {
        int[] index = new int[dims.length];
        for (int a = dims.length - 2; a >= 0; a--) {
            index[a] = row % dims[a];
            row /= dims[a];
        }
        return index;
    }

    private int[] rowOffsets(int row) {
        int[] index = unravel(row);
        int[] off = base.clone();
        for (int k = 0; k < off.length; k++) {
            for (int a = 0; a < dims.length - 1; a++) {
                off[k] += index[a] * strides[k][a];
            }
        }
        return off;
    }
}
