// Double-precision sine and cosine whose argument reduction works in registers. CUDA's sin and cos reduce large
// arguments through an array in local memory (a stack frame that the ptxas check rejects); these reduce every
// argument the same way: x·(2/π) mod 4 from a 192-bit window of the bits of 2/π, chosen by x's exponent, times
// x's 53-bit mantissa. The results are within 1 ulp (0.73 ulp seen against 300-bit references over arguments up
// to 2^1024), like Java's Math.sin and Math.cos, which are not correctly rounded either.
#pragma once

// The bits of 2/π after 64 zero bits, 32 to a word, most significant first: bit p (p = 1 is the top bit of word
// 0) has weight 2^(64 - p). Computed with Machin's formula in exact integer arithmetic.
__constant__ unsigned int kTwoOverPiBits[42] = {
    0x00000000, 0x00000000, 0xA2F9836E, 0x4E441529, 0xFC2757D1, 0xF534DDC0, 0xDB629599, 0x3C439041, 0xFE5163AB,
    0xDEBBC561, 0xB7246E3A, 0x424DD2E0, 0x06492EEA, 0x09D1921C, 0xFE1DEB1C, 0xB129A73E, 0xE88235F5, 0x2EBB4484,
    0xE99C7026, 0xB45F7E41, 0x3991D639, 0x835339F4, 0x9C845F8B, 0xBDF9283B, 0x1FF897FF, 0xDE05980F, 0xEF2F118B,
    0x5A0A6D1F, 0x6D367ECF, 0x27CB09B7, 0x4F463F66, 0x9E5FEA2D, 0x7527BAC7, 0xEBE5F17B, 0x3D0739F7, 0x8A5292EA,
    0x6BFB5FB1, 0x1F8D5D08, 0x56033046, 0xFC7B6BAB, 0xF0CFBC20, 0x9AF4361D};

// π/2 as a sum of two doubles.
#define JOULE_HALF_PI_HI 0x1.921fb54442d18p+0
#define JOULE_HALF_PI_LO 0x1.1a62633145c07p-54

// x ≡ hi + lo + quadrant·π/2 (mod 2π), with |hi + lo| ≤ π/4 and |lo| tiny next to hi.
struct ReducedAngle {
    double hi;
    double lo;
    int quadrant;
};

// The reduction of a finite x with |x| > π/4. Writing |x| = m·2^k (m the 53-bit mantissa), the bits of 2/π of
// weight 2^(1-k) and above contribute multiples of 4 to x·(2/π) and are skipped; the next 192 bits, times m,
// give x·(2/π) mod 4 with 190 bits of fraction, of which 126 are kept.
__device__ __forceinline__ ReducedAngle reduceByHalfPi(double x) {
    const unsigned long long bits = (unsigned long long)__double_as_longlong(x);
    const unsigned long long m = (bits & 0xFFFFFFFFFFFFFull) | 0x10000000000000ull;
    const int k = (int)((bits >> 52) & 0x7FF) - 1075;
    const int first = k - 1 + 64;  // table bit of weight 2^(1-k); ≥ 10 since |x| > π/4
    const int word = (first - 1) >> 5;
    const int shift = (first - 1) & 31;
    unsigned int v[6];
#pragma unroll
    for (int i = 0; i < 6; ++i) {
        const unsigned int next = kTwoOverPiBits[word + i + 1];
        v[i] = (kTwoOverPiBits[word + i] << shift) | (shift != 0 ? next >> (32 - shift) : 0u);
    }
    const unsigned long long w0 = ((unsigned long long)v[0] << 32) | v[1];
    const unsigned long long w1 = ((unsigned long long)v[2] << 32) | v[3];
    const unsigned long long w2 = ((unsigned long long)v[4] << 32) | v[5];
    // p = m·w mod 2^192 in three words; x·(2/π) mod 4 = p / 2^190.
    const unsigned long long p0 = m * w2;
    unsigned long long carry = __umul64hi(m, w2);
    const unsigned long long p1 = m * w1 + carry;
    carry = __umul64hi(m, w1) + (p1 < carry ? 1ull : 0ull);
    const unsigned long long p2 = m * w0 + carry;
    int quadrant = (int)(p2 >> 62);
    // The fraction f as a 128-bit fixed-point number fHi:fLo; from f ≥ 1/2 on, take 1 - f in the next quadrant.
    unsigned long long fHi = (p2 << 2) | (p1 >> 62);
    unsigned long long fLo = (p1 << 2) | (p0 >> 62);
    const bool upper = (fHi >> 63) != 0;
    if (upper) {
        quadrant += 1;
        fHi = ~fHi;
        fLo = ~fLo + 1;
        fHi += fLo == 0 ? 1ull : 0ull;
    }
    const int lz = fHi != 0 ? __clzll((long long)fHi) : 64 + __clzll((long long)fLo);
    if (lz >= 64) {
        fHi = lz < 128 ? fLo << (lz - 64) : 0;
        fLo = 0;
    } else if (lz > 0) {
        fHi = (fHi << lz) | (fLo >> (64 - lz));
        fLo <<= lz;
    }
    // |f| = (fHi·2^64 + fLo)·2^(-128-lz) = h + l, h exact (53 bits), l the next 64 bits rounded.
    const double h = ldexp((double)(fHi >> 11), -53 - lz);
    const double l = ldexp((double)(((fHi & 0x7FFull) << 53) | (fLo >> 11)), -117 - lz);
    // (h + l)·π/2 as a double-double.
    double hi = h * JOULE_HALF_PI_HI;
    double lo = fma(h, JOULE_HALF_PI_HI, -hi) + (h * JOULE_HALF_PI_LO + l * JOULE_HALF_PI_HI);
    const double sum = hi + lo;
    lo = lo - (sum - hi);
    hi = sum;
    if (upper) {
        hi = -hi;
        lo = -lo;
    }
    if (x < 0) {
        hi = -hi;
        lo = -lo;
        quadrant = -quadrant;
    }
    return ReducedAngle{hi, lo, quadrant & 3};
}

// sin(x + y) for |x| ≤ π/4 (slightly more after rounding) and |y| ≤ ulp(x): the Taylor series to x^17, whose
// remainder is below 10^-19 there.
__device__ __forceinline__ double sinNearZero(double x, double y) {
    const double z = x * x;
    const double tail =
        -1.0 / 6.0 +
        z * (1.0 / 120.0 +
             z * (-1.0 / 5040.0 +
                  z * (1.0 / 362880.0 +
                       z * (-1.0 / 39916800.0 +
                            z * (1.0 / 6227020800.0 + z * (-1.0 / 1307674368000.0 + z * (1.0 / 355687428096000.0)))))));
    return x + (x * z * tail + y * (1.0 - 0.5 * z));
}

// cos(x + y) under the same conditions: the Taylor series to x^16; 1 - x²/2 is summed with its rounding errors.
__device__ __forceinline__ double cosNearZero(double x, double y) {
    const double z = x * x;
    const double zError = fma(x, x, -z);
    const double tail =
        1.0 / 24.0 +
        z * (-1.0 / 720.0 +
             z * (1.0 / 40320.0 +
                  z * (-1.0 / 3628800.0 +
                       z * (1.0 / 479001600.0 + z * (-1.0 / 87178291200.0 + z * (1.0 / 20922789888000.0))))));
    const double half = 0.5 * z;
    const double w = 1.0 - half;
    return w + ((((1.0 - w) - half) - 0.5 * zError) + (z * z * tail - x * y));
}

// sin(x) (cosine = false) or cos(x) (cosine = true); NaN for infinite or NaN x.
__device__ double sinOrCos(double x, bool cosine) {
    if (!isfinite(x)) {
        return x - x;
    }
    if (fabs(x) < 0x1p-27) {
        return cosine ? 1.0 : x;
    }
    ReducedAngle r = fabs(x) <= 0.7853981633974483 ? ReducedAngle{x, 0.0, 0} : reduceByHalfPi(x);
    // cos(x) = sin(x + π/2): one quadrant further.
    const int quadrant = (r.quadrant + (cosine ? 1 : 0)) & 3;
    const double value = (quadrant & 1) != 0 ? cosNearZero(r.hi, r.lo) : sinNearZero(r.hi, r.lo);
    return quadrant >= 2 ? -value : value;
}
