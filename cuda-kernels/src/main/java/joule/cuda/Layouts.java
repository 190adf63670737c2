package joule.cuda;

import java.util.Arrays;
import joule.tensor.Shapes;

/**
 * Writes the kernels' {@code Layout} struct (layout.cuh): up to {@value #MAX_OPERANDS} strided operands of one shape,
 * walked together in row-major order. Size-1 axes are dropped and neighbouring axes merged wherever every operand
 * steps through them as through one axis, so that contiguous tensors become a single axis; what remains must be at
 * most {@value #MAX_RANK} axes.
 *
 * <p>The struct is 45 ints: {@code rank}, {@code dims[8]}, {@code offsets[4]}, {@code strides[4][8]}, axes
 * outermost first.
 */
final class Layouts {
    /** Most axes after merging. */
    static final int MAX_RANK = 8;
    /** Most operands of one layout. */
    static final int MAX_OPERANDS = 4;
    /** Length of the struct in ints. */
    static final int WORDS = 1 + MAX_RANK + MAX_OPERANDS + MAX_OPERANDS * MAX_RANK;

    private Layouts() {
    }

    /**
     * The layout of operands with element strides {@code strides[k]} over {@code shape} (0 on broadcast axes) and
     * first elements at {@code offsets[k]}.
     *
     * @throws IllegalArgumentException naming {@code op} when more than {@value #MAX_RANK} axes remain after merging
     */
    static int[] of(String op, int[] shape, int[] offsets, int[]... strides) {
        int operands = strides.length;
        if (operands == 0 || operands > MAX_OPERANDS || offsets.length != operands) {
            throw new IllegalArgumentException(op + ": a layout has 1 to " + MAX_OPERANDS + " operands, got "
                    + operands + " with " + offsets.length + " offsets");
        }
        // Axes collected innermost first; axis g has size dims[g] and stride merged[k][g] in operand k.
        int[] dims = new int[shape.length];
        int[][] merged = new int[operands][shape.length];
        int rank = 0;
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            if (shape[axis] == 1) {
                continue;
            }
            if (rank > 0 && continuesInward(strides, axis, merged, rank - 1, dims[rank - 1])) {
                dims[rank - 1] *= shape[axis];
                continue;
            }
            dims[rank] = shape[axis];
            for (int k = 0; k < operands; k++) {
                merged[k][rank] = strides[k][axis];
            }
            rank++;
        }
        if (rank > MAX_RANK) {
            throw new IllegalArgumentException(op + ": shape " + Shapes.format(shape) + " with operand strides "
                    + Arrays.deepToString(strides) + " keeps " + rank + " axes after merging contiguous ones; the CUDA "
                    + "backend handles at most " + MAX_RANK + " (make an operand contiguous first)");
        }
        int[] layout = new int[WORDS];
        layout[0] = Math.max(rank, 1);
        layout[1] = 1;
        for (int d = 0; d < rank; d++) {
            layout[1 + d] = dims[rank - 1 - d];
        }
        System.arraycopy(offsets, 0, layout, 1 + MAX_RANK, operands);
        for (int k = 0; k < operands; k++) {
            for (int d = 0; d < rank; d++) {
                layout[1 + MAX_RANK + MAX_OPERANDS + k * MAX_RANK + d] = merged[k][rank - 1 - d];
            }
        }
        return layout;
    }

    /** The stride of {@code operand} along the innermost axis of a layout (0 when every axis had size 1). */
    static int innerStride(int[] layout, int operand) {
        return layout[1 + MAX_RANK + MAX_OPERANDS + operand * MAX_RANK + layout[0] - 1];
    }

    /** Whether stepping along {@code axis} is, for every operand, stepping over a whole run of the inner axis group. */
    private static boolean continuesInward(int[][] strides, int axis, int[][] merged, int group, int groupSize) {
        for (int k = 0; k < strides.length; k++) {
            if ((long) strides[k][axis] != (long) merged[k][group] * groupSize) {
                return false;
            }
        }
        return true;
    }
}
