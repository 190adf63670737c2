package joule.tensor;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import joule.testing.TensorSamples;

/**
 * The reference for view properties: a shape and its row-major values, with every view op
 * written as plain index arithmetic (each element of the result names the element of the
 * source it comes from), independently of strides and storage.
 */
record Nd(int[] shape, double[] values) {
    static Nd of(TensorSamples.Sample s) {
        return new Nd(s.shape(), s.values());
    }

    int rank() {
        return shape.length;
    }

    double at(int[] index) {
        return values[TensorSamples.ravel(index, shape)];
    }

    /** The array of {@code newShape} whose element at index i is this array's element at {@code source(i)}. */
    Nd map(int[] newShape, UnaryOperator<int[]> source) {
        double[] v = new double[TensorSamples.numel(newShape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = at(source.apply(Shapes.unravel(i, newShape)));
        }
        return new Nd(newShape, v);
    }

    static int axis(int axis, int rank) {
        return axis < 0 ? axis + rank : axis;
    }

    Nd permute(int... order) {
        int[] s = new int[rank()];
        for (int i = 0; i < s.length; i++) {
            s[i] = shape[axis(order[i], rank())];
        }
        return map(s, index -> {
            int[] old = new int[rank()];
            for (int i = 0; i < index.length; i++) {
                old[axis(order[i], rank())] = index[i];
            }
            return old;
        });
    }

    Nd transpose(int a, int b) {
        int[] order = new int[rank()];
        Arrays.setAll(order, i -> i);
        order[axis(a, rank())] = axis(b, rank());
        order[axis(b, rank())] = axis(a, rank());
        return permute(order);
    }

    /** Python's {@code start:end:step} along an axis ({@code step > 0}; negative bounds count from the end, clamped). */
    Nd slice(int axis, int start, int end, int step) {
        int a = axis(axis, rank());
        int n = shape[a];
        int lo = Math.max(0, Math.min(n, start < 0 ? start + n : start));
        int hi = Math.max(0, Math.min(n, end < 0 ? end + n : end));
        int count = hi > lo ? (hi - lo + step - 1) / step : 0;
        int[] s = shape.clone();
        s[a] = count;
        return map(s, index -> {
            int[] old = index.clone();
            old[a] = lo + index[a] * step;
            return old;
        });
    }

    Nd narrow(int axis, int start, int length) {
        return slice(axis, start, start + length, 1);
    }

    Nd select(int axis, int index) {
        int a = axis(axis, rank());
        int k = index < 0 ? index + shape[a] : index;
        return narrow(a, k, 1).squeeze(a);
    }

    /** Broadcast to {@code newShape} (-1 keeps a size; new axes in front). */
    Nd expand(int... newShape) {
        int lead = newShape.length - rank();
        int[] s = newShape.clone();
        for (int i = lead; i < s.length; i++) {
            s[i] = s[i] == -1 ? shape[i - lead] : s[i];
        }
        return map(s, index -> {
            int[] old = new int[rank()];
            for (int i = 0; i < rank(); i++) {
                old[i] = shape[i] == 1 ? 0 : index[lead + i];
            }
            return old;
        });
    }

    Nd squeeze() {
        int[] s = Arrays.stream(shape).filter(d -> d != 1).toArray();
        return new Nd(s, values);
    }

    Nd squeeze(int axis) {
        int a = axis(axis, rank());
        int[] s = new int[rank() - 1];
        for (int i = 0, j = 0; i < rank(); i++) {
            if (i != a) {
                s[j++] = shape[i];
            }
        }
        return new Nd(s, values);
    }

    Nd unsqueeze(int axis) {
        int a = axis(axis, rank() + 1);
        int[] s = new int[rank() + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            s[i] = i == a ? 1 : shape[j++];
        }
        return new Nd(s, values);
    }

    /** Row-major values are unchanged by a reshape; -1 is inferred. */
    Nd reshape(int... newShape) {
        int[] s = newShape.clone();
        int known = 1;
        int infer = -1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            s[infer] = values.length / known;
        }
        return new Nd(s, values);
    }

    static Nd cat(int axis, Nd... parts) {
        int a = axis(axis, parts[0].rank());
        int[] s = parts[0].shape.clone();
        int[] start = new int[parts.length + 1];
        for (int p = 0; p < parts.length; p++) {
            start[p + 1] = start[p] + parts[p].shape[a];
        }
        s[a] = start[parts.length];
        double[] v = new double[TensorSamples.numel(s)];
        for (int i = 0; i < v.length; i++) {
            int[] index = Shapes.unravel(i, s);
            int p = 0;
            while (index[a] >= start[p + 1]) {
                p++;
            }
            index[a] -= start[p];
            v[i] = parts[p].at(index);
        }
        return new Nd(s, v);
    }

    @Override
    public String toString() {
        return Arrays.toString(shape) + (values.length <= 24 ? " " + Arrays.toString(values) : "");
    }
}
