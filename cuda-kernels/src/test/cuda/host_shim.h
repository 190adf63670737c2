// Just enough of CUDA's built-ins to compile the kernels as plain C++ and run them on the host (mma.h beside this
// stands in for the tensor-core API): the threads of a block are real threads (host_device.cpp starts them), so
// __syncthreads is a barrier, __shared__ variables are shared, and atomics are atomic. The blocks of a grid run one
// after the other. The host's libm (exp, log, pow...) stands in for CUDA's; everything else is the kernels' code.
#pragma once
#include <algorithm>
#include <atomic>
#include <barrier>
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
using std::min;

struct HostDim3 {
    unsigned x, y, z;
};
inline thread_local HostDim3 threadIdx{0, 0, 0};
inline HostDim3 blockIdx{0, 0, 0};
inline HostDim3 blockDim{1, 1, 1};
inline HostDim3 gridDim{1, 1, 1};

// The barrier of the block being run (host_device.cpp sets it).
inline std::barrier<>* hostBlockBarrier = nullptr;

inline void __syncthreads() {
    hostBlockBarrier->arrive_and_wait();
}
inline void __threadfence() {
    std::atomic_thread_fence(std::memory_order_seq_cst);
}

inline unsigned atomicAdd(unsigned* p, unsigned v) {
    return std::atomic_ref<unsigned>(*p).fetch_add(v);
}
inline unsigned long long atomicMin(unsigned long long* p, unsigned long long v) {
    std::atomic_ref<unsigned long long> a(*p);
    unsigned long long old = a.load();
    while (v < old && !a.compare_exchange_weak(old, v)) {
    }
    return old;
}
inline unsigned long long atomicExch(unsigned long long* p, unsigned long long v) {
    return std::atomic_ref<unsigned long long>(*p).exchange(v);
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

struct int2 {
    int x, y;
};
struct uint2 {
    unsigned x, y;
};
struct uint4 {
    unsigned x, y, z, w;
};
struct double2 {
    double x, y;
};
inline int2 make_int2(int x, int y) {
    return {x, y};
}
inline uint2 make_uint2(unsigned x, unsigned y) {
    return {x, y};
}
inline uint4 make_uint4(unsigned x, unsigned y, unsigned z, unsigned w) {
    return {x, y, z, w};
}
inline double2 make_double2(double x, double y) {
    return {x, y};
}
