// Random numbers from Philox4x32-10 with exactly the element → counter mapping of
// joule.tensor.random.PhiloxSampler (see its Javadoc for the table): element i of the stream (seed, offset) takes
// lane i mod E of the block whose 128-bit counter is (offset + i / E, 0) under the key (seed low, seed high).
// Uniform and Rademacher values are bit-identical to the CPU's; normal values use the same Box–Muller formula in
// double, but CUDA's log and trig.cuh's sine and cosine are not Java's StrictMath, so they may differ in the last
// bits of a double.
#pragma once
#include "layout.cuh"
#include "trig.cuh"

// joule.tensor.random.Distribution
enum DistributionCode { D_UNIFORM, D_NORMAL, D_RADEMACHER };

// The ten rounds of Philox4x32 (Salmon et al., SC 2011) on counter c under key k.
__device__ __forceinline__ uint4 philox4x32_10(uint4 c, uint2 k) {
#pragma unroll
    for (int round = 0; round < 10; ++round) {
        if (round > 0) {
            k.x += 0x9E3779B9u;
            k.y += 0xBB67AE85u;
        }
        const unsigned lo0 = 0xD2511F53u * c.x;
        const unsigned hi0 = __umulhi(0xD2511F53u, c.x);
        const unsigned lo1 = 0xCD9E8D57u * c.z;
        const unsigned hi1 = __umulhi(0xCD9E8D57u, c.z);
        c = make_uint4(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    }
    return c;
}

// The top 53 bits of the 64-bit word hi:lo.
__device__ __forceinline__ double top53(unsigned lo, unsigned hi) {
    return (double)((((unsigned long long)hi << 32) | lo) >> 11);
}

// r·cos θ and r·sin θ for r = sqrt(-2 log u), θ = 2π·v, u and v in (0, 1].
__device__ __forceinline__ double2 boxMuller(double u, double v) {
    const double r = sqrt(-2.0 * log(u));
    const double theta = 6.283185307179586 * v;
    return make_double2(r * sinOrCos(theta, true), r * sinOrCos(theta, false));
}

// The E lanes of one block in the float32 rule (E = 4).
__device__ __forceinline__ void lanesOf(int distribution, uint4 w, float (&lane)[4]) {
    const unsigned word[4] = {w.x, w.y, w.z, w.w};
    for (int l = 0; l < 4; ++l) {
        if (distribution == D_UNIFORM) {
            lane[l] = (float)(word[l] >> 8) * 0x1p-24f;
        } else if (distribution == D_RADEMACHER) {
            lane[l] = (word[l] & 0x80000000u) != 0 ? -1.0f : 1.0f;
        }
    }
    if (distribution == D_NORMAL) {
#pragma unroll
        for (int p = 0; p < 4; p += 2) {
            const double2 z = boxMuller(((double)word[p] + 1.0) * 0x1p-32, ((double)word[p + 1] + 1.0) * 0x1p-32);
            lane[p] = (float)z.x;
            lane[p + 1] = (float)z.y;
        }
    }
}

// The E lanes of one block in the float64 rule (E = 2 for uniform and normal, 4 for Rademacher).
__device__ __forceinline__ void lanesOf(int distribution, uint4 w, double (&lane)[4]) {
    if (distribution == D_UNIFORM) {
        lane[0] = top53(w.x, w.y) * 0x1p-53;
        lane[1] = top53(w.z, w.w) * 0x1p-53;
    } else if (distribution == D_RADEMACHER) {
        const unsigned word[4] = {w.x, w.y, w.z, w.w};
#pragma unroll
        for (int l = 0; l < 4; ++l) {
            lane[l] = (word[l] & 0x80000000u) != 0 ? -1.0 : 1.0;
        }
    } else {
        const double2 z = boxMuller((top53(w.x, w.y) + 1.0) * 0x1p-53, (top53(w.z, w.w) + 1.0) * 0x1p-53);
        lane[0] = z.x;
        lane[1] = z.y;
    }
}

// Elements [0, n) of the stream (seed, offset) into y; one thread per Philox block. `perBlock` is E.
template <typename T>
__device__ void randomKernel(int distribution, int n, int perBlock, unsigned long long seed,
                             unsigned long long offset, T* __restrict__ y) {
    const uint2 key = make_uint2((unsigned)seed, (unsigned)(seed >> 32));
    const unsigned blocks = (unsigned)(((long long)n + perBlock - 1) / perBlock);
    JOULE_FOR_EACH_INDEX(blockIndex, blocks) {
        const unsigned long long counter = offset + blockIndex;
        const uint4 w = philox4x32_10(make_uint4((unsigned)counter, (unsigned)(counter >> 32), 0u, 0u), key);
        T lane[4];
        lanesOf(distribution, w, lane);
        const long long first = (long long)blockIndex * perBlock;
#pragma unroll
        for (int l = 0; l < 4; ++l) {
            if (l < perBlock && first + l < n) {
                y[first + l] = lane[l];
            }
        }
    }
}

#define JOULE_RANDOM_ENTRY(suffix, T)                                                                            \
    extern "C" __global__ void __launch_bounds__(JOULE_THREADS) random_##suffix(                                \
        int distribution, int n, int perBlock, unsigned long long seed, unsigned long long offset, T* y) {      \
        randomKernel<T>(distribution, n, perBlock, seed, offset, y);                                             \
    }
JOULE_FOR_EACH_DTYPE(JOULE_RANDOM_ENTRY)
