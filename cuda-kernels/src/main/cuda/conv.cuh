// 2-d convolutions (cross-correlations, as PyTorch's conv2d) of contiguous NCHW inputs with [O, C/G, kh, kw]
// weights into NCHW outputs, and their two adjoints: in the input (the transposed convolution, in gather form) and
// in the weight. Each result element is one sum in double, rounded once to the dtype, whose terms are added in an
// order fixed by the shapes: no atomics, so results never depend on timing. The forward and transposed sums run in
// the order of the CPU's reference (joule.tensor.cpu.DirectConv); the weight gradient adds in lanes and chunks
// (see conv2dWeightGradKernel).
//
// Index arithmetic: every element index is below 2^31 (a tensor holds fewer elements), so offsets and loop counters
// are 32-bit (unsigned where a sum could pass 2^31 before a bound is checked); positions in the padded input,
// i·stride − pad + p·dilation, can pass 2^31 with huge paddings, so the ranges of taps that land inside the input
// are found in 64-bit arithmetic, once per thread, and the loops then walk only positions inside it.
#pragma once
#include "layout.cuh"
#include "ops.cuh"
#include "reduce.cuh"

// The geometry of a convolution, as joule.cuda.CudaBackend writes it (16 ints): input [n, c, h, w], weight
// [o, c/groups, kh, kw], output [n, o, ho, wo], then Conv2dSpec's stride, padding, dilation and groups. Output
// channel oc reads the input channels of its group, oc / (o/groups).
struct ConvGeometry {
    int n, c, h, w;
    int o, kh, kw;
    int ho, wo;
    int strideH, strideW, padH, padW, dilationH, dilationW, groups;
};
static_assert(sizeof(ConvGeometry) == 16 * sizeof(int), "ConvGeometry must match joule.cuda.CudaBackend");

// The indices t in [lo, hi), within [0, count), whose positions start + t·step lie in [0, size) (step ≥ 1): a run,
// as positions grow with t. Empty runs have lo == hi.
struct IndexRange {
    int lo, hi;
};

__device__ __forceinline__ IndexRange inBounds(long long start, int step, int count, int size) {
    // start + t·step ≥ 0 ⟺ t ≥ ⌈−start / step⌉; start + t·step ≤ size − 1 ⟺ t ≤ ⌊(size − 1 − start) / step⌋
    const long long first = start >= 0 ? 0 : (-start + step - 1) / step;
    const long long room = (long long)size - 1 - start;
    const long long end = room < 0 ? 0 : room / step + 1;
    const int lo = first < count ? (int)first : count;
    const int hi = end < count ? (int)end : count;
    return IndexRange{lo, hi > lo ? hi : lo};
}

// Along one axis of a transposed convolution, the (tap p, output position i) pairs that read input position r,
// i·stride − pad + p·dilation = r with 0 ≤ p < k and 0 ≤ i < outSize, by increasing i (so decreasing p):
// p = p0 − m·pStep and i = i0 + m·iStep for m in [0, count). pStep·dilation = iStep·stride is the least common
// multiple of stride and dilation: the taps whose i is an integer recur every pStep.
struct TapWalk {
    int p0, i0, count, pStep, iStep;
};

__device__ __forceinline__ TapWalk tapsReaching(int r, int stride, int pad, int dilation, int k, int outSize) {
    int a = stride;
    int b = dilation;
    while (b != 0) {  // a = gcd(stride, dilation)
        const int rest = a % b;
        a = b;
        b = rest;
    }
    const int pStep = stride / a;
    const int iStep = dilation / a;
    // The largest tap p whose i·stride = r + pad − p·dilation is a multiple of the stride: one of the top pStep taps.
    long long p = k - 1;
    long long t = (long long)r + pad - p * dilation;
    for (int m = 1; m < pStep && p > 0 && t % stride != 0; ++m) {
        --p;
        t += dilation;
    }
    if (t % stride != 0) {
        return TapWalk{0, 0, 0, pStep, iStep};
    }
    long long i = t / stride;
    if (i < 0) {  // skip the taps that land before the output's first position
        const long long m = (-i + iStep - 1) / iStep;
        i += m * iStep;
        p -= m * pStep;
    }
    if (p < 0 || i >= outSize) {
        return TapWalk{0, 0, 0, pStep, iStep};
    }
    const long long byTaps = p / pStep;
    const long long byOutputs = (outSize - 1 - i) / iStep;
    return TapWalk{(int)p, (int)i, (int)(byTaps < byOutputs ? byTaps : byOutputs) + 1, pStep, iStep};
}

// y[b, oc, i, j] = Σ_{ci, p, q} x[b, c0 + ci, i·sH − pH + p·dH, j·sW − pW + q·dW] · w[oc, ci, p, q] over the taps that
// land inside the input (c0 the first channel of oc's group): one thread per output element, ci, p, q in order.
// x and w start at element xOffset and wOffset of their buffers; y is fresh.
template <typename T>
__device__ void conv2dKernel(const ConvGeometry& g, int xOffset, int wOffset, const T* __restrict__ x,
                             const T* __restrict__ w, T* __restrict__ y) {
    const unsigned cg = g.c / g.groups;
    const unsigned og = g.o / g.groups;
    const unsigned plane = (unsigned)g.h * g.w;
    const unsigned taps = (unsigned)g.kh * g.kw;
    const unsigned n = (unsigned)g.n * g.o * g.ho * g.wo;
    JOULE_FOR_EACH_INDEX(e, n) {
        const unsigned j = e % g.wo;
        const unsigned i = e / g.wo % g.ho;
        const unsigned oc = e / g.wo / g.ho % g.o;
        const unsigned b = e / g.wo / g.ho / g.o;
        const long long r0 = (long long)i * g.strideH - g.padH;
        const long long s0 = (long long)j * g.strideW - g.padW;
        const IndexRange ps = inBounds(r0, g.dilationH, g.kh, g.h);
        const IndexRange qs = inBounds(s0, g.dilationW, g.kw, g.w);
        double acc = 0.0;
        if (ps.lo < ps.hi && qs.lo < qs.hi) {
            const unsigned rLo = (unsigned)(r0 + (long long)ps.lo * g.dilationH);  // in [0, h)
            const unsigned sLo = (unsigned)(s0 + (long long)qs.lo * g.dilationW);  // in [0, w)
            const unsigned width = qs.hi - qs.lo;
            const T* xPlane = x + xOffset + (b * g.c + oc / og * cg) * plane + rLo * g.w + sLo;
            const T* wTaps = w + wOffset + oc * cg * taps + ps.lo * g.kw + qs.lo;
            for (unsigned ci = 0; ci < cg; ++ci) {
                const T* xRow = xPlane + ci * plane;
                const T* wRow = wTaps + ci * taps;
                for (int p = ps.lo; p < ps.hi; ++p) {
                    for (unsigned q = 0; q < width; ++q) {
                        acc += (double)xRow[q * g.dilationW] * (double)wRow[q];
                    }
                    xRow += g.dilationH * g.w;
                    wRow += g.kw;
                }
            }
        }
        y[e] = (T)acc;
    }
}

// The adjoint of conv2d in its input: dx[b, c, r, s] = Σ dy[b, oc, i, j] · w[oc, c − c0, p, q] over the output
// channels oc of c's group and the (i, p), (j, q) pairs that read row r and column s (tapsReaching): one thread per
// element of dx, oc, i, j in order. dy and w start at element gOffset and wOffset of their buffers; dx is fresh.
template <typename T>
__device__ void conv2dTransposeKernel(const ConvGeometry& g, int gOffset, int wOffset, const T* __restrict__ dy,
                                      const T* __restrict__ w, T* __restrict__ dx) {
    const unsigned cg = g.c / g.groups;
    const unsigned og = g.o / g.groups;
    const unsigned outPlane = (unsigned)g.ho * g.wo;
    const unsigned taps = (unsigned)g.kh * g.kw;
    const unsigned n = (unsigned)g.n * g.c * g.h * g.w;
    JOULE_FOR_EACH_INDEX(e, n) {
        const int s = e % g.w;
        const int r = e / g.w % g.h;
        const unsigned c = e / g.w / g.h % g.c;
        const unsigned b = e / g.w / g.h / g.c;
        const TapWalk rows = tapsReaching(r, g.strideH, g.padH, g.dilationH, g.kh, g.ho);
        const TapWalk cols = tapsReaching(s, g.strideW, g.padW, g.dilationW, g.kw, g.wo);
        double acc = 0.0;
        if (rows.count > 0 && cols.count > 0) {
            const unsigned oc0 = c / cg * og;
            const T* gPlane = dy + gOffset + (b * g.o + oc0) * outPlane + rows.i0 * g.wo + cols.i0;
            const T* wTaps = w + wOffset + (oc0 * cg + c % cg) * taps + rows.p0 * g.kw + cols.p0;
            for (unsigned oc = 0; oc < og; ++oc) {
                const T* gRow = gPlane + oc * outPlane;
                const T* wRow = wTaps + oc * cg * taps;
                for (int m = 0; m < rows.count; ++m) {
                    for (int k = 0; k < cols.count; ++k) {
                        acc += (double)gRow[k * cols.iStep] * (double)wRow[-k * cols.pStep];
                    }
                    gRow += rows.iStep * g.wo;
                    wRow -= rows.pStep * g.kw;
                }
            }
        }
        dx[e] = (T)acc;
    }
}

// The adjoint of conv2d in its weight, in partial sums: for each weight element wi = (oc, ci, p, q), the products
// dy[b, oc, i, j] · x[b, c0 + ci, i·sH − pH + p·dH, j·sW − pW + q·dW] over the (b, i, j) whose position lands inside
// the input, row-major, are cut into `chunks` chunks of chunkLength; partial[wi·chunks + chunk] is the sum of a
// chunk, in double (the host combines the chunks with reduce_f64_*). A block of JOULE_THREADS threads serves
// JOULE_THREADS / lanes weight elements with `lanes` neighbouring threads each; lane l adds products l, l + lanes, …
// of the chunk in order, and the lanes are combined by combineLanes' fixed tree. Blocks: chunks × ⌈weights /
// (JOULE_THREADS / lanes)⌉, chunk-major. x and dy start at element xOffset and gOffset of their buffers.
template <typename T>
__device__ void conv2dWeightGradKernel(const ConvGeometry& g, int xOffset, int gOffset, int chunkLength, int chunks,
                                       int lanes, const T* __restrict__ x, const T* __restrict__ dy,
                                       double* __restrict__ partial) {
    __shared__ double sums[JOULE_THREADS];
    const ReduceThread self(lanes, true);
    const unsigned cg = g.c / g.groups;
    const unsigned og = g.o / g.groups;
    const unsigned outPlane = (unsigned)g.ho * g.wo;
    const unsigned plane = (unsigned)g.h * g.w;
    const unsigned weights = (unsigned)g.o * cg * g.kh * g.kw;
    const unsigned perBlock = JOULE_THREADS / lanes;
    const unsigned weightBlocks = (weights + perBlock - 1) / perBlock;
    const unsigned chunk = blockIdx.x / weightBlocks;
    const unsigned wi = blockIdx.x % weightBlocks * perBlock + self.group;
    double acc = 0.0;
    if (wi < weights) {
        const int q = wi % g.kw;
        const int p = wi / g.kw % g.kh;
        const unsigned ci = wi / g.kw / g.kh % cg;
        const unsigned oc = wi / g.kw / g.kh / cg;
        const long long r0 = (long long)p * g.dilationH - g.padH;
        const long long s0 = (long long)q * g.dilationW - g.padW;
        const IndexRange is = inBounds(r0, g.strideH, g.ho, g.h);
        const IndexRange js = inBounds(s0, g.strideW, g.wo, g.w);
        const unsigned rows = is.hi - is.lo;
        const unsigned cols = js.hi - js.lo;
        const unsigned length = (unsigned)g.n * rows * cols;  // at most n·ho·wo
        const unsigned start = chunk * (unsigned)chunkLength;
        const unsigned end = min(length, start + (unsigned)chunkLength);
        // Where (b, i, j) = (0, is.lo, js.lo) reads: an output element and an input element inside the input.
        const T* gFirst = dy + gOffset + oc * outPlane + is.lo * g.wo + js.lo;
        const T* xFirst = x + xOffset + (oc / og * cg + ci) * plane
                          + (unsigned)(r0 + (long long)is.lo * g.strideH) * g.w
                          + (unsigned)(s0 + (long long)js.lo * g.strideW);
        for (unsigned k = start + self.lane; k < end; k += lanes) {
            const unsigned jj = k % cols;
            const unsigned ii = k / cols % rows;
            const unsigned b = k / cols / rows;
            acc += (double)gFirst[b * g.o * outPlane + ii * g.wo + jj]
                   * (double)xFirst[b * g.c * plane + ii * g.strideH * g.w + jj * g.strideW];
        }
    }
    const double sum = combineLanes(sums, self, lanes, R_SUM, acc);
    if (self.lane == 0 && wi < weights) {
        partial[(unsigned long long)wi * chunks + chunk] = sum;
    }
}

#define JOULE_CONV_ENTRIES(suffix, T)                                                                           \
    extern "C" __global__ void __launch_bounds__(JOULE_THREADS)                                                 \
        conv2d_##suffix(ConvGeometry g, int xOffset, int wOffset, const T* x, const T* w, T* y) {               \
        conv2dKernel<T>(g, xOffset, wOffset, x, w, y);                                                          \
    }                                                                                                           \
    extern "C" __global__ void __launch_bounds__(JOULE_THREADS)                                                 \
        conv2d_transpose_##suffix(ConvGeometry g, int gOffset, int wOffset, const T* dy, const T* w, T* dx) {   \
        conv2dTransposeKernel<T>(g, gOffset, wOffset, dy, w, dx);                                               \
    }                                                                                                           \
    extern "C" __global__ void __launch_bounds__(JOULE_THREADS)                                                 \
        conv2d_weight_grad_##suffix(ConvGeometry g, int xOffset, int gOffset, int chunkLength, int chunks,      \
                                    int lanes, const T* x, const T* dy, double* partial) {                      \
        conv2dWeightGradKernel<T>(g, xOffset, gOffset, chunkLength, chunks, lanes, x, dy, partial);             \
    }
JOULE_FOR_EACH_DTYPE(JOULE_CONV_ENTRIES)
