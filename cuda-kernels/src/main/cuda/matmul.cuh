// Batched matrix products C[batch] = A[batch] · B[batch] read through any strides (transposed views need no
// copy). The batch layout has two operands, A and B (their batch strides and offsets, broadcast axes with stride
// 0); C is contiguous [batch, m, n]. Blocks: x = output tiles (row-major over the tile grid), y walks the batch.
#pragma once
#include "layout.cuh"

// The shape of one product and the strides of its operands (elements): A(i, p) at a[i·aRow + p·aCol],
// B(p, j) at b[p·bRow + j·bCol].
struct MatmulShape {
    int m, n, k;
    int aRow, aCol, bRow, bCol;
};
static_assert(sizeof(MatmulShape) == 7 * sizeof(int), "MatmulShape must match joule.cuda.CudaBackend");

// Loads the BM × BK tile of A at (row0, p0) into As[p][i] and the BK × BN tile of B at (p0, col0) into Bs[p][j],
// zero outside the matrices. Consecutive threads walk the operand's axis with the smaller stride, so that a warp
// reads neighbouring addresses whether the operand is row-major or transposed.
template <typename T, int BM, int BN, int BK, int THREADS, int PAD>
__device__ __forceinline__ void loadTiles(const MatmulShape& s, const T* __restrict__ a, const T* __restrict__ b,
                                          int row0, int col0, int p0, T (&As)[BK][BM + PAD],
                                          T (&Bs)[BK][BN + PAD]) {
    const bool aAlongK = s.aCol <= s.aRow;
    const bool bAlongN = s.bCol <= s.bRow;
#pragma unroll
    for (int j = 0; j < BM * BK / THREADS; ++j) {
        const int e = threadIdx.x + j * THREADS;
        const int i = aAlongK ? e / BK : e % BM;
        const int p = aAlongK ? e % BK : e / BM;
        const int gi = row0 + i;
        const int gp = p0 + p;
        As[p][i] = gi < s.m && gp < s.k ? a[gi * s.aRow + gp * s.aCol] : (T)0;
    }
#pragma unroll
    for (int j = 0; j < BN * BK / THREADS; ++j) {
        const int e = threadIdx.x + j * THREADS;
        const int q = bAlongN ? e % BN : e / BK;
        const int p = bAlongN ? e / BN : e % BK;
        const int gq = col0 + q;
        const int gp = p0 + p;
        Bs[p][q] = gp < s.k && gq < s.n ? b[gp * s.bRow + gq * s.bCol] : (T)0;
    }
}

// The first row and column of this block's BM × BN tile of C (tiles numbered row-major over the tile grid).
template <int BM, int BN>
__device__ __forceinline__ int2 tileOrigin(const MatmulShape& s) {
    const int tilesN = (s.n + BN - 1) / BN;
    return make_int2((blockIdx.x / tilesN) * BM, (blockIdx.x % tilesN) * BN);
}

// The SIMT product: a 16 × 16 grid of threads, each holding a TM × TN block of C in registers (rows
// ty + 16·i, columns tx + 16·j, so that shared-memory reads and global writes are conflict-free and coalesced);
// tiles of BK steps of the sum pass through shared memory. Each element of C is one chain of fused multiply-adds
// in p order.
template <typename T, int TM, int TN>
__device__ void matmulKernel(const Layout& batch, int batchCount, const MatmulShape& s, const T* __restrict__ a,
                             const T* __restrict__ b, T* __restrict__ c) {
    constexpr int THREADS = 256;
    constexpr int BM = 16 * TM;
    constexpr int BN = 16 * TN;
    constexpr int BK = 8;
    constexpr int PAD = 4;
    __shared__ T As[BK][BM + PAD];
    __shared__ T Bs[BK][BN + PAD];
    const int tx = threadIdx.x % 16;
    const int ty = threadIdx.x / 16;
    const int2 tile = tileOrigin<BM, BN>(s);  // the tile's first row and column
    for (int g = blockIdx.y; g < batchCount; g += gridDim.y) {
        int off[2];
        elementOffsets(batch, (unsigned)g, off);
        T acc[TM][TN];
#pragma unroll
        for (int i = 0; i < TM; ++i) {
#pragma unroll
            for (int j = 0; j < TN; ++j) {
                acc[i][j] = (T)0;
            }
        }
        for (unsigned p0 = 0; p0 < (unsigned)s.k; p0 += BK) {  // unsigned: p0 + BK must not wrap
            loadTiles<T, BM, BN, BK, THREADS, PAD>(s, a + off[0], b + off[1], tile.x, tile.y, (int)p0, As, Bs);
            __syncthreads();
#pragma unroll
            for (int p = 0; p < BK; ++p) {
                T ra[TM];
                T rb[TN];
#pragma unroll
                for (int i = 0; i < TM; ++i) {
                    ra[i] = As[p][ty + 16 * i];
                }
#pragma unroll
                for (int j = 0; j < TN; ++j) {
                    rb[j] = Bs[p][tx + 16 * j];
                }
#pragma unroll
                for (int i = 0; i < TM; ++i) {
#pragma unroll
                    for (int j = 0; j < TN; ++j) {
                        acc[i][j] = fma(ra[i], rb[j], acc[i][j]);
                    }
                }
            }
            __syncthreads();
        }
        T* cb = c + (long long)g * s.m * s.n;
#pragma unroll
        for (int i = 0; i < TM; ++i) {
            const int gi = tile.x + ty + 16 * i;
#pragma unroll
            for (int j = 0; j < TN; ++j) {
                const int gj = tile.y + tx + 16 * j;
                if (gi < s.m && gj < s.n) {
                    cb[(long long)gi * s.n + gj] = acc[i][j];
                }
            }
        }
    }
}

extern "C" __global__ void __launch_bounds__(256)
    matmul_f32(Layout batch, int batchCount, MatmulShape shape, const float* a, const float* b, float* c) {
    matmulKernel<float, 8, 8>(batch, batchCount, shape, a, b, c);
}

extern "C" __global__ void __launch_bounds__(256)
    matmul_f64(Layout batch, int batchCount, MatmulShape shape, const double* a, const double* b, double* c) {
    matmulKernel<double, 4, 4>(batch, batchCount, shape, a, b, c);
}
