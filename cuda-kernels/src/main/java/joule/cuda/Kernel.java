package joule.cuda;

import java.util.Locale;
import joule.tensor.DType;

/**
 * The entry points of the kernel module; each constant's {@link #entry() entry name} is its name in lower case, an
 * {@code extern "C"} kernel of kernels.cu ({@code KernelsMatchPtxTest} checks both ways). Suffixes name dtypes:
 * {@code F32}/{@code F64}, input then output where they differ.
 */
enum Kernel {
    UNARY_F32, UNARY_F64,
    BINARY_F32, BINARY_F64,
    BINARY_THEN_UNARY_F32, BINARY_THEN_UNARY_F64,
    BINARY_OF_UNARY_F32, BINARY_OF_UNARY_F64,
    LANGEVIN_STEP_F32, LANGEVIN_STEP_F64,
    WHERE_F32, WHERE_F64,
    FILL_F32, FILL_F64,
    COPY_F32_F32, COPY_F32_F64, COPY_F64_F32, COPY_F64_F64,
    REDUCE_F32_F32, REDUCE_F32_F64, REDUCE_F64_F32, REDUCE_F64_F64,
    ARGMAX_F32, ARGMAX_F64,
    MATMUL_F32, MATMUL_F64, MATMUL_TF32,
    CONV2D_F32, CONV2D_F64,
    CONV2D_TRANSPOSE_F32, CONV2D_TRANSPOSE_F64,
    CONV2D_WEIGHT_GRAD_F32, CONV2D_WEIGHT_GRAD_F64,
    RANDOM_F32, RANDOM_F64;

    /** The kernel's name in the module. */
    String entry() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code f32} for float32, {@code f64} for float64. */
    static Kernel of(Kernel f32, Kernel f64, DType dtype) {
        return dtype == DType.FLOAT32 ? f32 : f64;
    }

    /** The conversion or reduction kernel from {@code in} to {@code out}. */
    static Kernel of(Kernel f32f32, Kernel f32f64, Kernel f64f32, Kernel f64f64, DType in, DType out) {
        return in == DType.FLOAT32 ? of(f32f32, f32f64, out) : of(f64f32, f64f64, out);
    }
}
