package joule.tensor.cpu;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 and float64 operations the convolution kernels ({@link GemmConv}, {@link ConvGeometry}) are written
 * on, so that those are written once: arrays are {@code float[]} for {@link #F32} and {@code double[]} for
 * {@link #F64}, passed as {@code Object}.
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
            if (n == 1 && acs == 1) {
                GemmF32.packed(m, n, k, (float[]) a, ao, ars, acs, (float[]) b, bo, brs, bcs, (float[]) c, co, ldc, 1);
            } else {
                GemmF32.multiply(m, n, k, (float[]) a, ao, ars, acs, (float[]) b, bo, brs, bcs, (float[]) c, co, ldc,
                        false);
            }
        }

        @Override
        void zero(Object a, int from, int count) {
            Arrays.fill((float[]) a, from, from + count, 0f);
        }

        @Override
        void gather(Object src, int from, int step, int count, Object dst, int at, int before, int after) {
            float[] s = (float[]) src;
            float[] d = (float[]) dst;
            for (int i = 0; i < before; i++) {
                d[at + i] = 0;
            }
            int o = at + before;
            if (step == 1 && count > 0) {
                System.arraycopy(s, from, d, o, count);
            } else {
                for (int i = 0; i < count; i++) {
                    d[o + i] = s[from + i * step];
                }
            }
            for (int i = o + count; i < o + count + after; i++) {
                d[i] = 0;
            }
        }

        @Override
        void add(Object src, int so, Object dst, int dOff, int ds, int n) {
            float[] s = (float[]) src;
            float[] d = (float[]) dst;
            int i = 0;
            if (ds == 1) {
                for (; i < FLOATS.loopBound(n); i += FLOATS.length()) {
                    FloatVector.fromArray(FLOATS, d, dOff + i).add(FloatVector.fromArray(FLOATS, s, so + i))
                            .intoArray(d, dOff + i);
                }
            }
            for (; i < n; i++) {
                d[dOff + i * ds] += s[so + i];
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
            if (n == 1 && acs == 1) {
                GemmF64.packed(m, n, k, (double[]) a, ao, ars, acs, (double[]) b, bo, brs, bcs, (double[]) c, co, ldc,
                        1);
            } else {
                GemmF64.multiply(m, n, k, (double[]) a, ao, ars, acs, (double[]) b, bo, brs, bcs, (double[]) c, co,
                        ldc, false);
            }
        }

        @Override
        void zero(Object a, int from, int count) {
            Arrays.fill((double[]) a, from, from + count, 0);
        }

        @Override
        void gather(Object src, int from, int step, int count, Object dst, int at, int before, int after) {
            double[] s = (double[]) src;
            double[] d = (double[]) dst;
            for (int i = 0; i < before; i++) {
                d[at + i] = 0;
            }
            int o = at + before;
            if (step == 1 && count > 0) {
                System.arraycopy(s, from, d, o, count);
            } else {
                for (int i = 0; i < count; i++) {
                    d[o + i] = s[from + i * step];
                }
            }
            for (int i = o + count; i < o + count + after; i++) {
                d[i] = 0;
            }
        }

        @Override
        void add(Object src, int so, Object dst, int dOff, int ds, int n) {
            double[] s = (double[]) src;
            double[] d = (double[]) dst;
            int i = 0;
            if (ds == 1) {
                for (; i < DOUBLES.loopBound(n); i += DOUBLES.length()) {
                    DoubleVector.fromArray(DOUBLES, d, dOff + i).add(DoubleVector.fromArray(DOUBLES, s, so + i))
                            .intoArray(d, dOff + i);
                }
            }
            for (; i < n; i++) {
                d[dOff + i * ds] += s[so + i];
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

    /**
     * {@code before} zeros, {@code src[from + i·step]} for {@code i < count}, then {@code after} zeros, written to
     * {@code dst} from {@code at}; {@code from} is not read if {@code count} is 0.
     */
    abstract void gather(Object src, int from, int step, int count, Object dst, int at, int before, int after);

    /** {@code dst[dOff + i·ds] += src[so + i]} for {@code i < n}: one rounded addition per element. */
    abstract void add(Object src, int so, Object dst, int dOff, int ds, int n);
}
