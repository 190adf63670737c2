// A host stand-in for the part of CUDA's <mma.h> that matmul_tf32.cuh uses, following the documented semantics of
// nvcuda::wmma: every thread of the warp holds the whole fragment here (on a GPU each holds a share), loads and mma
// are computed per thread, and lane 0 of each warp does the store. __float_to_tf32 rounds to 10 mantissa bits,
// ties away from zero, as cvt.rna.tf32.f32 does. Used by host_device.cpp only.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#define __align__(n) __attribute__((aligned(n)))

namespace nvcuda::wmma {
struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
namespace precision {
struct tf32 {};
}  // namespace precision
enum layout_t { mem_row_major, mem_col_major };

// The shape of a fragment: matrix_a is M × K, matrix_b is K × N, the accumulator M × N; elements row-major in x.
template <typename Use, int M, int N, int K>
struct FragmentShape;
template <int M, int N, int K>
struct FragmentShape<matrix_a, M, N, K> {
    static constexpr int rows = M, cols = K;
};
template <int M, int N, int K>
struct FragmentShape<matrix_b, M, N, K> {
    static constexpr int rows = K, cols = N;
};
template <int M, int N, int K>
struct FragmentShape<accumulator, M, N, K> {
    static constexpr int rows = M, cols = N;
};

template <typename Use, int M, int N, int K, typename T, typename Layout = void>
struct fragment : FragmentShape<Use, M, N, K> {
    static constexpr int num_elements = FragmentShape<Use, M, N, K>::rows * FragmentShape<Use, M, N, K>::cols;
    float x[num_elements];
};

template <typename Use, int M, int N, int K, typename T, typename Layout>
void fill_fragment(fragment<Use, M, N, K, T, Layout>& f, float v) {
    for (float& e : f.x) {
        e = v;
    }
}

template <typename Use, int M, int N, int K, typename T, typename Layout>
void load_matrix_sync(fragment<Use, M, N, K, T, Layout>& f, const float* p, unsigned ldm) {
    using F = fragment<Use, M, N, K, T, Layout>;
    for (int r = 0; r < F::rows; ++r) {
        for (int c = 0; c < F::cols; ++c) {
            f.x[r * F::cols + c] = std::is_same_v<Layout, row_major> ? p[r * ldm + c] : p[c * ldm + r];
        }
    }
}

template <int M, int N, int K, typename LA, typename LB>
void mma_sync(fragment<accumulator, M, N, K, float>& d, const fragment<matrix_a, M, N, K, precision::tf32, LA>& a,
              const fragment<matrix_b, M, N, K, precision::tf32, LB>& b,
              const fragment<accumulator, M, N, K, float>& c) {
    float out[M * N];
    for (int i = 0; i < M; ++i) {
        for (int j = 0; j < N; ++j) {
            float s = c.x[i * N + j];
            for (int k = 0; k < K; ++k) {
                s = std::fma(a.x[i * K + k], b.x[k * N + j], s);
            }
            out[i * N + j] = s;
        }
    }
    std::memcpy(d.x, out, sizeof out);
}

template <int M, int N, int K>
void store_matrix_sync(float* p, const fragment<accumulator, M, N, K, float>& f, unsigned ldm, layout_t layout) {
    if (threadIdx.x % 32 != 0) {
        return;
    }
    for (int r = 0; r < M; ++r) {
        for (int c = 0; c < N; ++c) {
            (layout == mem_row_major ? p[r * ldm + c] : p[c * ldm + r]) = f.x[r * N + c];
        }
    }
}

inline float __float_to_tf32(float v) {
    uint32_t u;
    std::memcpy(&u, &v, 4);
    if ((u & 0x7F800000u) != 0x7F800000u) {
        u = (u + 0x1000u) & 0xFFFFE000u;
    }
    std::memcpy(&v, &u, 4);
    return v;
}
}  // namespace nvcuda::wmma
