// Reductions and argmax over a tensor seen as kept × reduced: output o (row-major over the kept axes) combines the
// elements of one "row", which may be strided in any way. A block of JOULE_THREADS threads serves `groups`
// outputs with `lanes` threads each (lanes × groups = JOULE_THREADS); the host picks which of the two varies
// fastest with the thread index so that a warp reads neighbouring addresses. Each lane accumulates its elements in
// order, then the lanes of an output are combined by a fixed tree in shared memory: the result depends on the
// shapes only, never on timing.
#pragma once
#include "layout.cuh"
#include "ops.cuh"

// Where thread `t` works: output group and lane.
struct ReduceThread {
    int group;
    int lane;
    int stride;  // distance in thread index between lane l and lane l + 1 of the same group

    __device__ ReduceThread(int lanes, bool lanesFastest) {
        const int t = threadIdx.x;
        const int groups = JOULE_THREADS / lanes;
        group = lanesFastest ? t / lanes : t % groups;
        lane = lanesFastest ? t % lanes : t / groups;
        stride = lanesFastest ? 1 : groups;
    }
};

// Combines the values `acc` of the lanes of each group by a fixed tree in `partial` (one slot per thread) and
// returns the group's result to its lane 0 (other lanes get a partial result). Every thread of the block must call
// it, as it synchronises the block.
__device__ __forceinline__ double combineLanes(double* partial, const ReduceThread& self, int lanes, int op,
                                               double acc) {
    const int t = threadIdx.x;
    partial[t] = acc;
    __syncthreads();
    for (int half = lanes / 2; half > 0; half /= 2) {
        if (self.lane < half) {
            partial[t] = reduceCombine(op, partial[t], partial[t + half * self.stride]);
        }
        __syncthreads();
    }
    return partial[t];
}

// Partial reductions: output o of chunk c combines reduced elements [c·chunkLength, (c+1)·chunkLength) of row o
// and is written to y[o·chunks + c]. `kept` has one operand (x, with its offset); `reduced` has one operand whose
// offset is 0. Blocks: chunks × ceil(outputs / groups), chunk-major.
template <typename In, typename Out>
__device__ void reduceKernel(const Layout& kept, const Layout& reduced, int op, int outputs, int length,
                             int chunkLength, int chunks, int lanes, int lanesFastest, const In* __restrict__ x,
                             Out* __restrict__ y) {
    __shared__ double partial[JOULE_THREADS];
    const ReduceThread self(lanes, lanesFastest != 0);
    const int groups = JOULE_THREADS / lanes;
    const int outputBlocks = (outputs + groups - 1) / groups;
    const int chunk = blockIdx.x / outputBlocks;
    const int o = (blockIdx.x % outputBlocks) * groups + self.group;
    double acc = reduceIdentity(op);
    if (o < outputs) {
        int base[1];
        elementOffsets(kept, (unsigned)o, base);
        // Unsigned: a row may hold up to 2^31 - 1 elements, and r + lanes must not wrap.
        const unsigned start = (unsigned)chunk * (unsigned)chunkLength;
        const unsigned end = min((unsigned)length, start + (unsigned)chunkLength);
        for (unsigned r = start + self.lane; r < end; r += lanes) {
            int at[1];
            elementOffsets(reduced, r, at);
            acc = reduceCombine(op, acc, (double)x[base[0] + at[0]]);
        }
    }
    const double result = combineLanes(partial, self, lanes, op, acc);
    if (self.lane == 0 && o < outputs) {
        y[(long long)o * chunks + chunk] = (Out)result;
    }
}

// Whether (v, i) comes before (w, j) in argmax order: NaN first, then larger values, ties to the smaller index;
// index -1 marks "no element yet". The order is total, so the result does not depend on how it is combined.
__device__ __forceinline__ bool argmaxBefore(double v, int i, double w, int j) {
    if (j < 0) return i >= 0;
    if (i < 0) return false;
    const bool vNaN = isnan(v);
    const bool wNaN = isnan(w);
    if (vNaN || wNaN) return vNaN && (!wNaN || i < j);
    if (v != w) return v > w;
    return i < j;
}

// y[o] = index (as a double) of the first largest element of row o, NaN counting as largest. One chunk per row.
template <typename T>
__device__ void argmaxKernel(const Layout& kept, const Layout& reduced, int outputs, int length, int lanes,
                             int lanesFastest, const T* __restrict__ x, double* __restrict__ y) {
    __shared__ double bestValue[JOULE_THREADS];
    __shared__ int bestIndex[JOULE_THREADS];
    const ReduceThread self(lanes, lanesFastest != 0);
    const int groups = JOULE_THREADS / lanes;
    const int o = blockIdx.x * groups + self.group;
    double value = 0.0;
    int index = -1;
    if (o < outputs) {
        int base[1];
        elementOffsets(kept, (unsigned)o, base);
        for (unsigned r = self.lane; r < (unsigned)length; r += lanes) {
            int at[1];
            elementOffsets(reduced, r, at);
            const double v = (double)x[base[0] + at[0]];
            if (argmaxBefore(v, (int)r, value, index)) {
                value = v;
                index = (int)r;
            }
        }
    }
    const int t = threadIdx.x;
    bestValue[t] = value;
    bestIndex[t] = index;
    __syncthreads();
    for (int half = lanes / 2; half > 0; half /= 2) {
        if (self.lane < half) {
            const int other = t + half * self.stride;
            if (argmaxBefore(bestValue[other], bestIndex[other], bestValue[t], bestIndex[t])) {
                bestValue[t] = bestValue[other];
                bestIndex[t] = bestIndex[other];
            }
        }
        __syncthreads();
    }
    if (self.lane == 0 && o < outputs) {
        y[o] = (double)bestIndex[t];
    }
}

#define JOULE_REDUCE_ENTRY(from, In, to, Out)                                                                    \
    extern "C" __global__ void __launch_bounds__(JOULE_THREADS)                                                  \
        reduce_##from##_##to(Layout kept, Layout reduced, int op, int outputs, int length, int chunkLength,     \
                             int chunks, int lanes, int lanesFastest, const In* x, Out* y) {                     \
        reduceKernel<In, Out>(kept, reduced, op, outputs, length, chunkLength, chunks, lanes, lanesFastest, x, y); \
    }
JOULE_REDUCE_ENTRY(f32, float, f32, float)
JOULE_REDUCE_ENTRY(f32, float, f64, double)
JOULE_REDUCE_ENTRY(f64, double, f32, float)
JOULE_REDUCE_ENTRY(f64, double, f64, double)

#define JOULE_ARGMAX_ENTRY(suffix, T)                                                                            \
    extern "C" __global__ void __launch_bounds__(JOULE_THREADS)                                                  \
        argmax_##suffix(Layout kept, Layout reduced, int outputs, int length, int lanes, int lanesFastest,      \
                        const T* x, double* y) {                                                                 \
        argmaxKernel<T>(kept, reduced, outputs, length, lanes, lanesFastest, x, y);                              \
    }
JOULE_FOR_EACH_DTYPE(JOULE_ARGMAX_ENTRY)
