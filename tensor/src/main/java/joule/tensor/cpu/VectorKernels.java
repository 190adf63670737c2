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
 * main loop over unit-stride (or broadcast, stride 0) segments and a scalar tail; other strides
 * fall back to {@link ScalarKernels}. Reductions keep several independent accumulators; sums
 * combine them and their lanes in a fixed order ({@link Lanes}).
 *
 * <p>Every op has its own loop, with the vector operation written out in it (the transcendental
 * ones in {@link VectorMath} and {@link TranscendentalKernels}): C2 intrinsifies a vector op only
 * where the operator is a constant at the call site, and a shared helper taking the op (or a
 * switch inside the loop) gets compiled out of line once several ops use it, which boxes every
 * vector and runs the API's slow fallback (seen in JFR profiles as {@code lanewiseTemplate}).
 * The float32 and float64 halves are the same code over the two species.
 *
 * <p>Results don't depend on the JIT tier that runs a kernel: transcendental lanes (exp, log,
 * sin, tanh, pow) come from {@link VectorMath} rather than the Vector API's own operators, lane
 * sums from {@link Lanes}, and otherwise only operations that are exactly rounded in every tier
 * are used.
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
            case EXP -> i = VectorMath.exp(x, xo, y, yo, n);
            case EXPM1 -> i = VectorMath.expm1(x, xo, y, yo, n);
            case LOG -> i = VectorMath.log(x, xo, y, yo, n);
            case LOG1P -> i = VectorMath.log1p(x, xo, y, yo, n);
            case SIN -> i = TranscendentalKernels.sin(x, xo, y, yo, n);
            case COS -> i = TranscendentalKernels.cos(x, xo, y, yo, n);
            case TANH -> i = TranscendentalKernels.tanh(x, xo, y, yo, n);
            case SIGMOID, SILU, SILU_GRAD, SILU_GRAD2 -> i = TranscendentalKernels.ofExpOfMinusX(op, x, xo, y, yo, n);
            case SOFTPLUS -> i = TranscendentalKernels.softplus(x, xo, y, yo, n);
            case RELU -> { for (; i < bound; i += len) FloatVector.fromArray(F, x, xo + i).max(0f).intoArray(y, yo + i); }
        }
        SCALAR.unary(op, x, xo + i, 1, y, yo + i, 1, n - i);
    }

    @Override
    public void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int ys,
                       int n) {
        if (ys != 1 || !vectorizable(as) || !vectorizable(bs)) {
            SCALAR.binary(op, a, ao, as, b, bo, bs, y, yo, ys, n);
            return;
        }
        int i = 0;
        int len = F.length();
        int bound = F.loopBound(n);
        switch (op) {
            case ADD -> { for (; i < bound; i += len) loadF(a, ao, as, i).add(loadF(b, bo, bs, i)).intoArray(y, yo + i); }
            case SUB -> { for (; i < bound; i += len) loadF(a, ao, as, i).sub(loadF(b, bo, bs, i)).intoArray(y, yo + i); }
            case MUL -> { for (; i < bound; i += len) loadF(a, ao, as, i).mul(loadF(b, bo, bs, i)).intoArray(y, yo + i); }
            case DIV -> { for (; i < bound; i += len) loadF(a, ao, as, i).div(loadF(b, bo, bs, i)).intoArray(y, yo + i); }
            case MAXIMUM -> { for (; i < bound; i += len) loadF(a, ao, as, i).max(loadF(b, bo, bs, i)).intoArray(y, yo + i); }
            case MINIMUM -> { for (; i < bound; i += len) loadF(a, ao, as, i).min(loadF(b, bo, bs, i)).intoArray(y, yo + i); }
            case POW -> i = TranscendentalKernels.pow(a, ao, as, b, bo, bs, y, yo, n);
            case EQ -> {
                for (; i < bound; i += len) {
                    FloatVector.zero(F).blend(1f, loadF(a, ao, as, i).compare(VectorOperators.EQ, loadF(b, bo, bs, i)))
                            .intoArray(y, yo + i);
                }
            }
            case NE -> {
                for (; i < bound; i += len) {
                    FloatVector.zero(F).blend(1f, loadF(a, ao, as, i).compare(VectorOperators.NE, loadF(b, bo, bs, i)))
                            .intoArray(y, yo + i);
                }
            }
            case LT -> {
                for (; i < bound; i += len) {
                    FloatVector.zero(F).blend(1f, loadF(a, ao, as, i).compare(VectorOperators.LT, loadF(b, bo, bs, i)))
                            .intoArray(y, yo + i);
                }
            }
            case LE -> {
                for (; i < bound; i += len) {
                    FloatVector.zero(F).blend(1f, loadF(a, ao, as, i).compare(VectorOperators.LE, loadF(b, bo, bs, i)))
                            .intoArray(y, yo + i);
                }
            }
            case GT -> {
                for (; i < bound; i += len) {
                    FloatVector.zero(F).blend(1f, loadF(a, ao, as, i).compare(VectorOperators.GT, loadF(b, bo, bs, i)))
                            .intoArray(y, yo + i);
                }
            }
            case GE -> {
                for (; i < bound; i += len) {
                    FloatVector.zero(F).blend(1f, loadF(a, ao, as, i).compare(VectorOperators.GE, loadF(b, bo, bs, i)))
                            .intoArray(y, yo + i);
                }
            }
        }
        SCALAR.binary(op, a, ao + i * as, as, b, bo + i * bs, bs, y, yo + i, 1, n - i);
    }

    /** Element {@code i} of a unit-stride operand, or its single value when the stride is 0 (broadcast). */
    private static FloatVector loadF(float[] x, int xo, int xs, int i) {
        return xs == 0 ? FloatVector.broadcast(F, x[xo]) : FloatVector.fromArray(F, x, xo + i);
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
            VectorMask<Float> pick = loadF(c, co, cs, i).compare(VectorOperators.NE, 0f);
            loadF(b, bo, bs, i).blend(loadF(a, ao, as, i), pick).intoArray(y, yo + i);
        }
        SCALAR.where(c, co + i * cs, cs, a, ao + i * as, as, b, bo + i * bs, bs, y, yo + i, 1, n - i);
    }

    @Override
    public double reduce(ReduceOp op, float[] x, int xo, int n) {
        return switch (op) {
            case SUM -> sum(x, xo, n);
            case MAX -> max(x, xo, n);
            case MIN -> min(x, xo, n);
        };
    }

    private static double sum(float[] x, int xo, int n) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        int len = F.length();
        int i = 0;
        for (int bound = n - 4 * len; i <= bound; i += 4 * len) {
            acc0 = acc0.add(FloatVector.fromArray(F, x, xo + i));
            acc1 = acc1.add(FloatVector.fromArray(F, x, xo + i + len));
            acc2 = acc2.add(FloatVector.fromArray(F, x, xo + i + 2 * len));
            acc3 = acc3.add(FloatVector.fromArray(F, x, xo + i + 3 * len));
        }
        for (int bound = F.loopBound(n); i < bound; i += len) {
            acc0 = acc0.add(FloatVector.fromArray(F, x, xo + i));
        }
        double acc = Lanes.sum(acc0.add(acc1).add(acc2.add(acc3)));
        return acc + SCALAR.reduce(ReduceOp.SUM, x, xo + i, n - i);
    }

    private static double max(float[] x, int xo, int n) {
        FloatVector acc0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        int len = F.length();
        int i = 0;
        for (int bound = n - 4 * len; i <= bound; i += 4 * len) {
            acc0 = acc0.max(FloatVector.fromArray(F, x, xo + i));
            acc1 = acc1.max(FloatVector.fromArray(F, x, xo + i + len));
            acc2 = acc2.max(FloatVector.fromArray(F, x, xo + i + 2 * len));
            acc3 = acc3.max(FloatVector.fromArray(F, x, xo + i + 3 * len));
        }
        for (int bound = F.loopBound(n); i < bound; i += len) {
            acc0 = acc0.max(FloatVector.fromArray(F, x, xo + i));
        }
        double acc = acc0.max(acc1).max(acc2.max(acc3)).reduceLanes(VectorOperators.MAX);
        return Math.max(acc, SCALAR.reduce(ReduceOp.MAX, x, xo + i, n - i));
    }

    private static double min(float[] x, int xo, int n) {
        FloatVector acc0 = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        int len = F.length();
        int i = 0;
        for (int bound = n - 4 * len; i <= bound; i += 4 * len) {
            acc0 = acc0.min(FloatVector.fromArray(F, x, xo + i));
            acc1 = acc1.min(FloatVector.fromArray(F, x, xo + i + len));
            acc2 = acc2.min(FloatVector.fromArray(F, x, xo + i + 2 * len));
            acc3 = acc3.min(FloatVector.fromArray(F, x, xo + i + 3 * len));
        }
        for (int bound = F.loopBound(n); i < bound; i += len) {
            acc0 = acc0.min(FloatVector.fromArray(F, x, xo + i));
        }
        double acc = acc0.min(acc1).min(acc2.min(acc3)).reduceLanes(VectorOperators.MIN);
        return Math.min(acc, SCALAR.reduce(ReduceOp.MIN, x, xo + i, n - i));
    }

    @Override
    public void accumulate(ReduceOp op, float[] x, int xo, float[] acc, int ao, int n) {
        int i = 0;
        int len = F.length();
        int bound = F.loopBound(n);
        switch (op) {
            case SUM -> {
                for (; i < bound; i += len) {
                    FloatVector.fromArray(F, acc, ao + i).add(FloatVector.fromArray(F, x, xo + i)).intoArray(acc, ao + i);
                }
            }
            case MAX -> {
                for (; i < bound; i += len) {
                    FloatVector.fromArray(F, acc, ao + i).max(FloatVector.fromArray(F, x, xo + i)).intoArray(acc, ao + i);
                }
            }
            case MIN -> {
                for (; i < bound; i += len) {
                    FloatVector.fromArray(F, acc, ao + i).min(FloatVector.fromArray(F, x, xo + i)).intoArray(acc, ao + i);
                }
            }
        }
        SCALAR.accumulate(op, x, xo + i, acc, ao + i, n - i);
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
            case EXP -> i = VectorMath.exp(x, xo, y, yo, n);
            case EXPM1 -> i = VectorMath.expm1(x, xo, y, yo, n);
            case LOG -> i = VectorMath.log(x, xo, y, yo, n);
            case LOG1P -> i = VectorMath.log1p(x, xo, y, yo, n);
            case SIN -> i = VectorMath.sin(x, xo, y, yo, n);
            case COS -> i = VectorMath.cos(x, xo, y, yo, n);
            case TANH -> i = TranscendentalKernels.tanh(x, xo, y, yo, n);
            case SIGMOID, SILU, SILU_GRAD, SILU_GRAD2 -> i = TranscendentalKernels.ofExpOfMinusX(op, x, xo, y, yo, n);
            case SOFTPLUS -> i = TranscendentalKernels.softplus(x, xo, y, yo, n);
            case RELU -> { for (; i < bound; i += len) DoubleVector.fromArray(D, x, xo + i).max(0d).intoArray(y, yo + i); }
        }
        SCALAR.unary(op, x, xo + i, 1, y, yo + i, 1, n - i);
    }

    @Override
    public void binary(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int ys,
                       int n) {
        if (ys != 1 || !vectorizable(as) || !vectorizable(bs)) {
            SCALAR.binary(op, a, ao, as, b, bo, bs, y, yo, ys, n);
            return;
        }
        int i = 0;
        int len = D.length();
        int bound = D.loopBound(n);
        switch (op) {
            case ADD -> { for (; i < bound; i += len) loadD(a, ao, as, i).add(loadD(b, bo, bs, i)).intoArray(y, yo + i); }
            case SUB -> { for (; i < bound; i += len) loadD(a, ao, as, i).sub(loadD(b, bo, bs, i)).intoArray(y, yo + i); }
            case MUL -> { for (; i < bound; i += len) loadD(a, ao, as, i).mul(loadD(b, bo, bs, i)).intoArray(y, yo + i); }
            case DIV -> { for (; i < bound; i += len) loadD(a, ao, as, i).div(loadD(b, bo, bs, i)).intoArray(y, yo + i); }
            case MAXIMUM -> { for (; i < bound; i += len) loadD(a, ao, as, i).max(loadD(b, bo, bs, i)).intoArray(y, yo + i); }
            case MINIMUM -> { for (; i < bound; i += len) loadD(a, ao, as, i).min(loadD(b, bo, bs, i)).intoArray(y, yo + i); }
            case POW -> i = TranscendentalKernels.pow(a, ao, as, b, bo, bs, y, yo, n);
            case EQ -> {
                for (; i < bound; i += len) {
                    DoubleVector.zero(D).blend(1d, loadD(a, ao, as, i).compare(VectorOperators.EQ, loadD(b, bo, bs, i)))
                            .intoArray(y, yo + i);
                }
            }
            case NE -> {
                for (; i < bound; i += len) {
                    DoubleVector.zero(D).blend(1d, loadD(a, ao, as, i).compare(VectorOperators.NE, loadD(b, bo, bs, i)))
                            .intoArray(y, yo + i);
                }
            }
            case LT -> {
                for (; i < bound; i += len) {
                    DoubleVector.zero(D).blend(1d, loadD(a, ao, as, i).compare(VectorOperators.LT, loadD(b, bo, bs, i)))
                            .intoArray(y, yo + i);
                }
            }
            case LE -> {
                for (; i < bound; i += len) {
                    DoubleVector.zero(D).blend(1d, loadD(a, ao, as, i).compare(VectorOperators.LE, loadD(b, bo, bs, i)))
                            .intoArray(y, yo + i);
                }
            }
            case GT -> {
                for (; i < bound; i += len) {
                    DoubleVector.zero(D).blend(1d, loadD(a, ao, as, i).compare(VectorOperators.GT, loadD(b, bo, bs, i)))
                            .intoArray(y, yo + i);
                }
            }
            case GE -> {
                for (; i < bound; i += len) {
                    DoubleVector.zero(D).blend(1d, loadD(a, ao, as, i).compare(VectorOperators.GE, loadD(b, bo, bs, i)))
                            .intoArray(y, yo + i);
                }
            }
        }
        SCALAR.binary(op, a, ao + i * as, as, b, bo + i * bs, bs, y, yo + i, 1, n - i);
    }

    /** Element {@code i} of a unit-stride operand, or its single value when the stride is 0 (broadcast). */
    private static DoubleVector loadD(double[] x, int xo, int xs, int i) {
        return xs == 0 ? DoubleVector.broadcast(D, x[xo]) : DoubleVector.fromArray(D, x, xo + i);
    }

    @Override
    public void where(double[] c, int co, int cs, double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo,
                      int ys, int n) {
        if (ys != 1 || !vectorizable(cs) || !vectorizable(as) || !vectorizable(bs)) {
            SCALAR.where(c, co, cs, a, ao, as, b, bo, bs, y, yo, ys, n);
            return;
        }
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            VectorMask<Double> pick = loadD(c, co, cs, i).compare(VectorOperators.NE, 0d);
            loadD(b, bo, bs, i).blend(loadD(a, ao, as, i), pick).intoArray(y, yo + i);
        }
        SCALAR.where(c, co + i * cs, cs, a, ao + i * as, as, b, bo + i * bs, bs, y, yo + i, 1, n - i);
    }

    @Override
    public double reduce(ReduceOp op, double[] x, int xo, int n) {
        return switch (op) {
            case SUM -> sum(x, xo, n);
            case MAX -> max(x, xo, n);
            case MIN -> min(x, xo, n);
        };
    }

    private static double sum(double[] x, int xo, int n) {
        DoubleVector acc0 = DoubleVector.zero(D);
        DoubleVector acc1 = acc0;
        DoubleVector acc2 = acc0;
        DoubleVector acc3 = acc0;
        int len = D.length();
        int i = 0;
        for (int bound = n - 4 * len; i <= bound; i += 4 * len) {
            acc0 = acc0.add(DoubleVector.fromArray(D, x, xo + i));
            acc1 = acc1.add(DoubleVector.fromArray(D, x, xo + i + len));
            acc2 = acc2.add(DoubleVector.fromArray(D, x, xo + i + 2 * len));
            acc3 = acc3.add(DoubleVector.fromArray(D, x, xo + i + 3 * len));
        }
        for (int bound = D.loopBound(n); i < bound; i += len) {
            acc0 = acc0.add(DoubleVector.fromArray(D, x, xo + i));
        }
        double acc = Lanes.sum(acc0.add(acc1).add(acc2.add(acc3)));
        return acc + SCALAR.reduce(ReduceOp.SUM, x, xo + i, n - i);
    }

    private static double max(double[] x, int xo, int n) {
        DoubleVector acc0 = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        DoubleVector acc1 = acc0;
        DoubleVector acc2 = acc0;
        DoubleVector acc3 = acc0;
        int len = D.length();
        int i = 0;
        for (int bound = n - 4 * len; i <= bound; i += 4 * len) {
            acc0 = acc0.max(DoubleVector.fromArray(D, x, xo + i));
            acc1 = acc1.max(DoubleVector.fromArray(D, x, xo + i + len));
            acc2 = acc2.max(DoubleVector.fromArray(D, x, xo + i + 2 * len));
            acc3 = acc3.max(DoubleVector.fromArray(D, x, xo + i + 3 * len));
        }
        for (int bound = D.loopBound(n); i < bound; i += len) {
            acc0 = acc0.max(DoubleVector.fromArray(D, x, xo + i));
        }
        double acc = acc0.max(acc1).max(acc2.max(acc3)).reduceLanes(VectorOperators.MAX);
        return Math.max(acc, SCALAR.reduce(ReduceOp.MAX, x, xo + i, n - i));
    }

    private static double min(double[] x, int xo, int n) {
        DoubleVector acc0 = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector acc1 = acc0;
        DoubleVector acc2 = acc0;
        DoubleVector acc3 = acc0;
        int len = D.length();
        int i = 0;
        for (int bound = n - 4 * len; i <= bound; i += 4 * len) {
            acc0 = acc0.min(DoubleVector.fromArray(D, x, xo + i));
            acc1 = acc1.min(DoubleVector.fromArray(D, x, xo + i + len));
            acc2 = acc2.min(DoubleVector.fromArray(D, x, xo + i + 2 * len));
            acc3 = acc3.min(DoubleVector.fromArray(D, x, xo + i + 3 * len));
        }
        for (int bound = D.loopBound(n); i < bound; i += len) {
            acc0 = acc0.min(DoubleVector.fromArray(D, x, xo + i));
        }
        double acc = acc0.min(acc1).min(acc2.min(acc3)).reduceLanes(VectorOperators.MIN);
        return Math.min(acc, SCALAR.reduce(ReduceOp.MIN, x, xo + i, n - i));
    }

    @Override
    public void accumulate(ReduceOp op, double[] x, int xo, double[] acc, int ao, int n) {
        int i = 0;
        int len = D.length();
        int bound = D.loopBound(n);
        switch (op) {
            case SUM -> {
                for (; i < bound; i += len) {
                    DoubleVector.fromArray(D, acc, ao + i).add(DoubleVector.fromArray(D, x, xo + i)).intoArray(acc, ao + i);
                }
            }
            case MAX -> {
                for (; i < bound; i += len) {
                    DoubleVector.fromArray(D, acc, ao + i).max(DoubleVector.fromArray(D, x, xo + i)).intoArray(acc, ao + i);
                }
            }
            case MIN -> {
                for (; i < bound; i += len) {
                    DoubleVector.fromArray(D, acc, ao + i).min(DoubleVector.fromArray(D, x, xo + i)).intoArray(acc, ao + i);
                }
            }
        }
        SCALAR.accumulate(op, x, xo + i, acc, ao + i, n - i);
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
