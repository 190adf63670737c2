package joule.tensor.cpu;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 and float64 operations the convolution kernels ({@link GemmConv}, {@link ConvGeometry}) are written
 * on, so that those are written once: arrays are {@code float[]} for {@link #F32} and {@code double[]} for
 * {@link #F64}, passed as {@code Object}. Each is a copy or one rounded addition per element, so its results do not
 * depend on how it is vectorised.
 */
enum ArrayOps {
    F32 {
        @Override
        Object scratch(Scratch purpose, int length) {
            return purpose.floats(length);
        }

        @Override
        void gemm(int m, int n, int k, Object a, int ao, int ars, int acs, Object b, int bo, int brs, int bcs,
                  Object c, int co, int ldc) {
            float[] x = (float[]) a;
            float[] y = (float[]) b;
            float[] z = (float[]) c;
            if (n == 1 && acs == 1) {
                GemmF32.packed(m, n, k, x, ao, ars, acs, y, bo, brs, bcs, z, co, ldc, 1);
            } else {
                GemmF32.multiply(m, n, k, x, ao, ars, acs, y, bo, brs, bcs, z, co, ldc, false);
            }
        }

        @Override
        void zero(Object a, int from, int count) {
            Arrays.fill((float[]) a, from, from + count, 0f);
        }

        @Override
        void zeroColumns(Object a, int at, int rows, int stride, int from, int to) {
            float[] d = (float[]) a;
            for (int r = 0; r < rows; r++) {
                for (int j = from; j < to; j++) {
                    d[at + r * stride + j] = 0f;
                }
            }
        }

        @Override
        void copy(Object src, int from, Object dst, int at, int count) {
            if (count > 0) {
                System.arraycopy(src, from, dst, at, count);
            }
        }

        @Override
        void gather(Object src, int so, int[] reads, boolean[] inside, int from, Object dst, int at, int count) {
            float[] s = (float[]) src;
            float[] d = (float[]) dst;
            int i = 0;
            for (; i < FLOATS.loopBound(count); i += FLOATS.length()) {
                VectorMask<Float> in = VectorMask.fromArray(FLOATS, inside, from + i);
                FloatVector.fromArray(FLOATS, s, so, reads, from + i, in).intoArray(d, at + i);
            }
            for (; i < count; i++) {
                d[at + i] = inside[from + i] ? s[so + reads[from + i]] : 0f;
            }
        }

        @Override
        void scatterAdd(Object src, int si, Object dst, int so, int[] reads, boolean[] inside, int from, int count) {
            float[] s = (float[]) src;
            float[] d = (float[]) dst;
            int i = 0;
            for (; i < FLOATS.loopBound(count); i += FLOATS.length()) {
                VectorMask<Float> in = VectorMask.fromArray(FLOATS, inside, from + i);
                FloatVector.fromArray(FLOATS, d, so, reads, from + i, in).add(FloatVector.fromArray(FLOATS, s, si + i))
                        .intoArray(d, so, reads, from + i, in);
            }
            for (; i < count; i++) {
                if (inside[from + i]) {
                    d[so + reads[from + i]] += s[si + i];
                }
            }
        }

        @Override
        void add(Object src, int so, Object dst, int at, int count) {
            float[] s = (float[]) src;
            float[] d = (float[]) dst;
            int i = 0;
            for (; i < FLOATS.loopBound(count); i += FLOATS.length()) {
                FloatVector.fromArray(FLOATS, d, at + i).add(FloatVector.fromArray(FLOATS, s, so + i)).intoArray(d, at + i);
            }
            for (; i < count; i++) {
                d[at + i] += s[so + i];
            }
        }

        @Override
        void transpose(Object src, int so, int rows, int cols, Object dst, int at, int ldd) {
            float[] s = (float[]) src;
            float[] d = (float[]) dst;
            int[] lanes = new int[FLOATS.length()];
            for (int i = 0; i < lanes.length; i++) {
                lanes[i] = i * cols;
            }
            int full = FLOATS.loopBound(rows);
            for (int c = 0; c < cols; c++) {
                int to = at + c * ldd;
                for (int r = 0; r < full; r += lanes.length) {
                    FloatVector.fromArray(FLOATS, s, so + r * cols + c, lanes, 0).intoArray(d, to + r);
                }
                for (int r = full; r < rows; r++) {
                    d[to + r] = s[so + r * cols + c];
                }
            }
        }
    },
    F64 {
        @Override
        Object scratch(Scratch purpose, int length) {
            return purpose.doubles(length);
        }

        @Override
        void gemm(int m, int n, int k, Object a, int ao, int ars, int acs, Object b, int bo, int brs, int bcs,
                  Object c, int co, int ldc) {
            double[] x = (double[]) a;
            double[] y = (double[]) b;
            double[] z = (double[]) c;
            if (n == 1 && acs == 1) {
                GemmF64.packed(m, n, k, x, ao, ars, acs, y, bo, brs, bcs, z, co, ldc, 1);
            } else {
                GemmF64.multiply(m, n, k, x, ao, ars, acs, y, bo, brs, bcs, z, co, ldc, false);
            }
        }

        @Override
        void zero(Object a, int from, int count) {
            Arrays.fill((double[]) a, from, from + count, 0);
        }

        @Override
        void zeroColumns(Object a, int at, int rows, int stride, int from, int to) {
            double[] d = (double[]) a;
            for (int r = 0; r < rows; r++) {
                for (int j = from; j < to; j++) {
                    d[at + r * stride + j] = 0;
                }
            }
        }

        @Override
        void copy(Object src, int from, Object dst, int at, int count) {
            if (count > 0) {
                System.arraycopy(src, from, dst, at, count);
            }
        }

        @Override
        void gather(Object src, int so, int[] reads, boolean[] inside, int from, Object dst, int at, int count) {
            double[] s = (double[]) src;
            double[] d = (double[]) dst;
            int i = 0;
            for (; i < DOUBLES.loopBound(count); i += DOUBLES.length()) {
                VectorMask<Double> in = VectorMask.fromArray(DOUBLES, inside, from + i);
                DoubleVector.fromArray(DOUBLES, s, so, reads, from + i, in).intoArray(d, at + i);
            }
            for (; i < count; i++) {
                d[at + i] = inside[from + i] ? s[so + reads[from + i]] : 0;
            }
        }

        @Override
        void scatterAdd(Object src, int si, Object dst, int so, int[] reads, boolean[] inside, int from, int count) {
            double[] s = (double[]) src;
            double[] d = (double[]) dst;
            int i = 0;
            for (; i < DOUBLES.loopBound(count); i += DOUBLES.length()) {
                VectorMask<Double> in = VectorMask.fromArray(DOUBLES, inside, from + i);
                DoubleVector.fromArray(DOUBLES, d, so, reads, from + i, in).add(DoubleVector.fromArray(DOUBLES, s, si + i))
                        .intoArray(d, so, reads, from + i, in);
            }
            for (; i < count; i++) {
                if (inside[from + i]) {
                    d[so + reads[from + i]] += s[si + i];
                }
            }
        }

        @Override
        void add(Object src, int so, Object dst, int at, int count) {
            double[] s = (double[]) src;
            double[] d = (double[]) dst;
            int i = 0;
            for (; i < DOUBLES.loopBound(count); i += DOUBLES.length()) {
                DoubleVector.fromArray(DOUBLES, d, at + i).add(DoubleVector.fromArray(DOUBLES, s, so + i)).intoArray(d, at + i);
            }
            for (; i < count; i++) {
                d[at + i] += s[so + i];
            }
        }

        @Override
        void transpose(Object src, int so, int rows, int cols, Object dst, int at, int ldd) {
            double[] s = (double[]) src;
            double[] d = (double[]) dst;
            int[] lanes = new int[DOUBLES.length()];
            for (int i = 0; i < lanes.length; i++) {
                lanes[i] = i * cols;
            }
            int full = DOUBLES.loopBound(rows);
            for (int c = 0; c < cols; c++) {
                int to = at + c * ldd;
                for (int r = 0; r < full; r += lanes.length) {
                    DoubleVector.fromArray(DOUBLES, s, so + r * cols + c, lanes, 0).intoArray(d, to + r);
                }
                for (int r = full; r < rows; r++) {
                    d[to + r] = s[so + r * cols + c];
                }
            }
        }
    };

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;

    /** The operations on {@code array}'s element type. */
    static ArrayOps of(Object array) {
        return array instanceof float[] ? F32 : F64;
    }

    /** This thread's buffer of this element type for {@code purpose}, at least {@code length} long. */
    abstract Object scratch(Scratch purpose, int length);

    /**
     * {@code C = A·B} on the calling thread, as {@link GemmF32#multiply} (strides, overwriting C). Never through the
     * matrix-vector dot products (n = 1 with A's rows contiguous), whose lanes are summed in an order the JIT may
     * change: such products take the packed path, one chain of fused multiply-adds in p order per element.
     */
    abstract void gemm(int m, int n, int k, Object a, int ao, int ars, int acs, Object b, int bo, int brs, int bcs,
                       Object c, int co, int ldc);

    /** Zeroes {@code count} elements from {@code from}. */
    abstract void zero(Object a, int from, int count);

    /** Zeroes columns {@code [from, to)} of {@code rows} rows {@code stride} apart, the first at {@code a[at]}. */
    abstract void zeroColumns(Object a, int at, int rows, int stride, int from, int to);

    /** {@code dst[at + i] = src[from + i]} for {@code i < count}. */
    abstract void copy(Object src, int from, Object dst, int at, int count);

    /**
     * {@code dst[at + i] = inside[from + i] ? src[so + reads[from + i]] : 0} for {@code i < count}; every
     * {@code so + reads[…]} in range must be inside {@code src}, padding or not.
     */
    abstract void gather(Object src, int so, int[] reads, boolean[] inside, int from, Object dst, int at, int count);

    /**
     * The adjoint of {@link #gather}: {@code dst[so + reads[from + i]] += src[si + i]} where {@code inside[from + i]},
     * for {@code i < count}; those {@code reads} must differ from each other.
     */
    abstract void scatterAdd(Object src, int si, Object dst, int so, int[] reads, boolean[] inside, int from, int count);

    /** {@code dst[at + i] += src[so + i]} for {@code i < count}. */
    abstract void add(Object src, int so, Object dst, int at, int count);

    /**
     * Writes the transpose of the {@code rows × cols} matrix at {@code src[so …]} (row-major) to {@code dst}: element
     * {@code (r, c)} to {@code dst[at + c·ldd + r]}.
     */
    abstract void transpose(Object src, int so, int rows, int cols, Object dst, int at, int ldd);
}
