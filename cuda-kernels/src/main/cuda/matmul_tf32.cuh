// The float32 matrix product on tensor cores in TF32, switched on by joule.cuda.tf32=true: the same operands and
// grid as matmul.cuh's kernels, with a tile of 64 × 64 per block of 128 threads.
#pragma once
#include <mma.h>
#include "matmul.cuh"

// Loads a fragment from shared memory and rounds its elements to TF32.
template <typename Fragment>
__device__ __forceinline__ void loadAsTf32(Fragment& f, const float* p, unsigned ldm) {
    nvcuda::wmma::load_matrix_sync(f, p, ldm);
#pragma unroll
    for (int e = 0; e < f.num_elements; ++e) {
        f.x[e] = nvcuda::wmma::__float_to_tf32(f.x[e]);
    }
}

// The float32 product on tensor cores in TF32 (10-bit mantissa inputs, float32 accumulation): 4 warps, a 64 × 64
// tile of C per block, each warp a 32 × 32 quarter as 2 × 2 wmma fragments of 16 × 16 (k = 8 per step).
__device__ void matmulTf32Kernel(const Layout& batch, int batchCount, const MatmulShape& s,
                                 const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c) {
    using namespace nvcuda;
    constexpr int THREADS = 128;
    constexpr int BM = 64;
    constexpr int BN = 64;
    constexpr int BK = 16;
    constexpr int PAD = 8;  // keeps every fragment pointer 32-byte aligned and staggers the banks
    __shared__ __align__(32) float As[BK][BM + PAD];
    __shared__ __align__(32) float Bs[BK][BN + PAD];
    __shared__ __align__(32) float Cs[BM][BN + PAD];
    const int warp = threadIdx.x / 32;
    const int warpRow = (warp / 2) * 32;
    const int warpCol = (warp % 2) * 32;
    const int2 tile = tileOrigin<BM, BN>(s);  // the tile's first row and column
    for (int g = blockIdx.y; g < batchCount; g += gridDim.y) {
        int off[2];
        elementOffsets(batch, (unsigned)g, off);
        wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc[2][2];
#pragma unroll
        for (int i = 0; i < 2; ++i) {
#pragma unroll
            for (int j = 0; j < 2; ++j) {
                wmma::fill_fragment(acc[i][j], 0.0f);
            }
        }
        for (unsigned p0 = 0; p0 < (unsigned)s.k; p0 += BK) {  // unsigned: p0 + BK must not wrap
            loadTiles<float, BM, BN, BK, THREADS, PAD>(s, a + off[0], b + off[1], tile.x, tile.y, (int)p0, As, Bs);
            __syncthreads();
#pragma unroll
            for (int p = 0; p < BK; p += 8) {
                // As is stored k-major, so A's fragment is read column-major from it.
                wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::col_major> fa[2];
                wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fb[2];
#pragma unroll
                for (int i = 0; i < 2; ++i) {
                    loadAsTf32(fa[i], &As[p][warpRow + 16 * i], BM + PAD);
                }
#pragma unroll
                for (int j = 0; j < 2; ++j) {
                    loadAsTf32(fb[j], &Bs[p][warpCol + 16 * j], BN + PAD);
                }
#pragma unroll
                for (int i = 0; i < 2; ++i) {
#pragma unroll
                    for (int j = 0; j < 2; ++j) {
                        wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
                    }
                }
            }
            __syncthreads();
        }
#pragma unroll
        for (int i = 0; i < 2; ++i) {
#pragma unroll
            for (int j = 0; j < 2; ++j) {
                wmma::store_matrix_sync(&Cs[warpRow + 16 * i][warpCol + 16 * j], acc[i][j], BN + PAD,
                                        wmma::mem_row_major);
            }
        }
        __syncthreads();
        float* cb = c + (long long)g * s.m * s.n;
        for (int e = threadIdx.x; e < BM * BN; e += THREADS) {
            const int gi = tile.x + e / BN;
            const int gj = tile.y + e % BN;
            if (gi < s.m && gj < s.n) {
                cb[(long long)gi * s.n + gj] = Cs[e / BN][e % BN];
            }
        }
        __syncthreads();
    }
}

extern "C" __global__ void __launch_bounds__(128)
    matmul_tf32(Layout batch, int batchCount, MatmulShape shape, const float* a, const float* b, float* c) {
    matmulTf32Kernel(batch, batchCount, shape, a, b, c);
}
