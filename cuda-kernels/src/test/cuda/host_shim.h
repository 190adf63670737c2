// Just enough of CUDA's built-ins to compile the elementwise and random kernels (layout.cuh, ops.cuh, trig.cuh,
// domain_errors.cuh, elementwise.cuh, philox.cuh) as plain C++ and run them on the host, one thread per block and
// the blocks one after the other. KernelsOnHostTest uses this to check the kernels' arithmetic without a GPU; the
// library's libm (exp, log, pow...) stands in for CUDA's, everything else is the kernels' own code.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#define __host__
#define __device__
#define __global__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __constant__
#define __shared__ static

using std::fabs;
using std::isfinite;
using std::isinf;
using std::isnan;

struct HostDim3 {
    unsigned x, y, z;
};
inline HostDim3 threadIdx{0, 0, 0};
inline HostDim3 blockIdx{0, 0, 0};
inline HostDim3 blockDim{1, 1, 1};
inline HostDim3 gridDim{1, 1, 1};

inline void __syncthreads() {}
inline void __threadfence() {}

inline unsigned atomicAdd(unsigned* p, unsigned v) {
    unsigned old = *p;
    *p = old + v;
    return old;
}
inline unsigned long long atomicMin(unsigned long long* p, unsigned long long v) {
    unsigned long long old = *p;
    *p = v < old ? v : old;
    return old;
}
inline unsigned long long atomicExch(unsigned long long* p, unsigned long long v) {
    unsigned long long old = *p;
    *p = v;
    return old;
}

inline unsigned __umulhi(unsigned a, unsigned b) {
    return (unsigned)(((unsigned long long)a * b) >> 32);
}
inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) {
    return (unsigned long long)(((unsigned __int128)a * b) >> 64);
}
inline long long __double_as_longlong(double x) {
    long long bits;
    std::memcpy(&bits, &x, sizeof bits);
    return bits;
}
inline int __clzll(long long x) {
    return x == 0 ? 64 : __builtin_clzll((unsigned long long)x);
}

struct uint2 {
    unsigned x, y;
};
struct uint4 {
    unsigned x, y, z, w;
};
struct double2 {
    double x, y;
};
inline uint2 make_uint2(unsigned x, unsigned y) {
    return {x, y};
}
inline uint4 make_uint4(unsigned x, unsigned y, unsigned z, unsigned w) {
    return {x, y, z, w};
}
inline double2 make_double2(double x, double y) {
    return {x, y};
}
