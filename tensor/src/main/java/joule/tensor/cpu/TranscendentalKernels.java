package joule.tensor.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import joule.tensor.UnaryOp;

/**
 * The unary kernels built on {@link VectorMath}'s functions (the activations on exp, tanh, float32
 * sin and cos) and pow. Each runs the full vectors of a unit-stride segment and returns how many
 * elements it did; the caller finishes the tail with the scalar twins. They run a chunk at a
 * time through per-thread scratch arrays, as passes: the argument of exp, exp, then the rest.
 * A VectorMath function has to be a loop of its own (see its class comment), and the scratch
 * keeps x intact when y is x.
 */
final class TranscendentalKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Elements per chunk: a multiple of every vector length, small enough for the chunks to stay in L1. */
    private static final int CHUNK = 512;
    /** Per thread: a chunk of float32 scratch. */
    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[CHUNK]);
    /** Per thread: three chunks of float64 scratch. */
    private static final ThreadLocal<double[]> DOUBLES = ThreadLocal.withInitial(() -> new double[3 * CHUNK]);

    private TranscendentalKernels() {
    }

    // ------------------------------------------------------------------ float32

    /**
     * sigmoid, silu, silu_grad or silu_grad2 (as defined in {@link UnaryOp}) from e = exp(−x):
     * {@code s = 1/(1 + e)}, {@code x/(1 + e)}, {@code s·(1 + x·(1 − s))}, {@code s·(1 − s)·(2 + x·(1 − 2s))}.
     */
    static int ofExpOfMinusX(UnaryOp op, float[] x, int xo, float[] y, int yo, int n) {
        float[] e = FLOATS.get();
        int bound = F.loopBound(n);
        for (int done = 0; done < bound; done += CHUNK) {
            int m = Math.min(CHUNK, bound - done);
            int at = xo + done;
            for (int i = 0; i < m; i += F.length()) {
                FloatVector.fromArray(F, x, at + i).neg().intoArray(e, i);
            }
            VectorMath.exp(e, 0, e, 0, m);
            switch (op) {
                case SIGMOID -> sigmoid(e, y, yo + done, m);
                case SILU -> silu(x, at, e, y, yo + done, m);
                case SILU_GRAD -> siluGrad(x, at, e, y, yo + done, m);
                case SILU_GRAD2 -> siluGrad2(x, at, e, y, yo + done, m);
                default -> throw new IllegalArgumentException(op + " is not built on exp(-x)");
            }
        }
        return bound;
    }

    private static void sigmoid(float[] e, float[] y, int yo, int m) {
        for (int i = 0; i < m; i += F.length()) {
            FloatVector.broadcast(F, 1f).div(FloatVector.fromArray(F, e, i).add(1f)).intoArray(y, yo + i);
        }
    }

    private static void silu(float[] x, int xo, float[] e, float[] y, int yo, int m) {
        for (int i = 0; i < m; i += F.length()) {
            FloatVector.fromArray(F, x, xo + i).div(FloatVector.fromArray(F, e, i).add(1f)).intoArray(y, yo + i);
        }
    }

    private static void siluGrad(float[] x, int xo, float[] e, float[] y, int yo, int m) {
        for (int i = 0; i < m; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            FloatVector s = FloatVector.broadcast(F, 1f).div(FloatVector.fromArray(F, e, i).add(1f));
            s.mul(v.mul(s.neg().add(1f)).add(1f)).intoArray(y, yo + i);
        }
    }

    private static void siluGrad2(float[] x, int xo, float[] e, float[] y, int yo, int m) {
        for (int i = 0; i < m; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            FloatVector s = FloatVector.broadcast(F, 1f).div(FloatVector.fromArray(F, e, i).add(1f));
            FloatVector c = s.neg().add(1f);
            s.mul(c).mul(v.mul(c.sub(s)).add(2f)).intoArray(y, yo + i);
        }
    }

    /** {@code max(x, 0) + log1p(exp(−|x|))}. */
    static int softplus(float[] x, int xo, float[] y, int yo, int n) {
        float[] e = FLOATS.get();
        int bound = F.loopBound(n);
        for (int done = 0; done < bound; done += CHUNK) {
            int m = Math.min(CHUNK, bound - done);
            int at = xo + done;
            for (int i = 0; i < m; i += F.length()) {
                FloatVector.fromArray(F, x, at + i).abs().neg().intoArray(e, i);
            }
            VectorMath.exp(e, 0, e, 0, m);
            VectorMath.log1p(e, 0, e, 0, m);
            for (int i = 0; i < m; i += F.length()) {
                FloatVector.fromArray(F, x, at + i).max(0f).add(FloatVector.fromArray(F, e, i)).intoArray(y, yo + done + i);
            }
        }
        return bound;
    }

    /** tanh x. */
    static int tanh(float[] x, int xo, float[] y, int yo, int n) {
        float[] e = FLOATS.get();
        int bound = F.loopBound(n);
        for (int done = 0; done < bound; done += CHUNK) {
            VectorMath.tanh(x, xo + done, y, yo + done, Math.min(CHUNK, bound - done), e);
        }
        return bound;
    }

    /** sin x, by the float64 function on a widened copy, rounded once. */
    static int sin(float[] x, int xo, float[] y, int yo, int n) {
        return sinOrCos(x, xo, y, yo, n, false);
    }

    /** cos x, by the float64 function on a widened copy, rounded once. */
    static int cos(float[] x, int xo, float[] y, int yo, int n) {
        return sinOrCos(x, xo, y, yo, n, true);
    }

    private static int sinOrCos(float[] x, int xo, float[] y, int yo, int n, boolean cosine) {
        double[] wide = DOUBLES.get();
        int bound = D.loopBound(n);
        for (int done = 0; done < bound; done += CHUNK) {
            int m = Math.min(CHUNK, bound - done);
            for (int i = 0; i < m; i++) {
                wide[i] = x[xo + done + i];
            }
            if (cosine) {
                VectorMath.cos(wide, 0, wide, 0, m);
            } else {
                VectorMath.sin(wide, 0, wide, 0, m);
            }
            for (int i = 0; i < m; i++) {
                y[yo + done + i] = (float) wide[i];
            }
        }
        return bound;
    }

    /** {@link Math#pow}, by {@link VectorMath#powOfFloats} on widened copies, rounded once; an operand of stride 0 is broadcast. */
    static int pow(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        double[] wide = DOUBLES.get();
        int bound = D.loopBound(n);
        for (int done = 0; done < bound; done += CHUNK) {
            int m = Math.min(CHUNK, bound - done);
            for (int i = 0; i < m; i++) {
                wide[i] = a[ao + (done + i) * as];
                wide[CHUNK + i] = b[bo + (done + i) * bs];
            }
            VectorMath.powOfFloats(wide, 0, wide, CHUNK, wide, 2 * CHUNK, m);
            for (int i = 0; i < m; i++) {
                y[yo + done + i] = (float) wide[2 * CHUNK + i];
            }
        }
        return bound;
    }

    // ------------------------------------------------------------------ float64

    /** See {@link #ofExpOfMinusX(UnaryOp, float[], int, float[], int, int)}. */
    static int ofExpOfMinusX(UnaryOp op, double[] x, int xo, double[] y, int yo, int n) {
        double[] e = DOUBLES.get();
        int bound = D.loopBound(n);
        for (int done = 0; done < bound; done += CHUNK) {
            int m = Math.min(CHUNK, bound - done);
            int at = xo + done;
            for (int i = 0; i < m; i += D.length()) {
                DoubleVector.fromArray(D, x, at + i).neg().intoArray(e, i);
            }
            VectorMath.exp(e, 0, e, 0, m);
            switch (op) {
                case SIGMOID -> sigmoid(e, y, yo + done, m);
                case SILU -> silu(x, at, e, y, yo + done, m);
                case SILU_GRAD -> siluGrad(x, at, e, y, yo + done, m);
                case SILU_GRAD2 -> siluGrad2(x, at, e, y, yo + done, m);
                default -> throw new IllegalArgumentException(op + " is not built on exp(-x)");
            }
        }
        return bound;
    }

    private static void sigmoid(double[] e, double[] y, int yo, int m) {
        for (int i = 0; i < m; i += D.length()) {
            DoubleVector.broadcast(D, 1d).div(DoubleVector.fromArray(D, e, i).add(1d)).intoArray(y, yo + i);
        }
    }

    private static void silu(double[] x, int xo, double[] e, double[] y, int yo, int m) {
        for (int i = 0; i < m; i += D.length()) {
            DoubleVector.fromArray(D, x, xo + i).div(DoubleVector.fromArray(D, e, i).add(1d)).intoArray(y, yo + i);
        }
    }

    private static void siluGrad(double[] x, int xo, double[] e, double[] y, int yo, int m) {
        for (int i = 0; i < m; i += D.length()) {
            DoubleVector v = DoubleVector.fromArray(D, x, xo + i);
            DoubleVector s = DoubleVector.broadcast(D, 1d).div(DoubleVector.fromArray(D, e, i).add(1d));
            s.mul(v.mul(s.neg().add(1d)).add(1d)).intoArray(y, yo + i);
        }
    }

    private static void siluGrad2(double[] x, int xo, double[] e, double[] y, int yo, int m) {
        for (int i = 0; i < m; i += D.length()) {
            DoubleVector v = DoubleVector.fromArray(D, x, xo + i);
            DoubleVector s = DoubleVector.broadcast(D, 1d).div(DoubleVector.fromArray(D, e, i).add(1d));
            DoubleVector c = s.neg().add(1d);
            s.mul(c).mul(v.mul(c.sub(s)).add(2d)).intoArray(y, yo + i);
        }
    }

    /** {@code max(x, 0) + log1p(exp(−|x|))}. */
    static int softplus(double[] x, int xo, double[] y, int yo, int n) {
        double[] e = DOUBLES.get();
        int bound = D.loopBound(n);
        for (int done = 0; done < bound; done += CHUNK) {
            int m = Math.min(CHUNK, bound - done);
            int at = xo + done;
            for (int i = 0; i < m; i += D.length()) {
                DoubleVector.fromArray(D, x, at + i).abs().neg().intoArray(e, i);
            }
            VectorMath.exp(e, 0, e, 0, m);
            VectorMath.log1p(e, 0, e, 0, m);
            for (int i = 0; i < m; i += D.length()) {
                DoubleVector.fromArray(D, x, at + i).max(0d).add(DoubleVector.fromArray(D, e, i)).intoArray(y, yo + done + i);
            }
        }
        return bound;
    }

    /** tanh x. */
    static int tanh(double[] x, int xo, double[] y, int yo, int n) {
        double[] e = DOUBLES.get();
        int bound = D.loopBound(n);
        for (int done = 0; done < bound; done += CHUNK) {
            VectorMath.tanh(x, xo + done, y, yo + done, Math.min(CHUNK, bound - done), e);
        }
        return bound;
    }

    /**
     * {@link StrictMath#pow}, element by element (all n): exp(b·log a) in double lanes would lose
     * several bits of a large result, and StrictMath gives the same bits in every tier.
     */
    static int pow(double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = StrictMath.pow(a[ao + i * as], b[bo + i * bs]);
        }
        return n;
    }
}
