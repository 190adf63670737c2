// Elementwise kernels over strided, broadcast operands (see Layout). Outputs are fresh contiguous buffers, so
// element i of the output is y[i]; `copy` writes into a strided view instead. A float32 kernel computes each op in
// double and rounds the result once, as joule.tensor.cpu.ScalarKernels does; fused kernels round where the
// unfused ops would, so they give the same numbers.
#pragma once
#include "domain_errors.cuh"
#include "layout.cuh"
#include "ops.cuh"

// y = op(x). Operand 0 of the layout is x. descriptor >= 0 checks the op's domain (see domain_errors.cuh).
template <typename T>
__device__ void unaryKernel(const Layout& layout, int n, int op, const T* __restrict__ x, T* __restrict__ y,
                            DomainRecord* record, int descriptor) {
    JOULE_FOR_EACH_INDEX(i, n) {
        int off[1];
        elementOffsets(layout, i, off);
        double v = (double)x[off[0]];
        T r = (T)applyUnary(op, v);
        y[i] = r;
        if (descriptor >= 0 && isnan(r)) {
            noteNaN(record, i, isnan(v));
        }
    }
    if (descriptor >= 0) {
        const T* inputs[1] = {x};
        finishDomainCheck(record, descriptor, layout, inputs);
    }
}

// y = a op b. Operands 0 and 1 of the layout are a and b. descriptor >= 0 checks the op's domain.
template <typename T>
__device__ void binaryKernel(const Layout& layout, int n, int op, const T* __restrict__ a, const T* __restrict__ b,
                             T* __restrict__ y, DomainRecord* record, int descriptor) {
    JOULE_FOR_EACH_INDEX(i, n) {
        int off[2];
        elementOffsets(layout, i, off);
        double va = (double)a[off[0]];
        double vb = (double)b[off[1]];
        T r = (T)applyBinary(op, va, vb);
        y[i] = r;
        if (descriptor >= 0 && isnan(r)) {
            noteNaN(record, i, isnan(va) || isnan(vb));
        }
    }
    if (descriptor >= 0) {
        const T* inputs[2] = {a, b};
        finishDomainCheck(record, descriptor, layout, inputs);
    }
}

// The fused pairs, each intermediate rounded to T so that they give the unfused ops' numbers: y = u(a op b)
// (bias + activation) when unaryLast, else y = a op u(b) (a gradient times an activation's derivative). Only for
// ops without a restricted domain (the host runs the two ops one after the other otherwise, so that errors are
// found exactly as on the CPU).
template <typename T, bool unaryLast>
__device__ void fusedKernel(const Layout& layout, int n, int op, int u, const T* __restrict__ a,
                            const T* __restrict__ b, T* __restrict__ y) {
    JOULE_FOR_EACH_INDEX(i, n) {
        int off[2];
        elementOffsets(layout, i, off);
        if (unaryLast) {
            T t = (T)applyBinary(op, (double)a[off[0]], (double)b[off[1]]);
            y[i] = (T)applyUnary(u, (double)t);
        } else {
            T t = (T)applyUnary(u, (double)b[off[1]]);
            y[i] = (T)applyBinary(op, (double)a[off[0]], (double)t);
        }
    }
}

// y = (x + step·score) + noiseScale·noise, every product and sum rounded to T and the two scalars rounded to T
// first, as the CPU backend's composition of multiplications and additions does. Operands: x, score, noise.
template <typename T>
__device__ void langevinStepKernel(const Layout& layout, int n, double step, double noiseScale,
                                   const T* __restrict__ x, const T* __restrict__ score,
                                   const T* __restrict__ noise, T* __restrict__ y) {
    const double stepT = (double)(T)step;
    const double scaleT = (double)(T)noiseScale;
    JOULE_FOR_EACH_INDEX(i, n) {
        int off[3];
        elementOffsets(layout, i, off);
        T drift = (T)((double)score[off[1]] * stepT);
        T kick = (T)((double)noise[off[2]] * scaleT);
        T moved = (T)((double)x[off[0]] + (double)drift);
        y[i] = (T)((double)moved + (double)kick);
    }
}

// y = cond != 0 ? a : b (NaN counts as non-zero). Operands: cond, a, b.
template <typename T>
__device__ void whereKernel(const Layout& layout, int n, const T* __restrict__ cond, const T* __restrict__ a,
                            const T* __restrict__ b, T* __restrict__ y) {
    JOULE_FOR_EACH_INDEX(i, n) {
        int off[3];
        elementOffsets(layout, i, off);
        y[i] = cond[off[0]] != (T)0 ? a[off[1]] : b[off[2]];
    }
}

// y[0 .. n) = value, rounded to T.
template <typename T>
__device__ void fillKernel(int n, double value, T* __restrict__ y) {
    const T v = (T)value;
    JOULE_FOR_EACH_INDEX(i, n) {
        y[i] = v;
    }
}

// dst[...] = src[...] converted to D (rounded to nearest when narrowing). Operands: src, dst (a strided view).
template <typename S, typename D>
__device__ void copyKernel(const Layout& layout, int n, const S* src, D* dst) {
    JOULE_FOR_EACH_INDEX(i, n) {
        int off[2];
        elementOffsets(layout, i, off);
        dst[off[1]] = (D)src[off[0]];
    }
}

#define JOULE_ELEMENTWISE_ENTRIES(suffix, T)                                                                    \
    extern "C" __global__ void __launch_bounds__(JOULE_THREADS)                                                 \
        unary_##suffix(Layout layout, int n, int op, const T* x, T* y, DomainRecord* record, int descriptor) { \
        unaryKernel<T>(layout, n, op, x, y, record, descriptor);                                                \
    }                                                                                                           \
    extern "C" __global__ void __launch_bounds__(JOULE_THREADS)                                                 \
        binary_##suffix(Layout layout, int n, int op, const T* a, const T* b, T* y, DomainRecord* record,      \
                        int descriptor) {                                                                       \
        binaryKernel<T>(layout, n, op, a, b, y, record, descriptor);                                            \
    }                                                                                                           \
    extern "C" __global__ void __launch_bounds__(JOULE_THREADS)                                                 \
        binary_then_unary_##suffix(Layout layout, int n, int op, int u, const T* a, const T* b, T* y) {         \
        fusedKernel<T, true>(layout, n, op, u, a, b, y);                                                    \
    }                                                                                                           \
    extern "C" __global__ void __launch_bounds__(JOULE_THREADS)                                                 \
        binary_of_unary_##suffix(Layout layout, int n, int op, int u, const T* a, const T* b, T* y) {           \
        fusedKernel<T, false>(layout, n, op, u, a, b, y);                                                      \
    }                                                                                                           \
    extern "C" __global__ void __launch_bounds__(JOULE_THREADS)                                                 \
        langevin_step_##suffix(Layout layout, int n, double step, double noiseScale, const T* x,                \
                               const T* score, const T* noise, T* y) {                                          \
        langevinStepKernel<T>(layout, n, step, noiseScale, x, score, noise, y);                                 \
    }                                                                                                           \
    extern "C" __global__ void __launch_bounds__(JOULE_THREADS)                                                 \
        where_##suffix(Layout layout, int n, const T* cond, const T* a, const T* b, T* y) {                     \
        whereKernel<T>(layout, n, cond, a, b, y);                                                               \
    }                                                                                                           \
    extern "C" __global__ void __launch_bounds__(JOULE_THREADS) fill_##suffix(int n, double value, T* y) {     \
        fillKernel<T>(n, value, y);                                                                             \
    }
JOULE_FOR_EACH_DTYPE(JOULE_ELEMENTWISE_ENTRIES)

#define JOULE_COPY_ENTRY(from, S, to, D)                                                                        \
    extern "C" __global__ void __launch_bounds__(JOULE_THREADS)                                                 \
        copy_##from##_##to(Layout layout, int n, const S* src, D* dst) {                                        \
        copyKernel<S, D>(layout, n, src, dst);                                                                  \
    }
JOULE_COPY_ENTRY(f32, float, f32, float)
JOULE_COPY_ENTRY(f32, float, f64, double)
JOULE_COPY_ENTRY(f64, double, f32, float)
JOULE_COPY_ENTRY(f64, double, f64, double)
