package joule.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by the tensor API and the backends: element counts, strides, broadcasting, axes. */
public final class Shapes {
    private Shapes() {
    }

    /** Number of elements of a shape (1 for the 0-d shape {@code []}). */
    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + format(shape) + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    /**
     * The shape after reducing over {@code sortedAxes}: those axes become size 1 when
     * {@code keepdim}, and are removed otherwise.
     */
    public static int[] reduced(int[] shape, int[] sortedAxes, boolean keepdim) {
        int[] out = new int[keepdim ? shape.length : shape.length - sortedAxes.length];
        for (int i = 0, j = 0; i < shape.length; i++) {
            boolean isReduced = Arrays.binarySearch(sortedAxes, i) >= 0;
            if (keepdim) {
                out[i] = isReduced ? 1 : shape[i];
            } else if (!isReduced) {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    /** The row-major multi-index of flat position {@code flat} in a tensor of this shape. */
    public static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            index[i] = flat % shape[i];
            flat /= shape[i];
        }
        return index;
    }

    /** Row-major strides of a contiguous tensor of this shape. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /** {@code [3, 4]} style text of a shape. */
    public static String format(int[] shape) {
        return Arrays.toString(shape);
    }

    /**
     * The NumPy broadcast of two shapes: aligned from the right, each pair of sizes equal or one of
     * them 1.
     *
     * @throws IllegalArgumentException naming {@code op} when the shapes do not broadcast
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + format(a) + " and " + format(b)
                        + " don't broadcast (" + da + " ≠ " + db + " at axis " + (i - rank) + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides that read a tensor of {@code shape}/{@code strides} as if expanded to {@code target} (0 on broadcast axes). */
    public static int[] broadcastStrides(int[] shape, int[] strides, int[] target) {
        int[] out = new int[target.length];
        int lead = target.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            out[lead + i] = shape[i] == 1 && target[lead + i] != 1 ? 0 : strides[i];
        }
        return out;
    }

    /** An axis in {@code [-rank, rank)} made non-negative. */
    public static int axis(String op, int axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for rank " + rank
                    + (rank == 0 ? " (a 0-d tensor has no axes)" : " (expected " + -rank + " to " + (rank - 1) + ")"));
        }
        return axis < 0 ? axis + rank : axis;
    }

    /** Axes made non-negative, sorted; an empty array means all axes. Rejects repeats. */
    public static int[] axes(String op, int[] axes, int rank) {
        if (axes.length == 0) {
            int[] all = new int[rank];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] < -rank || axes[i] >= rank) {
                throw new IllegalArgumentException(op + ": axis " + axes[i] + " is out of range for rank " + rank);
            }
            out[i] = axes[i] < 0 ? axes[i] + rank : axes[i];
        }
        Arrays.sort(out);
        for (int i = 1; i < out.length; i++) {
            if (out[i] == out[i - 1]) {
                throw new IllegalArgumentException(op + ": axis " + out[i] + " is repeated in " + Arrays.toString(axes));
            }
        }
        return out;
    }
}
