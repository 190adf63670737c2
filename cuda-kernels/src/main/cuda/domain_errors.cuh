// Deferred domain errors: the CPU backend throws at once when log, sqrt, div or pow is given a value outside its
// domain; a kernel cannot, so it records the first offending element here and the host throws at its next
// synchronisation (joule.cuda.DomainErrors reads the record).
#pragma once
#include "layout.cuh"

// One per stream, in device memory. The first two fields work during one checked launch; the rest hold the first
// error committed since the host last reset the record. Layout: 40 bytes, as joule.cuda.DomainErrors reads it.
struct DomainRecord {
    // During a launch: the minimum over its NaN outputs of (row-major index << 1 | 1 if an input was NaN there),
    // all ones when there is none. Like the CPU check, an error is a first NaN output whose inputs are not NaN.
    unsigned long long firstNaN;
    unsigned int blocksDone;  // during a launch: blocks that have finished
    int descriptor;           // committed: the failing launch's descriptor (the host's table), -1 when none
    int index;                // committed: row-major index of the offending element in the output
    int unused;
    double inputs[2];         // committed: the element's input values
};
static_assert(sizeof(DomainRecord) == 40, "DomainRecord must match joule.cuda.DomainErrors");

#define JOULE_NO_NAN 0xFFFFFFFFFFFFFFFFull

// Notes a NaN output at index i.
__device__ __forceinline__ void noteNaN(DomainRecord* record, unsigned i, bool someInputNaN) {
    atomicMin(&record->firstNaN, ((unsigned long long)i << 1) | (someInputNaN ? 1ull : 0ull));
}

// Called by every thread at the end of a checked launch (descriptor >= 0, the same for the whole grid). The last
// block to finish looks at the launch's first NaN and, if it is an error and none is committed yet, commits it
// with the values of the K inputs of that element; it then resets the per-launch fields for the next launch.
template <typename T, int K>
__device__ void finishDomainCheck(DomainRecord* record, int descriptor, const Layout& layout,
                                  const T* const (&inputs)[K]) {
    __shared__ bool lastBlock;
    __syncthreads();
    if (threadIdx.x == 0) {
        __threadfence();
        lastBlock = atomicAdd(&record->blocksDone, 1u) == gridDim.x - 1;
    }
    __syncthreads();
    if (!lastBlock || threadIdx.x != 0) {
        return;
    }
    __threadfence();
    unsigned long long first = atomicExch(&record->firstNaN, JOULE_NO_NAN);
    record->blocksDone = 0;
    if (first == JOULE_NO_NAN || (first & 1ull) != 0 || record->descriptor >= 0) {
        return;
    }
    unsigned i = (unsigned)(first >> 1);
    int off[K];
    elementOffsets(layout, i, off);
#pragma unroll
    for (int k = 0; k < K; ++k) {
        record->inputs[k] = (double)inputs[k][off[k]];
    }
    record->index = (int)i;
    record->descriptor = descriptor;
}
