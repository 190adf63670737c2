package joule.tensor.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, expm1, log, log1p, sin, cos, tanh and float32 pow over array segments, written with
 * lanewise operations that are exactly rounded whichever JIT tier runs them (add, sub, mul, div,
 * fma, min, max, compare, blend, reinterpretation of bits, integer shifts), so that a kernel gives
 * the same bits in the interpreter, in C1 and in C2. The Vector API's own
 * {@code VectorOperators.EXP}, {@code LOG}, ... don't: C2 computes them with SVML-like intrinsics,
 * uncompiled code with {@code Math} one lane at a time, and the two disagree in the last bits.
 *
 * <p>Methods: exp by Cody–Waite reduction by ln 2 (the first step exact with fma) and a Remez
 * polynomial, the leading terms summed exactly, 2^k applied as two exact factors built from
 * exponent bits (one rounding for subnormal results); expm1 the same with {@code 1 − 2^-k} folded
 * into the exact part, where the sum would cancel; log and log1p by fdlibm's method (exponent and
 * mantissa in [√2/2, √2), {@code 2·atanh(f/(2+f))} with a Remez polynomial, log1p's correction for
 * the rounding of {@code 1+x}); sin and cos by Cody–Waite reduction by π/2 with a three-part
 * constant into a double-double remainder and fdlibm's kernels with Remez coefficients, with
 * {@link StrictMath} lane by lane for |x| > 2^20, where the reduction is no longer exact enough;
 * tanh by a Remez polynomial for small |x| and {@code 1 − 2/(e^(2|x|) + 1)} with the division
 * corrected above; float32 pow as {@code exp(b·log|a|)} in double precision with
 * {@link Math#pow}'s special cases. Float32 exp, expm1, log, log1p and tanh run in float lanes;
 * float32 sin, cos and pow in double lanes, on copies widened by {@link TranscendentalKernels}.
 * Measured errors are in {@code VectorMathAccuracyTest}; the targets are 1 ulp in float32 and
 * 2 ulps in float64, with the special values (NaN, ±inf, ±0, subnormals, overflow and underflow
 * thresholds) exact.
 *
 * <p>Each function is a loop over a unit-stride segment that runs its full vectors and returns
 * how many elements it did (the caller finishes the tail with the scalar twins); its body holds
 * Vector API operations only, no call to a method of ours (but for the rare lanes of sin and cos
 * that go to StrictMath). C2 inlines the Vector API's methods
 * whatever their size, but stops inlining ours once the method it compiles has grown past about
 * 18000 IR nodes ({@code NodeCountInliningCutoff}), which a few dozen vector operations reach;
 * a method of ours that takes or returns vectors and is left out of line boxes every vector.
 * Methods that take arrays cost nothing when left out of line, so functions built on others
 * (tanh on exp, pow on log and exp) run them as passes, and so do the activations in
 * {@link TranscendentalKernels}.
 */
final class VectorMath {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    private VectorMath() {
    }

    // ------------------------------------------------------------------ float64

    /** 1.5·2^52: adding it rounds a double of magnitude below 2^51 to an integer, held in the low mantissa bits. */
    private static final double SHIFT = 0x1.8p52;
    private static final double LOG2E = 0x1.71547652b82fep0;
    /** ln 2 = LN2_HI + LN2_LO; with fma, {@code x − k·LN2_HI} is exact for the k that exp meets. */
    private static final double LN2_HI = 0x1.62e42fefa39efp-1;
    private static final double LN2_LO = 0x1.abc9e3b39803fp-56;
    /**
     * P(r) with {@code e^r − 1 = r + r²/2 + r³·P(r)} for |r| ≤ ln2/2, highest degree first: Remez,
     * relative error of e^r − 1 below 2⁻⁶⁰.
     */
    private static final double[] EXPM1_P = {0x1.1ee88533591a1p-29, 0x1.af5f689cc5b78p-26, 0x1.27e5369d2ed1bp-22,
        0x1.71ddf7fe4c8b7p-19, 0x1.a01a017b5cb10p-16, 0x1.a01a01b001f7fp-13, 0x1.6c16c16c1f27cp-10,
        0x1.111111110f673p-7, 0x1.555555555553ep-5, 0x1.5555555555559p-3};
    /** ln 2 with 32 significant bits, so that {@code k·LOG_LN2_HI} is exact (fdlibm's split). */
    private static final double LOG_LN2_HI = 0x1.62e42feep-1;
    private static final double LOG_LN2_LO = 0x1.a39ef35793c76p-33;
    private static final double SQRT2 = 0x1.6a09e667f3bcdp0;
    /**
     * Q(z) with {@code 2·atanh(s) = 2s + s·z·Q(z)}, z = s² ≤ (3 − 2√2)², highest degree first:
     * Remez, error below 2⁻⁵⁷.
     */
    private static final double[] LOG_Q = {0x1.2b662be05b53ep-3, 0x1.39fd33ebf731bp-3, 0x1.7462be2d80302p-3,
        0x1.c71c62c2129f3p-3, 0x1.2492492e0f0a4p-2, 0x1.99999999951bep-2, 0x1.5555555555558p-1};
    private static final double TWO_OVER_PI = 0x1.45f306dc9c883p-1;
    /** π/2 = PIO2_1 + PIO2_2 + PIO2_3 to about 2⁻¹⁶⁰. */
    private static final double PIO2_1 = 0x1.921fb54442d18p0;
    private static final double PIO2_2 = 0x1.1a62633145c07p-54;
    private static final double PIO2_3 = -0x1.f1976b7ed8fbcp-110;
    /** Above this |x|, sin and cos go to StrictMath: k stays below 2^20, where the reduction is exact enough. */
    private static final double REDUCTION_LIMIT = 0x1p20;
    /** {@code (sin r − r)/r³} as a polynomial in r², |r| ≤ π/4, highest degree first: Remez, relative error of sin below 2⁻⁵⁶. */
    private static final double[] SIN_P = {0x1.5e09988c5b3dfp-33, -0x1.ae6006d9b1e01p-26, 0x1.71de379292381p-19,
        -0x1.a01a019e80a1ep-13, 0x1.1111111110ba6p-7, -0x1.5555555555555p-3};
    /** {@code (cos r − 1 + r²/2)/r⁴} as a polynomial in r², |r| ≤ π/4, highest degree first: Remez, error below 2⁻⁶⁰. */
    private static final double[] COS_P = {-0x1.9070ab0cce9dbp-37, 0x1.1eeb550451504p-29, -0x1.27e4fa0275f88p-22,
        0x1.a01a019f3bdedp-16, -0x1.6c16c16c1690ap-10, 0x1.5555555555555p-5};
    /** tanh switches from its polynomial to the exponential form at |x| = TANH_SPLIT. */
    private static final double TANH_SPLIT = 0.625;
    /**
     * {@code (tanh x − x)/x³} as a polynomial in x², |x| ≤ TANH_SPLIT, highest degree first: Remez,
     * relative error of tanh below 2⁻⁶¹.
     */
    private static final double[] TANH_P = {0x1.9521b7abd6f66p-18, -0x1.fa3fe05b8c6acp-16, 0x1.7ff916060417bp-14,
        -0x1.f10910175858cp-13, 0x1.350a8f3041f3fp-11, -0x1.7d9c13c66174ep-10, 0x1.d6d3579131e90p-9,
        -0x1.226e32bc6dd46p-7, 0x1.664f487010ec8p-6, -0x1.ba1ba1b9cdb26p-5, 0x1.1111111110bf6p-3,
        -0x1.5555555555552p-2};
    private static final long SIGN_BIT = 0x8000000000000000L;

    /** e^x. Overflows to +inf above 709.78, gives subnormals down to 0 below −745.13; NaN stays NaN. */
    static int exp(double[] x, int xo, double[] y, int yo, int n) {
        return expOrExpm1(x, xo, y, yo, n, false);
    }

    /** e^x − 1, accurate near 0; −1 below −37.43. */
    static int expm1(double[] x, int xo, double[] y, int yo, int n) {
        return expOrExpm1(x, xo, y, yo, n, true);
    }

    /**
     * With x = k·ln 2 + r1 + r0 (r1 = x − k·ln2_hi exact, r0 = −k·ln2_lo) and r = r1 + r0:
     * exp is {@code 2^k·(1 + r1 + r0 + r²·(1/2 + r·P(r)))} with {@code 1 + r1} split exactly
     * (Fast2Sum), so that the rounding of r reaches only the quadratic term; expm1 is
     * {@code 2^k·((1 − 2^-k) + r1 + r1²/2 + (r0 + r1·r0 + r³·P(r)))} (r0² dropped), where 1 − 2^-k
     * is exact, its sum with r1 is exact (|1 − 2^-k| ≥ |r1| unless k = 0) and r1² is split exactly
     * (fma): where the sum cancels (k = ±1), only the small terms and the last two additions round.
     */
    private static int expOrExpm1(double[] x, int xo, double[] y, int yo, int n, boolean minusOne) {
        double lowest = minusOne ? -40.0 : -746.0;
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector v = DoubleVector.fromArray(D, x, xo + i);
            DoubleVector xc = v.max(lowest).min(710.0);
            DoubleVector t = xc.fma(LOG2E, SHIFT);
            DoubleVector k = t.sub(SHIFT);
            DoubleVector r1 = k.lanewise(VectorOperators.FMA, -LN2_HI, xc);
            DoubleVector r0 = k.mul(-LN2_LO);
            DoubleVector r = r1.add(r0);
            DoubleVector p = v.broadcast(EXPM1_P[0]);
            for (int j = 1; j < EXPM1_P.length; j++) {
                p = p.lanewise(VectorOperators.FMA, r, EXPM1_P[j]);
            }
            DoubleVector e;
            if (minusOne) {
                // c = 1 − 2^-k (k capped at 60: a smaller 2^-k is lost in the sum anyway), exact for
                // |k| ≤ 53; beyond, c is 1 or −2^-k and the other term goes into the low part
                DoubleVector m = k.min(60.0).neg().add(SHIFT + 1023).reinterpretAsLongs()
                        .lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
                DoubleVector c = m.neg().add(1.0);
                DoubleVector s = c.add(r1);
                DoubleVector lo = r1.sub(s.sub(c)).add(r0.add(1.0, k.compare(VectorOperators.LT, -53.0))
                        .sub(m, k.compare(VectorOperators.GT, 53.0)));
                DoubleVector sq = r1.mul(r1);
                DoubleVector small = r.mul(r).mul(r).fma(p, r1.fma(r0, lo).add(r1.fma(r1, sq.neg()).mul(0.5)));
                e = s.add(sq.lanewise(VectorOperators.FMA, 0.5, small));
            } else {
                DoubleVector hi = r1.add(1.0);
                e = hi.add(r.mul(r).fma(p.lanewise(VectorOperators.FMA, r, 0.5), r1.sub(hi.sub(1.0)).add(r0)));
            }
            // 2^k = 2^⌊k/2⌋·2^(k − ⌊k/2⌋) from t = SHIFT + k (the shift by 52 drops SHIFT's own bits)
            LongVector bits = t.reinterpretAsLongs();
            LongVector half = bits.lanewise(VectorOperators.LSHR, 1);
            e = e.mul(half.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles())
                    .mul(bits.sub(half).add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
            if (minusOne) {
                e = e.blend(v, v.abs().compare(VectorOperators.LT, 0x1p-60));
            }
            e.intoArray(y, yo + i);
        }
        return i;
    }

    /** Natural logarithm: −inf at ±0, NaN below 0, +inf at +inf; subnormals scaled up first. */
    static int log(double[] x, int xo, double[] y, int yo, int n) {
        return logOrLog1p(x, xo, y, yo, n, false);
    }

    /** log(1 + x), accurate near 0: −inf at −1, NaN below −1. */
    static int log1p(double[] x, int xo, double[] y, int yo, int n) {
        return logOrLog1p(x, xo, y, yo, n, true);
    }

    /**
     * u = x (log, subnormals scaled by 2^54) or u = 1 + x (log1p) as 2^k·(1 + f) with 1 + f in
     * [√2/2, √2), and with s = f/(2 + f): {@code k·ln 2 + 2·atanh(s) = k·ln 2 + f − f²/2 + s·(f²/2 + s²·Q(s²))}
     * plus, for log1p, the correction c ≈ (1 + x − u)/u for the rounding of u, or f = x exactly
     * where 1 + x is in [√2/2, √2) already (fdlibm's e_log.c and s_log1p.c).
     */
    private static int logOrLog1p(double[] x, int xo, double[] y, int yo, int n, boolean plusOne) {
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector v = DoubleVector.fromArray(D, x, xo + i);
            VectorMask<Double> subnormal = v.compare(VectorOperators.LT, plusOne ? Double.NEGATIVE_INFINITY : Double.MIN_NORMAL);
            DoubleVector u = plusOne ? v.add(1.0) : v.mul(0x1p54, subnormal);
            LongVector bits = u.reinterpretAsLongs();
            // the exponent field as a double through SHIFT's mantissa; the mantissa in [1, 2), halved above √2
            DoubleVector m = bits.and(0x000fffffffffffffL).or(Double.doubleToRawLongBits(1.0)).reinterpretAsDoubles();
            VectorMask<Double> high = m.compare(VectorOperators.GT, SQRT2);
            DoubleVector k = bits.lanewise(VectorOperators.LSHR, 52).or(Double.doubleToRawLongBits(SHIFT)).reinterpretAsDoubles()
                    .sub(SHIFT + 1023).add(1.0, high).sub(54.0, subnormal);
            DoubleVector f = m.mul(0.5, high).sub(1.0);
            DoubleVector c = v.broadcast(0.0);
            if (plusOne) {
                VectorMask<Double> near = k.compare(VectorOperators.EQ, 0.0);
                f = f.blend(v, near);
                c = v.sub(u.sub(1.0)).blend(u.sub(v).neg().add(1.0), k.compare(VectorOperators.GE, 2.0)).div(u).blend(0.0, near);
            }
            DoubleVector s = f.div(f.add(2.0));
            DoubleVector z = s.mul(s);
            DoubleVector q = v.broadcast(LOG_Q[0]);
            for (int j = 1; j < LOG_Q.length; j++) {
                q = q.lanewise(VectorOperators.FMA, z, LOG_Q[j]);
            }
            DoubleVector hfsq = f.mul(f).mul(0.5);
            DoubleVector tail = s.fma(hfsq.add(q.mul(z)), k.lanewise(VectorOperators.FMA, LOG_LN2_LO, c));
            DoubleVector r = k.mul(LOG_LN2_HI).sub(hfsq.sub(tail).sub(f));
            double pole = plusOne ? -1.0 : 0.0;
            VectorMask<Double> kept = v.compare(VectorOperators.GT, Double.MAX_VALUE).or(v.test(VectorOperators.IS_NAN));
            if (plusOne) {
                kept = kept.or(v.abs().compare(VectorOperators.LT, 0x1p-60));
            }
            r.blend(Double.NEGATIVE_INFINITY, v.compare(VectorOperators.EQ, pole))
                    .blend(Double.NaN, v.compare(VectorOperators.LT, pole))
                    .blend(v, kept)
                    .intoArray(y, yo + i);
        }
        return i;
    }

    /** sin x; ±0 and NaN kept, NaN at ±inf. */
    static int sin(double[] x, int xo, double[] y, int yo, int n) {
        return sinOfQuarters(x, xo, y, yo, n, 0);
    }

    /** cos x; NaN at NaN and ±inf. */
    static int cos(double[] x, int xo, double[] y, int yo, int n) {
        return sinOfQuarters(x, xo, y, yo, n, 1);
    }

    /**
     * {@code sin(x + quarters·π/2)}: x = k·π/2 + r with r as a double-double (the first step of the
     * reduction exact with fma, the rest by TwoSum), then ±sin r or ±cos r by k + quarters mod 4,
     * with fdlibm's __kernel_sin and __kernel_cos.
     */
    private static int sinOfQuarters(double[] x, int xo, double[] y, int yo, int n, int quarters) {
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector v = DoubleVector.fromArray(D, x, xo + i);
            DoubleVector k = v.fma(TWO_OVER_PI, SHIFT).sub(SHIFT);
            DoubleVector nk = k.neg();
            DoubleVector a = nk.lanewise(VectorOperators.FMA, PIO2_1, v);
            DoubleVector w = k.mul(PIO2_2);
            DoubleVector wLo = k.lanewise(VectorOperators.FMA, PIO2_2, w.neg());
            DoubleVector h = a.sub(w);
            DoubleVector hb = h.sub(a);
            DoubleVector lo = nk.lanewise(VectorOperators.FMA, PIO2_3, a.sub(h.sub(hb)).add(w.neg().sub(hb)).sub(wLo));
            DoubleVector r = h.add(lo);
            DoubleVector rLo = lo.sub(r.sub(h));
            DoubleVector z = r.mul(r);
            DoubleVector zr = z.mul(r);
            DoubleVector ps = v.broadcast(SIN_P[0]);
            for (int j = 1; j < SIN_P.length - 1; j++) {
                ps = ps.lanewise(VectorOperators.FMA, z, SIN_P[j]);
            }
            DoubleVector sine = r.sub(z.mul(rLo.mul(0.5).sub(zr.mul(ps))).sub(rLo).sub(zr.mul(SIN_P[SIN_P.length - 1])));
            DoubleVector pc = v.broadcast(COS_P[0]);
            for (int j = 1; j < COS_P.length; j++) {
                pc = pc.lanewise(VectorOperators.FMA, z, COS_P[j]);
            }
            DoubleVector hz = z.mul(0.5);
            DoubleVector wc = hz.neg().add(1.0);
            DoubleVector cosine = wc.add(wc.neg().add(1.0).sub(hz).add(z.mul(z).mul(pc).sub(r.mul(rLo))));
            LongVector quadrant = k.add(SHIFT).reinterpretAsLongs().add(quarters);
            VectorMask<Double> odd = quadrant.and(1L).compare(VectorOperators.NE, 0L).cast(D);
            DoubleVector out = sine.blend(cosine, odd).reinterpretAsLongs()
                    .lanewise(VectorOperators.XOR, quadrant.and(2L).lanewise(VectorOperators.LSHL, 62)).reinterpretAsDoubles();
            if (quarters == 0) {
                out = out.blend(v, v.abs().compare(VectorOperators.LT, 0x1p-27));
            }
            if (v.abs().compare(VectorOperators.GT, REDUCTION_LIMIT).anyTrue()) {
                out = strictSinOfQuarters(v, out, quarters);
            }
            out.intoArray(y, yo + i);
        }
        return i;
    }

    /** The lanes with |x| above the reduction's limit recomputed by StrictMath (a rare path, so the boxing is fine). */
    private static DoubleVector strictSinOfQuarters(DoubleVector x, DoubleVector y, int quarters) {
        double[] xs = x.toArray();
        double[] ys = y.toArray();
        for (int i = 0; i < xs.length; i++) {
            if (Math.abs(xs[i]) > REDUCTION_LIMIT) {
                ys[i] = quarters == 0 ? StrictMath.sin(xs[i]) : StrictMath.cos(xs[i]);
            }
        }
        return DoubleVector.fromArray(x.species(), ys, 0);
    }

    /**
     * tanh x, with {@code e} a scratch array of at least n elements: {@code e^(2|x|)} into e (|x|
     * capped at 25, where tanh is 1), then {@code 1 − 2/(e + 1)} with the rounding of the sum and of
     * the division corrected (one Newton step) for |x| ≥ 0.625 and {@code x + x³·P(x²)} below, with
     * the sign of x; ±0 and NaN kept.
     */
    static int tanh(double[] x, int xo, double[] y, int yo, int n, double[] e) {
        int bound = D.loopBound(n);
        for (int i = 0; i < bound; i += D.length()) {
            DoubleVector a = DoubleVector.fromArray(D, x, xo + i).abs();
            a.add(a).min(50.0).intoArray(e, i);
        }
        exp(e, 0, e, 0, bound);
        for (int i = 0; i < bound; i += D.length()) {
            DoubleVector v = DoubleVector.fromArray(D, x, xo + i);
            DoubleVector ex = DoubleVector.fromArray(D, e, i);
            DoubleVector d = ex.add(1.0);
            DoubleVector dLo = ex.sub(d.sub(1.0));
            DoubleVector q = d.broadcast(2.0).div(d);
            q = q.neg().lanewise(VectorOperators.FMA, d, 2.0).sub(q.mul(dLo)).fma(q.mul(0.5), q);
            DoubleVector a = v.abs();
            DoubleVector z = a.mul(a);
            DoubleVector p = v.broadcast(TANH_P[0]);
            for (int j = 1; j < TANH_P.length; j++) {
                p = p.lanewise(VectorOperators.FMA, z, TANH_P[j]);
            }
            q.neg().add(1.0).blend(p.mul(z).fma(a, a), a.compare(VectorOperators.LT, TANH_SPLIT))
                    .reinterpretAsLongs().or(v.reinterpretAsLongs().and(SIGN_BIT)).reinterpretAsDoubles()
                    .intoArray(y, yo + i);
        }
        return bound;
    }

    /**
     * {@link Math#pow}(a, b) for float32 operands widened to double, over the full vectors of n
     * elements of a and b, into t (which may overlap neither): |a|, its log
     * and {@code exp(b·log|a|)} in double precision (relative error about 2⁻⁴⁶ before the rounding to
     * float), negated for a negative base (−0 and −inf included) with an odd integer exponent, NaN
     * for a negative finite base with a non-integer exponent, 1 for a zero exponent. Exponents of
     * magnitude 2^24 or more are even integers, as all such floats are. Returns how many were done.
     */
    static int powOfFloats(double[] a, int ao, double[] b, int bo, double[] t, int to, int n) {
        int bound = D.loopBound(n);
        for (int i = 0; i < bound; i += D.length()) {
            DoubleVector.fromArray(D, a, ao + i).abs().intoArray(t, to + i);
        }
        log(t, to, t, to, bound);
        for (int i = 0; i < bound; i += D.length()) {
            DoubleVector.fromArray(D, t, to + i).mul(DoubleVector.fromArray(D, b, bo + i)).intoArray(t, to + i);
        }
        exp(t, to, t, to, bound);
        for (int i = 0; i < bound; i += D.length()) {
            DoubleVector base = DoubleVector.fromArray(D, a, ao + i);
            DoubleVector exponent = DoubleVector.fromArray(D, b, bo + i);
            DoubleVector bAbs = exponent.abs();
            DoubleVector half = bAbs.mul(0.5);
            VectorMask<Double> large = bAbs.compare(VectorOperators.GE, 0x1p24);
            VectorMask<Double> integer = large.or(bAbs.add(SHIFT).sub(SHIFT).compare(VectorOperators.EQ, bAbs));
            VectorMask<Double> odd = integer.andNot(large).and(half.add(SHIFT).sub(SHIFT).compare(VectorOperators.NE, half));
            VectorMask<Double> signed = base.reinterpretAsLongs().compare(VectorOperators.LT, 0L).cast(D);
            VectorMask<Double> negativeFinite = base.compare(VectorOperators.LT, 0.0)
                    .and(base.compare(VectorOperators.GT, Double.NEGATIVE_INFINITY));
            DoubleVector.fromArray(D, t, to + i).lanewise(VectorOperators.NEG, signed.and(odd))
                    .blend(Double.NaN, negativeFinite.andNot(integer))
                    .blend(1.0, exponent.compare(VectorOperators.EQ, 0.0))
                    .intoArray(t, to + i);
        }
        return bound;
    }

    // ------------------------------------------------------------------ float32
    // The float64 code with float constants: polynomials of lower degree, the limits of the float range.

    private static final float SHIFT_F = 0x1.8p23f;
    private static final float LOG2E_F = 0x1.715476p0f;
    private static final float LN2_HI_F = 0x1.62e430p-1f;
    private static final float LN2_LO_F = -0x1.05c610p-29f;
    /** Remez, relative error of e^r − 1 below 2⁻²⁸ with these float coefficients. */
    private static final float[] EXPM1_P_F = {0x1.a032d4p-13f, 0x1.6d7348p-10f, 0x1.11118ap-7f, 0x1.5554b0p-5f, 0x1.555554p-3f};
    /** ln 2 with 16 significant bits, so that {@code k·LOG_LN2_HI_F} is exact. */
    private static final float LOG_LN2_HI_F = 0x1.62e4p-1f;
    private static final float LOG_LN2_LO_F = 0x1.7f7d1cp-20f;
    private static final float SQRT2_F = 0x1.6a09e6p0f;
    /** Remez, error below 2⁻²⁸. */
    private static final float[] LOG_Q_F = {0x1.2eee4ap-2f, 0x1.997bf8p-2f, 0x1.55555cp-1f};
    /** Higher than float64's: the exponential form's error, below one rounding, grows as |x| falls. */
    private static final float TANH_SPLIT_F = 0.8f;
    /** Remez on |x| ≤ TANH_SPLIT_F, relative error of tanh below 2⁻²⁸ with these float coefficients. */
    private static final float[] TANH_P_F = {-0x1.2a66dep-11f, 0x1.751f8ap-9f, -0x1.16a982p-7f, 0x1.64af1cp-6f,
        -0x1.b9fc36p-5f, 0x1.111080p-3f, -0x1.555554p-2f};
    private static final int SIGN_BIT_F = 0x80000000;

    /** e^x. Overflows to +inf above 88.72, gives subnormals down to 0 below −103.97; NaN stays NaN. */
    static int exp(float[] x, int xo, float[] y, int yo, int n) {
        return expOrExpm1(x, xo, y, yo, n, false);
    }

    /** e^x − 1, accurate near 0; −1 below −17.33. */
    static int expm1(float[] x, int xo, float[] y, int yo, int n) {
        return expOrExpm1(x, xo, y, yo, n, true);
    }

    private static int expOrExpm1(float[] x, int xo, float[] y, int yo, int n, boolean minusOne) {
        float lowest = minusOne ? -18f : -104f;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            FloatVector xc = v.max(lowest).min(89f);
            FloatVector t = xc.fma(LOG2E_F, SHIFT_F);
            FloatVector k = t.sub(SHIFT_F);
            FloatVector r1 = k.lanewise(VectorOperators.FMA, -LN2_HI_F, xc);
            FloatVector r0 = k.mul(-LN2_LO_F);
            FloatVector r = r1.add(r0);
            FloatVector p = v.broadcast(EXPM1_P_F[0]);
            for (int j = 1; j < EXPM1_P_F.length; j++) {
                p = p.lanewise(VectorOperators.FMA, r, EXPM1_P_F[j]);
            }
            FloatVector e;
            if (minusOne) {
                // c = 1 − 2^-k, exact for |k| ≤ 24; beyond, c is 1 or −2^-k and the other term goes into the low part
                FloatVector m = k.min(30f).neg().add(SHIFT_F + 127).reinterpretAsInts()
                        .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector c = m.neg().add(1f);
                FloatVector s = c.add(r1);
                FloatVector lo = r1.sub(s.sub(c)).add(r0.add(1f, k.compare(VectorOperators.LT, -24f))
                        .sub(m, k.compare(VectorOperators.GT, 24f)));
                FloatVector sq = r1.mul(r1);
                FloatVector small = r.mul(r).mul(r).fma(p, r1.fma(r0, lo).add(r1.fma(r1, sq.neg()).mul(0.5f)));
                e = s.add(sq.lanewise(VectorOperators.FMA, 0.5f, small));
            } else {
                FloatVector hi = r1.add(1f);
                e = hi.add(r.mul(r).fma(p.lanewise(VectorOperators.FMA, r, 0.5f), r1.sub(hi.sub(1f)).add(r0)));
            }
            IntVector bits = t.reinterpretAsInts();
            IntVector half = bits.lanewise(VectorOperators.LSHR, 1);
            e = e.mul(half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(bits.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            if (minusOne) {
                e = e.blend(v, v.abs().compare(VectorOperators.LT, 0x1p-30f));
            }
            e.intoArray(y, yo + i);
        }
        return i;
    }

    /** Natural logarithm; see {@link #log(double[], int, double[], int, int)}. */
    static int log(float[] x, int xo, float[] y, int yo, int n) {
        return logOrLog1p(x, xo, y, yo, n, false);
    }

    /** log(1 + x), accurate near 0; see {@link #log1p(double[], int, double[], int, int)}. */
    static int log1p(float[] x, int xo, float[] y, int yo, int n) {
        return logOrLog1p(x, xo, y, yo, n, true);
    }

    private static int logOrLog1p(float[] x, int xo, float[] y, int yo, int n, boolean plusOne) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            VectorMask<Float> subnormal = v.compare(VectorOperators.LT, plusOne ? Float.NEGATIVE_INFINITY : Float.MIN_NORMAL);
            FloatVector u = plusOne ? v.add(1f) : v.mul(0x1p25f, subnormal);
            IntVector bits = u.reinterpretAsInts();
            FloatVector m = bits.and(0x007fffff).or(Float.floatToRawIntBits(1f)).reinterpretAsFloats();
            VectorMask<Float> high = m.compare(VectorOperators.GT, SQRT2_F);
            FloatVector k = bits.lanewise(VectorOperators.LSHR, 23).or(Float.floatToRawIntBits(SHIFT_F)).reinterpretAsFloats()
                    .sub(SHIFT_F + 127).add(1f, high).sub(25f, subnormal);
            FloatVector f = m.mul(0.5f, high).sub(1f);
            FloatVector c = v.broadcast(0f);
            if (plusOne) {
                VectorMask<Float> near = k.compare(VectorOperators.EQ, 0f);
                f = f.blend(v, near);
                c = v.sub(u.sub(1f)).blend(u.sub(v).neg().add(1f), k.compare(VectorOperators.GE, 2f)).div(u).blend(0f, near);
            }
            FloatVector s = f.div(f.add(2f));
            FloatVector z = s.mul(s);
            FloatVector q = v.broadcast(LOG_Q_F[0]);
            for (int j = 1; j < LOG_Q_F.length; j++) {
                q = q.lanewise(VectorOperators.FMA, z, LOG_Q_F[j]);
            }
            FloatVector hfsq = f.mul(f).mul(0.5f);
            FloatVector tail = s.fma(hfsq.add(q.mul(z)), k.lanewise(VectorOperators.FMA, LOG_LN2_LO_F, c));
            FloatVector r = k.mul(LOG_LN2_HI_F).sub(hfsq.sub(tail).sub(f));
            float pole = plusOne ? -1f : 0f;
            VectorMask<Float> kept = v.compare(VectorOperators.GT, Float.MAX_VALUE).or(v.test(VectorOperators.IS_NAN));
            if (plusOne) {
                kept = kept.or(v.abs().compare(VectorOperators.LT, 0x1p-30f));
            }
            r.blend(Float.NEGATIVE_INFINITY, v.compare(VectorOperators.EQ, pole))
                    .blend(Float.NaN, v.compare(VectorOperators.LT, pole))
                    .blend(v, kept)
                    .intoArray(y, yo + i);
        }
        return i;
    }

    /** tanh x; see {@link #tanh(double[], int, double[], int, int, double[])} (here |x| capped at 10, the split at 0.8). */
    static int tanh(float[] x, int xo, float[] y, int yo, int n, float[] e) {
        int bound = F.loopBound(n);
        for (int i = 0; i < bound; i += F.length()) {
            FloatVector a = FloatVector.fromArray(F, x, xo + i).abs();
            a.add(a).min(20f).intoArray(e, i);
        }
        exp(e, 0, e, 0, bound);
        for (int i = 0; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            FloatVector ex = FloatVector.fromArray(F, e, i);
            FloatVector d = ex.add(1f);
            FloatVector dLo = ex.sub(d.sub(1f));
            FloatVector q = d.broadcast(2f).div(d);
            q = q.neg().lanewise(VectorOperators.FMA, d, 2f).sub(q.mul(dLo)).fma(q.mul(0.5f), q);
            FloatVector a = v.abs();
            FloatVector z = a.mul(a);
            FloatVector p = v.broadcast(TANH_P_F[0]);
            for (int j = 1; j < TANH_P_F.length; j++) {
                p = p.lanewise(VectorOperators.FMA, z, TANH_P_F[j]);
            }
            q.neg().add(1f).blend(p.mul(z).fma(a, a), a.compare(VectorOperators.LT, TANH_SPLIT_F))
                    .reinterpretAsInts().or(v.reinterpretAsInts().and(SIGN_BIT_F)).reinterpretAsFloats()
                    .intoArray(y, yo + i);
        }
        return bound;
    }
}
