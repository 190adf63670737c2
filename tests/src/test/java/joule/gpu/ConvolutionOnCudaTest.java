package joule.gpu;

import static joule.gpu.Accuracy.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import joule.gpu.Operands.Layout;
import joule.gpu.Operands.Operand;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code conv2d}, {@code conv2dTranspose} and {@code conv2dWeightGrad} on CUDA against the CPU backend in
 * float64: random sizes, strides, paddings, dilations and groups with operands in any layout (the tensor
 * API makes them contiguous), geometries at the edges, large batches whose weight gradients are added in
 * many chunks, and a batch of nearly 2³¹ input elements. Within the rounding a sum of that many products
 * and that condition may carry.
 */
class ConvolutionOnCudaTest extends CudaTest {
    private static final int TRIALS = 40;

    /** Sizes and geometry of one convolution: an {@code [n, c, h, w]} input, an {@code [o, c/G, kh, kw]} weight. */
    private record Conv(int n, int c, int h, int w, int o, int kh, int kw, Conv2dSpec spec) {
        int ho() {
            return spec.outHeight(h, kh);
        }

        int wo() {
            return spec.outWidth(w, kw);
        }

        @Override
        public String toString() {
            return "input [" + n + ", " + c + ", " + h + ", " + w + "], weight [" + o + ", " + c / spec.groups() + ", "
                    + kh + ", " + kw + "], " + spec;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void randomGeometries(DType dtype) {
        SplittableRandom r = random();
        for (int trial = 0; trial < TRIALS; trial++) {
            check(dtype, r, randomConv(r));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void edgeGeometries(DType dtype) {
        SplittableRandom r = random();
        Conv[] edges = {
            new Conv(1, 1, 1, 1, 1, 1, 1, Conv2dSpec.DEFAULT),
            new Conv(2, 2, 1, 1, 3, 3, 3, Conv2dSpec.of(2, 2)),
            new Conv(1, 3, 2, 3, 2, 5, 4, new Conv2dSpec(1, 1, 2, 1, 1, 1, 1)),
            new Conv(2, 2, 9, 8, 2, 2, 2, new Conv2dSpec(3, 3, 1, 0, 2, 2, 1)),
            new Conv(1, 2, 23, 19, 4, 5, 4, new Conv2dSpec(4, 6, 3, 5, 6, 4, 2)),
            new Conv(2, 8, 5, 6, 16, 3, 3, new Conv2dSpec(1, 2, 1, 1, 1, 1, 8)),
            new Conv(2, 2, 0, 3, 3, 1, 2, new Conv2dSpec(1, 1, 1, 0, 1, 1, 1)),
            new Conv(2, 0, 3, 3, 2, 2, 2, Conv2dSpec.DEFAULT),
            new Conv(0, 2, 4, 4, 2, 3, 3, Conv2dSpec.of(1, 1)),
            new Conv(1, 1, 1, 2, 1, 1, 1, new Conv2dSpec(1 << 30, 1, 1 << 30, 0, 1, 1, 1)),
        };
        for (Conv conv : edges) {
            check(dtype, r, conv);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void largeBatches(DType dtype) {
        SplittableRandom r = random();
        check(dtype, r, new Conv(8, 16, 32, 32, 32, 3, 3, Conv2dSpec.of(1, 1)));
        check(dtype, r, new Conv(32, 32, 16, 16, 64, 3, 3, Conv2dSpec.of(2, 1)));
        check(dtype, r, new Conv(4096, 3, 8, 8, 2, 3, 3, Conv2dSpec.of(1, 1)));
        check(dtype, r, new Conv(8, 4, 65, 63, 4, 7, 5, new Conv2dSpec(2, 3, 3, 2, 2, 1, 2)));
    }

    /**
     * A float32 batch of 2³¹ − 128 input elements, where element indices come close to 2³¹: a centred delta
     * kernel (3 × 3, padding 1, two groups) gives the input back exactly, its transposed convolution gives the
     * gradient back exactly, and the weight gradient's centre taps are the input's sums of squares per channel
     * (compared with the GPU's own reduction: both add in double).
     */
    @Test
    void nearly2To31Elements() {
        int n = (1 << 24) - 1;
        Tensor x = new RandomStream(SEED).normal(Device.CUDA, DType.FLOAT32, n, 2, 8, 8);
        double[] delta = new double[18];
        delta[4] = 1;
        delta[13] = 1;
        Tensor w = Tensor.of(DType.FLOAT32, delta, 2, 1, 3, 3).to(Device.CUDA);
        Conv2dSpec spec = Conv2dSpec.of(1, 1).withGroups(2);
        int[] all = {0, 1, 2, 3};
        Tensor y = x.conv2d(w, spec);
        assertEquals(0.0, y.sub(x).abs().max(all, false).item(), label("conv2d with a delta kernel"));
        Tensor back = y.conv2dTranspose(w, spec, 8, 8);
        assertEquals(0.0, back.sub(y).abs().max(all, false).item(), label("conv2dTranspose with a delta kernel"));
        Tensor centres = x.conv2dWeightGrad(x, spec, 3, 3).select(3, 1).select(2, 1).select(1, 0);
        Tensor squares = x.square().sum(new int[] {0, 2, 3}, false);
        double tolerance = Accuracy.FLOAT32 + Accuracy.accumulated(DType.FLOAT64, 64L * n, 1);
        assertClose(label("conv2dWeightGrad centre taps"), centres, squares.to(Device.CPU).to(DType.FLOAT64),
                DType.FLOAT32, tolerance);
    }

    /** Random sizes and geometry (strides, paddings and dilations up to 3, up to 4 groups) whose output is not empty. */
    private static Conv randomConv(SplittableRandom r) {
        for (;;) {
            int groups = 1 + r.nextInt(4);
            Conv2dSpec spec = new Conv2dSpec(1 + r.nextInt(3), 1 + r.nextInt(3), r.nextInt(4), r.nextInt(4),
                    1 + r.nextInt(3), 1 + r.nextInt(3), groups);
            Conv conv = new Conv(1 + r.nextInt(5), groups * r.nextInt(5), 1 + r.nextInt(33), 1 + r.nextInt(33),
                    groups * (1 + r.nextInt(5)), 1 + r.nextInt(5), 1 + r.nextInt(5), spec);
            if (conv.ho() >= 1 && conv.wo() >= 1) {
                return conv;
            }
        }
    }

    /** The three ops of {@code conv} on CUDA against the CPU's float64 results, each operand in a random layout. */
    private void check(DType dtype, SplittableRandom r, Conv conv) {
        Conv2dSpec spec = conv.spec();
        Operand x = Operands.operand(r, dtype, new int[] {conv.n(), conv.c(), conv.h(), conv.w()}, Layout.any(r),
                Operands.normal(r, 1));
        Operand w = Operands.operand(r, dtype, new int[] {conv.o(), conv.c() / spec.groups(), conv.kh(), conv.kw()},
                Layout.any(r), Operands.normal(r, 1));
        Operand g = Operands.operand(r, dtype, new int[] {conv.n(), conv.o(), conv.ho(), conv.wo()}, Layout.any(r),
                Operands.normal(r, 1));
        Tensor ax = x.reference().abs();
        Tensor aw = w.reference().abs();
        Tensor ag = g.reference().abs();

        Tensor y = x.reference().conv2d(w.reference(), spec);
        assertClose(label("conv2d, " + conv), x.cuda().conv2d(w.cuda(), spec), y, dtype,
                Accuracy.accumulated(dtype, (long) conv.c() / spec.groups() * conv.kh() * conv.kw(),
                        Accuracy.condition(ax.conv2d(aw, spec), y)));

        Tensor dx = g.reference().conv2dTranspose(w.reference(), spec, conv.h(), conv.w());
        assertClose(label("conv2dTranspose, " + conv), g.cuda().conv2dTranspose(w.cuda(), spec, conv.h(), conv.w()), dx,
                dtype, Accuracy.accumulated(dtype, (long) conv.o() / spec.groups() * conv.kh() * conv.kw(),
                        Accuracy.condition(ag.conv2dTranspose(aw, spec, conv.h(), conv.w()), dx)));

        Tensor dw = x.reference().conv2dWeightGrad(g.reference(), spec, conv.kh(), conv.kw());
        assertClose(label("conv2dWeightGrad, " + conv),
                x.cuda().conv2dWeightGrad(g.cuda(), spec, conv.kh(), conv.kw()), dw, dtype,
                Accuracy.accumulated(dtype, (long) conv.n() * conv.ho() * conv.wo(),
                        Accuracy.condition(ax.conv2dWeightGrad(ag, spec, conv.kh(), conv.kw()), dw)));
    }
}
