// The single translation unit that build-kernels.sh compiles into joule.fatbin and joule.ptx. Every kernel is an
// extern "C" entry point (the names joule.cuda.Kernel lists), instantiated for float and double from one template.
#include "conv.cuh"
#include "elementwise.cuh"
#include "matmul.cuh"
#include "matmul_tf32.cuh"
#include "philox.cuh"
#include "reduce.cuh"
