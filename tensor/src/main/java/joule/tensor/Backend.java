package joule.tensor;

import joule.tensor.random.Distribution;

/**
 * The service every device implements; {@link Tensor} validates arguments (shapes, axes, dtypes,
 * devices) and then calls its device's backend, so a backend may assume valid input. Results are
 * new contiguous tensors on the backend's device unless stated otherwise.
 */
public interface Backend {
    /** The device this backend serves. */
    Device device();

    /** A contiguous tensor whose elements are not initialised. */
    Tensor empty(DType dtype, int[] shape);

    /** A contiguous tensor with every element equal to {@code value}. */
    Tensor full(DType dtype, int[] shape, double value);

    /** A contiguous tensor holding {@code data} (row-major), copied and rounded to {@code dtype}. */
    Tensor fromDoubles(DType dtype, int[] shape, double[] data);

    /** A contiguous tensor holding {@code data} (row-major), copied. */
    Tensor fromFloats(int[] shape, float[] data);

    /**
     * Random numbers from the Philox stream {@code (seed, offset)}: element {@code i} in row-major
     * order is element {@code i} of the stream, as defined in {@link joule.tensor.random.PhiloxSampler}.
     */
    Tensor random(Distribution distribution, DType dtype, int[] shape, long seed, long offset);

    /** {@code op} applied to every element. */
    Tensor unary(UnaryOp op, Tensor x);

    /** {@code op} applied to the broadcast of {@code a} and {@code b} (same dtype). */
    Tensor binary(BinaryOp op, Tensor a, Tensor b);

    /** {@code u(a op b)} over the broadcast of {@code a} and {@code b} (same dtype), in one pass: bias + activation. */
    Tensor binaryThenUnary(BinaryOp op, Tensor a, Tensor b, UnaryOp u);

    /**
     * {@code a op u(b)} over the broadcast of {@code a} and {@code b} (same dtype), in one pass: a gradient
     * times an activation's derivative.
     */
    Tensor binaryOfUnary(BinaryOp op, Tensor a, UnaryOp u, Tensor b);

    /**
     * {@code x + step·score + noiseScale·noise}, all three of one shape and dtype, in one pass: the move of a
     * Langevin or MALA step.
     */
    Tensor langevinStep(Tensor x, Tensor score, Tensor noise, double step, double noiseScale);

    /** {@code cond ≠ 0 ? a : b} over the broadcast of the three (same dtype). */
    Tensor where(Tensor cond, Tensor a, Tensor b);

    /** Reduction over {@code axes} (sorted, distinct, non-empty unless the tensor is 0-d). */
    Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepdim);

    /** Index of the first largest element along {@code axis}, as float64 values; NaN counts as largest. */
    Tensor argmax(Tensor x, int axis, boolean keepdim);

    /**
     * Batched matrix product: {@code a} is {@code [..., m, k]}, {@code b} is {@code [..., k, n]}
     * (rank ≥ 2 both), batch axes broadcast; the result is {@code [batch..., m, n]}.
     */
    Tensor matmul(Tensor a, Tensor b);

    /**
     * 2-d convolution, as {@link Tensor#conv2d}: {@code x [N, C, H, W]}, {@code w [O, C/G, kh, kw]} (both
     * contiguous, shapes checked) → {@code [N, O, Ho, Wo]}.
     */
    Tensor conv2d(Tensor x, Tensor w, Conv2dSpec spec);

    /**
     * The transposed convolution, as {@link Tensor#conv2dTranspose}: {@code g [N, O, Ho, Wo]}, {@code w} (both
     * contiguous, shapes checked) → {@code [N, C, h, w]}.
     */
    Tensor conv2dTranspose(Tensor g, Tensor w, Conv2dSpec spec, int h, int width);

    /**
     * The weight gradient of a convolution, as {@link Tensor#conv2dWeightGrad}: {@code x [N, C, H, W]},
     * {@code g [N, O, Ho, Wo]} (both contiguous, shapes checked) → {@code [O, C/G, kh, kw]}.
     */
    Tensor conv2dWeightGrad(Tensor x, Tensor g, Conv2dSpec spec, int kh, int kw);

    /** Copies {@code src} (broadcast to {@code dst}'s shape) into the view {@code dst}, converting dtype if they differ. */
    void copy(Tensor src, Tensor dst);

    /** The elements in row-major order, as doubles (on the host). */
    double[] toDoubleArray(Tensor x);

    /** A copy of {@code x} (which lives on another device) on this backend's device. */
    Tensor transferFrom(Tensor x);
}
