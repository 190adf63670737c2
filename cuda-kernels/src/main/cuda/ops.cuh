// Elementwise functions and reductions with the semantics of joule.tensor's enums, computed in double (a float32
// kernel rounds once, as the CPU reference does). Compiled with --fmad=false, so no multiply-add is contracted
// and every expression rounds like the Java one.
#pragma once
#include "trig.cuh"

// Op codes are the ordinals of the Java enums, in the same order (OpCodesMatchJavaEnumsTest checks the names).
// joule.tensor.UnaryOp
enum UnaryCode {
    U_NEG, U_ABS, U_SIGN, U_SQUARE, U_RECIPROCAL, U_SQRT, U_RSQRT, U_EXP, U_EXPM1, U_LOG, U_LOG1P, U_SIN, U_COS,
    U_TANH, U_SIGMOID, U_SOFTPLUS, U_SILU, U_SILU_GRAD, U_SILU_GRAD2, U_RELU
};
// joule.tensor.BinaryOp
enum BinaryCode { B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAXIMUM, B_MINIMUM, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE };
// joule.tensor.ReduceOp
enum ReduceCode { R_SUM, R_MAX, R_MIN };

// Java's Math.max: NaN if either is NaN, and +0.0 is larger than -0.0.
__device__ __forceinline__ double javaMax(double a, double b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == 0.0 && b == 0.0) return __double_as_longlong(a) < 0 ? b : a;
    return a >= b ? a : b;
}

// Java's Math.min: NaN if either is NaN, and -0.0 is smaller than +0.0.
__device__ __forceinline__ double javaMin(double a, double b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == 0.0 && b == 0.0) return __double_as_longlong(a) < 0 ? a : b;
    return a <= b ? a : b;
}

// Java's Math.pow, which differs from C's pow only where |a| = 1: pow(1, NaN), pow(±1, ±inf) are NaN in Java.
__device__ __forceinline__ double javaPow(double a, double b) {
    if (b != b) return b;
    if (fabs(a) == 1.0 && isinf(b)) return nan("");
    return pow(a, b);
}

__device__ __forceinline__ double sigmoid(double x) {
    return 1.0 / (1.0 + exp(-x));
}

__device__ double applyUnary(int op, double x) {
    switch (op) {
        case U_NEG: return -x;
        case U_ABS: return fabs(x);
        case U_SIGN: return x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : x;  // ±0 and NaN unchanged, as Math.signum
        case U_SQUARE: return x * x;
        case U_RECIPROCAL: return 1.0 / x;
        case U_SQRT: return sqrt(x);
        case U_RSQRT: return 1.0 / sqrt(x);
        case U_EXP: return exp(x);
        case U_EXPM1: return expm1(x);
        case U_LOG: return log(x);
        case U_LOG1P: return log1p(x);
        case U_SIN: return sinOrCos(x, false);
        case U_COS: return sinOrCos(x, true);
        case U_TANH: return tanh(x);
        case U_SIGMOID: return sigmoid(x);
        case U_SOFTPLUS: return javaMax(x, 0.0) + log1p(exp(-fabs(x)));
        case U_SILU: return x / (1.0 + exp(-x));
        case U_SILU_GRAD: {
            double s = sigmoid(x);
            return s * (1 + x * (1 - s));
        }
        case U_SILU_GRAD2: {
            double s = sigmoid(x);
            double c = 1 - s;
            return s * c * (2 + x * (c - s));
        }
        case U_RELU: return javaMax(x, 0.0);
        default: return nan("");
    }
}

__device__ double applyBinary(int op, double a, double b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_POW: return javaPow(a, b);
        case B_MAXIMUM: return javaMax(a, b);
        case B_MINIMUM: return javaMin(a, b);
        case B_EQ: return a == b ? 1.0 : 0.0;
        case B_NE: return a != b ? 1.0 : 0.0;
        case B_LT: return a < b ? 1.0 : 0.0;
        case B_LE: return a <= b ? 1.0 : 0.0;
        case B_GT: return a > b ? 1.0 : 0.0;
        case B_GE: return a >= b ? 1.0 : 0.0;
        default: return nan("");
    }
}

// The value of a reduction over no elements.
__device__ __forceinline__ double reduceIdentity(int op) {
    return op == R_SUM ? 0.0 : op == R_MAX ? -INFINITY : INFINITY;
}

// An accumulated value combined with one more. A SUM depends on the order of the additions; MAX and MIN do not.
__device__ __forceinline__ double reduceCombine(int op, double acc, double x) {
    switch (op) {
        case R_SUM: return acc + x;
        case R_MAX: return javaMax(acc, x);
        case R_MIN: return javaMin(acc, x);
        default: return nan("");
    }
}
