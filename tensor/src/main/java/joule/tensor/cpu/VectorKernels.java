package joule.tensor.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import joule.tensor.BinaryOp;
import joule.tensor.ReduceOp;
import joule.tensor.UnaryOp;

/**
 * Kernels written with {@code jdk.incubator.vector} at the preferred species width: a full-vector
 * main loop and a masked tail over unit-stride (or broadcast, stride 0) segments; other strides
 * fall back to {@link ScalarKernels}. Reductions keep four independent accumulators.
 */
final class VectorKernels implements CpuKernels {
    static final VectorKernels INSTANCE = new VectorKernels();

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final CpuKernels SCALAR = ScalarKernels.INSTANCE;

    private VectorKernels() {
    }

    private static boolean vectorizable(int stride) {
        return stride == 0 || stride == 1;
    }

    // ------------------------------------------------------------------ float32

    @Override
    public void unary(UnaryOp op, float[] x, int xo, int xs, float[] y, int yo, int ys, int n) {
        if (xs != 1 || ys != 1) {
            SCALAR.unary(op, x, xo, xs, y, yo, ys, n);
            return;
        }
        // One loop per op, so that each vector op is a constant at its call site and C2 intrinsifies it
        // (a shared helper taking the op would be compiled out of line and box every vector).
        int i = 0;
        int len = F.length();
        int bound = F.loopBound(n);
        switch (op) {
            case NEG -> { for (; i < bound; i += len) FloatVector.fromArray(F, x, xo + i).neg().intoArray(y, yo + i); }
            case ABS -> { for (; i < bound; i += len) FloatVector.fromArray(F, x, xo + i).abs().intoArray(y, yo + i); }
            case SIGN -> {
                for (; i < bound; i += len) {
                    FloatVector v = FloatVector.fromArray(F, x, xo + i);
                    v.blend(1f, v.compare(VectorOperators.GT, 0f)).blend(-1f, v.compare(VectorOperators.LT, 0f))
                            .intoArray(y, yo + i);
                }
            }
            case SQUARE -> {
                for (; i < bound; i += len) {
                    FloatVector v = FloatVector.fromArray(F, x, xo + i);
                    v.mul(v).intoArray(y, yo + i);
                }
            }
            case RECIPROCAL -> {
                for (; i < bound; i += len) FloatVector.broadcast(F, 1f).div(FloatVector.fromArray(F, x, xo + i)).intoArray(y, yo + i);
            }
            case SQRT -> { for (; i < bound; i += len) FloatVector.fromArray(F, x, xo + i).sqrt().intoArray(y, yo + i); }
            case RSQRT -> {
                for (; i < bound; i += len) {
                    FloatVector.broadcast(F, 1f).div(FloatVector.fromArray(F, x, xo + i).sqrt()).intoArray(y, yo + i);
                }
            }
            case EXP -> { for (; i < bound; i += len) lanewise(VectorOperators.EXP, x, xo + i, y, yo + i); }
            case EXPM1 -> { for (; i < bound; i += len) lanewise(VectorOperators.EXPM1, x, xo + i, y, yo + i); }
            case LOG -> { for (; i < bound; i += len) lanewise(VectorOperators.LOG, x, xo + i, y, yo + i); }
            case LOG1P -> { for (; i < bound; i += len) lanewise(VectorOperators.LOG1P, x, xo + i, y, yo + i); }
            case SIN -> { for (; i < bound; i += len) lanewise(VectorOperators.SIN, x, xo + i, y, yo + i); }
            case COS -> { for (; i < bound; i += len) lanewise(VectorOperators.COS, x, xo + i, y, yo + i); }
            case TANH -> { for (; i < bound; i += len) lanewise(VectorOperators.TANH, x, xo + i, y, yo + i); }
            case SIGMOID -> {
                for (; i < bound; i += len) {
                    FloatVector e = FloatVector.fromArray(F, x, xo + i).neg().lanewise(VectorOperators.EXP);
                    FloatVector.broadcast(F, 1f).div(e.add(1f)).intoArray(y, yo + i);
                }
            }
            case SOFTPLUS -> {
                for (; i < bound; i += len) {
                    FloatVector v = FloatVector.fromArray(F, x, xo + i);
                    v.max(0f).add(v.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P))
                            .intoArray(y, yo + i);
                }
            }
            case SILU -> {
                for (; i < bound; i += len) {
                    FloatVector v = FloatVector.fromArray(F, x, xo + i);
                    v.div(v.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(y, yo + i);
                }
            }
            case RELU -> { for (; i < bound; i += len) FloatVector.fromArray(F, x, xo + i).max(0f).intoArray(y, yo + i); }
        }
        SCALAR.unary(op, x, xo + i, 1, y, yo + i, 1, n - i);
    }

    private static void lanewise(VectorOperators.Unary op, float[] x, int xo, float[] y, int yo) {
        FloatVector.fromArray(F, x, xo).lanewise(op).intoArray(y, yo);
    }

    @Override
    public void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int ys,
                       int n) {
        if (ys != 1 || !vectorizable(as) || !vectorizable(bs)) {
            SCALAR.binary(op, a, ao, as, b, bo, bs, y, yo, ys, n);
            return;
        }
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            apply(op, load(a, ao, as, i), load(b, bo, bs, i)).intoArray(y, yo + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            apply(op, load(a, ao, as, i, m), load(b, bo, bs, i, m)).intoArray(y, yo + i, m);
        }
    }

    private static FloatVector load(float[] x, int xo, int xs, int i) {
        return xs == 0 ? FloatVector.broadcast(F, x[xo]) : FloatVector.fromArray(F, x, xo + i);
    }

    private static FloatVector load(float[] x, int xo, int xs, int i, VectorMask<Float> m) {
        return xs == 0 ? FloatVector.broadcast(F, x[xo]) : FloatVector.fromArray(F, x, xo + i, m);
    }

    private static FloatVector apply(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case POW -> pow(a, b);
            case MAXIMUM -> a.max(b);
            case MINIMUM -> a.min(b);
            case EQ -> indicator(a.compare(VectorOperators.EQ, b));
            case NE -> indicator(a.compare(VectorOperators.NE, b));
            case LT -> indicator(a.compare(VectorOperators.LT, b));
            case LE -> indicator(a.compare(VectorOperators.LE, b));
            case GT -> indicator(a.compare(VectorOperators.GT, b));
            case GE -> indicator(a.compare(VectorOperators.GE, b));
        };
    }

    /**
     * {@link Math#pow}, the definition. Once C2 compiles it, the Vector API's POW follows C99 instead
     * (SVML): {@code pow(±1, ±inf) = 1} and {@code pow(1, NaN) = 1}, where Math.pow (and the API's own
     * uncompiled fallback) gives NaN; those lanes are set back to NaN.
     */
    private static FloatVector pow(FloatVector a, FloatVector b) {
        VectorMask<Float> c99 = a.abs().compare(VectorOperators.EQ, 1f)
                .and(b.abs().compare(VectorOperators.EQ, Float.POSITIVE_INFINITY).or(b.test(VectorOperators.IS_NAN)));
        return a.lanewise(VectorOperators.POW, b).blend(Float.NaN, c99);
    }

    private static FloatVector indicator(VectorMask<Float> m) {
        return FloatVector.zero(F).blend(1f, m);
    }

    @Override
    public void where(float[] c, int co, int cs, float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo,
                      int ys, int n) {
        if (ys != 1 || !vectorizable(cs) || !vectorizable(as) || !vectorizable(bs)) {
            SCALAR.where(c, co, cs, a, ao, as, b, bo, bs, y, yo, ys, n);
            return;
        }
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            VectorMask<Float> pick = load(c, co, cs, i).compare(VectorOperators.NE, 0f);
            load(b, bo, bs, i).blend(load(a, ao, as, i), pick).intoArray(y, yo + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            VectorMask<Float> pick = load(c, co, cs, i, m).compare(VectorOperators.NE, 0f);
            load(b, bo, bs, i, m).blend(load(a, ao, as, i, m), pick).intoArray(y, yo + i, m);
        }
    }

    @Override
    public double reduce(ReduceOp op, float[] x, int xo, int n) {
        VectorOperators.Associative lanes = lanesOp(op);
        float id = (float) op.identity();
        FloatVector acc0 = FloatVector.broadcast(F, id);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        int len = F.length();
        int i = 0;
        for (int bound = n - 4 * len; i <= bound; i += 4 * len) {
            acc0 = acc0.lanewise(lanes, FloatVector.fromArray(F, x, xo + i));
            acc1 = acc1.lanewise(lanes, FloatVector.fromArray(F, x, xo + i + len));
            acc2 = acc2.lanewise(lanes, FloatVector.fromArray(F, x, xo + i + 2 * len));
            acc3 = acc3.lanewise(lanes, FloatVector.fromArray(F, x, xo + i + 3 * len));
        }
        for (int bound = F.loopBound(n); i < bound; i += len) {
            acc0 = acc0.lanewise(lanes, FloatVector.fromArray(F, x, xo + i));
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            acc1 = acc1.lanewise(lanes, FloatVector.broadcast(F, id).blend(FloatVector.fromArray(F, x, xo + i, m), m));
        }
        return acc0.lanewise(lanes, acc1).lanewise(lanes, acc2.lanewise(lanes, acc3)).reduceLanes(lanes);
    }

    private static VectorOperators.Associative lanesOp(ReduceOp op) {
        return switch (op) {
            case SUM -> VectorOperators.ADD;
            case MAX -> VectorOperators.MAX;
            case MIN -> VectorOperators.MIN;
        };
    }

    @Override
    public void accumulate(ReduceOp op, float[] x, int xo, float[] acc, int ao, int n) {
        VectorOperators.Associative lanes = lanesOp(op);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, acc, ao + i).lanewise(lanes, FloatVector.fromArray(F, x, xo + i))
                    .intoArray(acc, ao + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, acc, ao + i, m).lanewise(lanes, FloatVector.fromArray(F, x, xo + i, m))
                    .intoArray(acc, ao + i, m);
        }
    }

    @Override
    public int firstNaN(float[] y, int yo, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            if (FloatVector.fromArray(F, y, yo + i).test(VectorOperators.IS_NAN).anyTrue()) {
                break;
            }
        }
        int j = SCALAR.firstNaN(y, yo + i, n - i);
        return j < 0 ? -1 : i + j;
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int ao, int ars, int acs, float[] b, int bo, int brs, int bcs,
                     float[] c, int co, int ldc) {
        GemmF32.multiply(m, n, k, a, ao, ars, acs, b, bo, brs, bcs, c, co, ldc);
    }

    // ------------------------------------------------------------------ float64

    @Override
    public void unary(UnaryOp op, double[] x, int xo, int xs, double[] y, int yo, int ys, int n) {
        if (xs != 1 || ys != 1) {
            SCALAR.unary(op, x, xo, xs, y, yo, ys, n);
            return;
        }
        // One loop per op, so that each vector op is a constant at its call site and C2 intrinsifies it
        // (a shared helper taking the op would be compiled out of line and box every vector).
        int i = 0;
        int len = D.length();
        int bound = D.loopBound(n);
        switch (op) {
            case NEG -> { for (; i < bound; i += len) DoubleVector.fromArray(D, x, xo + i).neg().intoArray(y, yo + i); }
            case ABS -> { for (; i < bound; i += len) DoubleVector.fromArray(D, x, xo + i).abs().intoArray(y, yo + i); }
            case SIGN -> {
                for (; i < bound; i += len) {
                    DoubleVector v = DoubleVector.fromArray(D, x, xo + i);
                    v.blend(1d, v.compare(VectorOperators.GT, 0d)).blend(-1d, v.compare(VectorOperators.LT, 0d))
                            .intoArray(y, yo + i);
                }
            }
            case SQUARE -> {
                for (; i < bound; i += len) {
                    DoubleVector v = DoubleVector.fromArray(D, x, xo + i);
                    v.mul(v).intoArray(y, yo + i);
                }
            }
            case RECIPROCAL -> {
                for (; i < bound; i += len) DoubleVector.broadcast(D, 1d).div(DoubleVector.fromArray(D, x, xo + i)).intoArray(y, yo + i);
            }
            case SQRT -> { for (; i < bound; i += len) DoubleVector.fromArray(D, x, xo + i).sqrt().intoArray(y, yo + i); }
            case RSQRT -> {
                for (; i < bound; i += len) {
                    DoubleVector.broadcast(D, 1d).div(DoubleVector.fromArray(D, x, xo + i).sqrt()).intoArray(y, yo + i);
                }
            }
            case EXP -> { for (; i < bound; i += len) lanewise(VectorOperators.EXP, x, xo + i, y, yo + i); }
            case EXPM1 -> { for (; i < bound; i += len) lanewise(VectorOperators.EXPM1, x, xo + i, y, yo + i); }
            case LOG -> { for (; i < bound; i += len) lanewise(VectorOperators.LOG, x, xo + i, y, yo + i); }
            case LOG1P -> { for (; i < bound; i += len) lanewise(VectorOperators.LOG1P, x, xo + i, y, yo + i); }
            case SIN -> { for (; i < bound; i += len) lanewise(VectorOperators.SIN, x, xo + i, y, yo + i); }
            case COS -> { for (; i < bound; i += len) lanewise(VectorOperators.COS, x, xo + i, y, yo + i); }
            case TANH -> { for (; i < bound; i += len) lanewise(VectorOperators.TANH, x, xo + i, y, yo + i); }
            case SIGMOID -> {
                for (; i < bound; i += len) {
                    DoubleVector e = DoubleVector.fromArray(D, x, xo + i).neg().lanewise(VectorOperators.EXP);
                    DoubleVector.broadcast(D, 1d).div(e.add(1d)).intoArray(y, yo + i);
                }
            }
            case SOFTPLUS -> {
                for (; i < bound; i += len) {
                    DoubleVector v = DoubleVector.fromArray(D, x, xo + i);
                    v.max(0d).add(v.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P))
                            .intoArray(y, yo + i);
                }
            }
            case SILU -> {
                for (; i < bound; i += len) {
                    DoubleVector v = DoubleVector.fromArray(D, x, xo + i);
                    v.div(v.neg().lanewise(VectorOperators.EXP).add(1d)).intoArray(y, yo + i);
                }
            }
            case RELU -> { for (; i < bound; i += len) DoubleVector.fromArray(D, x, xo + i).max(0d).intoArray(y, yo + i); }
        }
        SCALAR.unary(op, x, xo + i, 1, y, yo + i, 1, n - i);
    }

    private static void lanewise(VectorOperators.Unary op, double[] x, int xo, double[] y, int yo) {
        DoubleVector.fromArray(D, x, xo).lanewise(op).intoArray(y, yo);
    }

    @Override
    public void binary(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int ys,
                       int n) {
        if (ys != 1 || !vectorizable(as) || !vectorizable(bs)) {
            SCALAR.binary(op, a, ao, as, b, bo, bs, y, yo, ys, n);
            return;
        }
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            apply(op, load(a, ao, as, i), load(b, bo, bs, i)).intoArray(y, yo + i);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            apply(op, load(a, ao, as, i, m), load(b, bo, bs, i, m)).intoArray(y, yo + i, m);
        }
    }

    private static DoubleVector load(double[] x, int xo, int xs, int i) {
        return xs == 0 ? DoubleVector.broadcast(D, x[xo]) : DoubleVector.fromArray(D, x, xo + i);
    }

    private static DoubleVector load(double[] x, int xo, int xs, int i, VectorMask<Double> m) {
        return xs == 0 ? DoubleVector.broadcast(D, x[xo]) : DoubleVector.fromArray(D, x, xo + i, m);
    }

    private static DoubleVector apply(BinaryOp op, DoubleVector a, DoubleVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case POW -> powD(a, b);
            case MAXIMUM -> a.max(b);
            case MINIMUM -> a.min(b);
            case EQ -> indicatorD(a.compare(VectorOperators.EQ, b));
            case NE -> indicatorD(a.compare(VectorOperators.NE, b));
            case LT -> indicatorD(a.compare(VectorOperators.LT, b));
            case LE -> indicatorD(a.compare(VectorOperators.LE, b));
            case GT -> indicatorD(a.compare(VectorOperators.GT, b));
            case GE -> indicatorD(a.compare(VectorOperators.GE, b));
        };
    }

    /** {@link Math#pow}: see {@link #pow(FloatVector, FloatVector)}. */
    private static DoubleVector powD(DoubleVector a, DoubleVector b) {
        VectorMask<Double> c99 = a.abs().compare(VectorOperators.EQ, 1d)
                .and(b.abs().compare(VectorOperators.EQ, Double.POSITIVE_INFINITY).or(b.test(VectorOperators.IS_NAN)));
        return a.lanewise(VectorOperators.POW, b).blend(Double.NaN, c99);
    }

    private static DoubleVector indicatorD(VectorMask<Double> m) {
        return DoubleVector.zero(D).blend(1d, m);
    }

    @Override
    public void where(double[] c, int co, int cs, double[] a, int ao, int as, double[] b, int bo, int bs, double[] y,
                      int yo, int ys, int n) {
        if (ys != 1 || !vectorizable(cs) || !vectorizable(as) || !vectorizable(bs)) {
            SCALAR.where(c, co, cs, a, ao, as, b, bo, bs, y, yo, ys, n);
            return;
        }
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            VectorMask<Double> pick = load(c, co, cs, i).compare(VectorOperators.NE, 0d);
            load(b, bo, bs, i).blend(load(a, ao, as, i), pick).intoArray(y, yo + i);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            VectorMask<Double> pick = load(c, co, cs, i, m).compare(VectorOperators.NE, 0d);
            load(b, bo, bs, i, m).blend(load(a, ao, as, i, m), pick).intoArray(y, yo + i, m);
        }
    }

    @Override
    public double reduce(ReduceOp op, double[] x, int xo, int n) {
        VectorOperators.Associative lanes = lanesOp(op);
        double id = op.identity();
        DoubleVector acc0 = DoubleVector.broadcast(D, id);
        DoubleVector acc1 = acc0;
        DoubleVector acc2 = acc0;
        DoubleVector acc3 = acc0;
        int len = D.length();
        int i = 0;
        for (int bound = n - 4 * len; i <= bound; i += 4 * len) {
            acc0 = acc0.lanewise(lanes, DoubleVector.fromArray(D, x, xo + i));
            acc1 = acc1.lanewise(lanes, DoubleVector.fromArray(D, x, xo + i + len));
            acc2 = acc2.lanewise(lanes, DoubleVector.fromArray(D, x, xo + i + 2 * len));
            acc3 = acc3.lanewise(lanes, DoubleVector.fromArray(D, x, xo + i + 3 * len));
        }
        for (int bound = D.loopBound(n); i < bound; i += len) {
            acc0 = acc0.lanewise(lanes, DoubleVector.fromArray(D, x, xo + i));
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            acc1 = acc1.lanewise(lanes, DoubleVector.broadcast(D, id).blend(DoubleVector.fromArray(D, x, xo + i, m), m));
        }
        return acc0.lanewise(lanes, acc1).lanewise(lanes, acc2.lanewise(lanes, acc3)).reduceLanes(lanes);
    }

    @Override
    public void accumulate(ReduceOp op, double[] x, int xo, double[] acc, int ao, int n) {
        VectorOperators.Associative lanes = lanesOp(op);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector.fromArray(D, acc, ao + i).lanewise(lanes, DoubleVector.fromArray(D, x, xo + i))
                    .intoArray(acc, ao + i);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector.fromArray(D, acc, ao + i, m).lanewise(lanes, DoubleVector.fromArray(D, x, xo + i, m))
                    .intoArray(acc, ao + i, m);
        }
    }

    @Override
    public int firstNaN(double[] y, int yo, int n) {
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            if (DoubleVector.fromArray(D, y, yo + i).test(VectorOperators.IS_NAN).anyTrue()) {
                break;
            }
        }
        int j = SCALAR.firstNaN(y, yo + i, n - i);
        return j < 0 ? -1 : i + j;
    }

    @Override
    public void gemm(int m, int n, int k, double[] a, int ao, int ars, int acs, double[] b, int bo, int brs, int bcs,
                     double[] c, int co, int ldc) {
        GemmF64.multiply(m, n, k, a, ao, ars, acs, b, bo, brs, bcs, c, co, ldc);
    }
}
