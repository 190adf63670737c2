package joule.tensor;

/**
 * The geometry of a 2-d convolution (cross-correlation, as in PyTorch's {@code conv2d}), apart from the
 * sizes of the tensors: stride, zero padding and dilation along height and width, and the number of
 * groups. For an input of height {@code H} and a kernel of height {@code kh} the output has height
 * {@code Ho = ⌊(H + 2·padH − dilationH·(kh − 1) − 1) / strideH⌋ + 1}; likewise for the width.
 *
 * <p>Output element {@code y[n, o, i, j] = Σ_{c, p, q} w[o, c, p, q] · x[n, g·C/G + c, i·sH − pH + p·dH,
 * j·sW − pW + q·dW]} with {@code g = o / (O/G)} the group of output channel {@code o}, {@code C/G}
 * input channels per group, and reads outside the input counting as zero.
 *
 * @param strideH  step between output rows, ≥ 1
 * @param strideW  step between output columns, ≥ 1
 * @param padH     zero rows added above and below, ≥ 0
 * @param padW     zero columns added left and right, ≥ 0
 * @param dilationH spacing between kernel rows, ≥ 1
 * @param dilationW spacing between kernel columns, ≥ 1
 * @param groups   channel groups, ≥ 1; input and output channels must be multiples of it
 */
public record Conv2dSpec(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
    /** Stride 1, no padding, no dilation, one group. */
    public static final Conv2dSpec DEFAULT = new Conv2dSpec(1, 1, 0, 0, 1, 1, 1);

    /** Checks the ranges stated above. */
    public Conv2dSpec {
        if (strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("conv2d: stride must be ≥ 1, got (" + strideH + ", " + strideW + ")");
        }
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d: padding must be ≥ 0, got (" + padH + ", " + padW + ")");
        }
        if (dilationH < 1 || dilationW < 1) {
            throw new IllegalArgumentException("conv2d: dilation must be ≥ 1, got (" + dilationH + ", " + dilationW
                    + ")");
        }
        if (groups < 1) {
            throw new IllegalArgumentException("conv2d: groups must be ≥ 1, got " + groups);
        }
    }

    /** The same stride and padding along both axes, no dilation, one group. */
    public static Conv2dSpec of(int stride, int padding) {
        return new Conv2dSpec(stride, stride, padding, padding, 1, 1, 1);
    }

    /** This geometry with {@code dilation} along both axes. */
    public Conv2dSpec withDilation(int dilation) {
        return new Conv2dSpec(strideH, strideW, padH, padW, dilation, dilation, groups);
    }

    /** This geometry with {@code groups} channel groups. */
    public Conv2dSpec withGroups(int groups) {
        return new Conv2dSpec(strideH, strideW, padH, padW, dilationH, dilationW, groups);
    }

    /** Output height for input height {@code h} and kernel height {@code kh}; ≤ 0 if the kernel does not fit. */
    public int outHeight(int h, int kh) {
        return outSize(h, kh, strideH, padH, dilationH);
    }

    /** Output width for input width {@code w} and kernel width {@code kw}; ≤ 0 if the kernel does not fit. */
    public int outWidth(int w, int kw) {
        return outSize(w, kw, strideW, padW, dilationW);
    }

    private static int outSize(int in, int k, int stride, int pad, int dilation) {
        long span = (long) dilation * (k - 1) + 1;
        long room = in + 2L * pad - span;
        return room < 0 ? 0 : (int) (room / stride + 1);
    }

    /**
     * The input heights {@code h} whose output height is {@code ho}: from {@code (ho−1)·sH − 2pH + dH(kh−1) + 1}
     * to that plus {@code sH − 1}. Returns the smallest.
     */
    public int transposedHeight(int ho, int kh) {
        return (ho - 1) * strideH - 2 * padH + dilationH * (kh - 1) + 1;
    }

    /** The smallest input width whose output width is {@code wo} (see {@link #transposedHeight}). */
    public int transposedWidth(int wo, int kw) {
        return (wo - 1) * strideW - 2 * padW + dilationW * (kw - 1) + 1;
    }

    /**
     * Checks an input {@code [N, C, H, W]} against a weight {@code [O, C/G, kh, kw]} and returns the output shape
     * {@code [N, O, Ho, Wo]}; {@code op} names the caller in the message.
     */
    public int[] outputShape(String op, int[] input, int[] weight) {
        checkOperands(op, input, weight, "input");
        int ho = outHeight(input[2], weight[2]);
        int wo = outWidth(input[3], weight[3]);
        if (ho < 1 || wo < 1) {
            throw new IllegalArgumentException(op + ": kernel " + weight[2] + "×" + weight[3] + " with dilation ("
                    + dilationH + ", " + dilationW + ") is larger than the padded input " + (input[2] + 2 * padH) + "×"
                    + (input[3] + 2 * padW) + " (input " + Shapes.format(input) + ", padding (" + padH + ", " + padW
                    + "))");
        }
        return new int[] {input[0], weight[0], ho, wo};
    }

    /**
     * Checks that {@code [N, C, h, w]} is an input size whose convolution with {@code weight} has the shape of
     * {@code output} ({@code [N, O, Ho, Wo]}); {@code op} names the caller in the message.
     */
    public void checkTransposed(String op, int[] output, int[] weight, int channels, int h, int w) {
        int[] input = {output[0], channels, h, w};
        if (output.length != 4 || weight.length != 4) {
            throw new IllegalArgumentException(op + ": needs a [N, O, Ho, Wo] gradient and an [O, C/G, kh, kw] weight, got "
                    + Shapes.format(output) + " and " + Shapes.format(weight));
        }
        int[] expected = outputShape(op, input, weight);
        if (expected[1] != output[1] || expected[2] != output[2] || expected[3] != output[3]) {
            throw new IllegalArgumentException(op + ": an input " + Shapes.format(input) + " convolved with weight "
                    + Shapes.format(weight) + " (" + this + ") gives " + Shapes.format(expected) + ", not "
                    + Shapes.format(output));
        }
    }

    /**
     * The output shape {@code [N, Cout, Hout, Wout]} of PyTorch's {@code conv_transpose2d} of an {@code input}
     * {@code [N, Cin, H, W]} with a {@code weight} {@code [Cin, Cout/G, kh, kw]}: {@code Hout = (H − 1)·sH − 2·pH +
     * dH·(kh − 1) + 1 + outputPaddingH} (likewise the width), the output padding below the stride or the dilation.
     */
    public int[] transposedShape(String op, int[] input, int[] weight, int outputPaddingH, int outputPaddingW) {
        if (input.length != 4 || weight.length != 4) {
            throw new IllegalArgumentException(op + ": needs an [N, Cin, H, W] input and a [Cin, Cout/groups, kh, kw] "
                    + "weight, got " + Shapes.format(input) + " and " + Shapes.format(weight));
        }
        if (outputPaddingH < 0 || outputPaddingW < 0 || outputPaddingH >= Math.max(strideH, dilationH)
                || outputPaddingW >= Math.max(strideW, dilationW)) {
            throw new IllegalArgumentException(op + ": output padding (" + outputPaddingH + ", " + outputPaddingW
                    + ") must be ≥ 0 and below the stride or the dilation (" + this + ")");
        }
        int h = transposedHeight(input[2], weight[2]) + outputPaddingH;
        int w = transposedWidth(input[3], weight[3]) + outputPaddingW;
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException(op + ": input " + Shapes.format(input) + " with weight "
                    + Shapes.format(weight) + " (" + this + ") gives an empty " + h + "×" + w + " output");
        }
        return new int[] {input[0], weight[1] * groups, h, w};
    }

    private void checkOperands(String op, int[] input, int[] weight, String inputName) {
        if (input.length != 4) {
            throw new IllegalArgumentException(op + ": " + inputName + " must be [N, C, H, W], got " + Shapes.format(input));
        }
        if (weight.length != 4) {
            throw new IllegalArgumentException(op + ": weight must be [O, C/groups, kh, kw], got "
                    + Shapes.format(weight));
        }
        if (input[1] % groups != 0) {
            throw new IllegalArgumentException(op + ": " + groups + " groups don't divide the " + input[1]
                    + " input channels of " + Shapes.format(input));
        }
        if (weight[0] % groups != 0) {
            throw new IllegalArgumentException(op + ": " + groups + " groups don't divide the " + weight[0]
                    + " output channels of weight " + Shapes.format(weight));
        }
        if (weight[1] * groups != input[1]) {
            throw new IllegalArgumentException(op + ": " + inputName + " " + Shapes.format(input) + " has " + input[1]
                    + " channels but weight " + Shapes.format(weight) + " takes " + weight[1] + " per group × " + groups
                    + " groups = " + weight[1] * groups);
        }
        if (weight[2] < 1 || weight[3] < 1) {
            throw new IllegalArgumentException(op + ": kernel size must be ≥ 1, got weight " + Shapes.format(weight));
        }
    }

    @Override
    public String toString() {
        return "stride (" + strideH + ", " + strideW + "), padding (" + padH + ", " + padW + "), dilation (" + dilationH
                + ", " + dilationW + "), groups " + groups;
    }
}
