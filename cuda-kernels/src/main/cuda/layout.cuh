// Strided operands of one shape, as the kernels receive them (by value) from joule.cuda.Layouts.
#pragma once

#define JOULE_MAX_RANK 8
#define JOULE_MAX_OPERANDS 4
#define JOULE_THREADS 256

// Up to four operands walked together in row-major order over `rank` axes (size-1 axes dropped and axes that are
// contiguous for every operand merged, on the host). Element i (row-major index over `dims`) of operand k lies at
// offsets[k] + sum over d of index_d(i) * strides[k][d], in elements. Axes are listed outermost first; entries past
// `rank` are unused. Layout in memory: 45 ints, as joule.cuda.Layouts writes them.
struct Layout {
    int rank;
    int dims[JOULE_MAX_RANK];
    int offsets[JOULE_MAX_OPERANDS];
    int strides[JOULE_MAX_OPERANDS][JOULE_MAX_RANK];
};
static_assert(sizeof(Layout) == 45 * sizeof(int), "Layout must match joule.cuda.Layouts");

// The element offsets of row-major index i for the first K operands. Every loop is unrolled, so the layout is only
// ever read at constant indices and stays in the parameter space (no copy to local memory).
template <int K>
__device__ __forceinline__ void elementOffsets(const Layout& layout, unsigned i, int (&off)[K]) {
#pragma unroll
    for (int k = 0; k < K; ++k) {
        off[k] = layout.offsets[k];
    }
#pragma unroll
    for (int d = JOULE_MAX_RANK - 1; d >= 0; --d) {
        if (d < layout.rank) {
            unsigned coordinate = i;
            if (d > 0) {
                unsigned outer = i / (unsigned)layout.dims[d];
                coordinate = i - outer * (unsigned)layout.dims[d];
                i = outer;
            }
#pragma unroll
            for (int k = 0; k < K; ++k) {
                off[k] += (int)coordinate * layout.strides[k][d];
            }
        }
    }
}

// A grid-stride loop over the indices [0, n) (n < 2^31, so i + stride never wraps an unsigned).
#define JOULE_FOR_EACH_INDEX(i, n) \
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)(n); i += gridDim.x * blockDim.x)

// Instantiates an entry point for both dtypes: X(suffix, type).
#define JOULE_FOR_EACH_DTYPE(X) X(f32, float) X(f64, double)
