package joule.tensor.cpu;

import joule.tensor.Conv2dSpec;

/**
 * The reference 2-d convolution: direct loops over every (output pixel, kernel tap) pair, summed in
 * float64, in a fixed order. It is the scalar twin the fast convolution kernels ({@link GemmConv}) are tested
 * against, and what the scalar kernels run ({@code -Djoule.cpu.kernels=scalar}, {@link CpuBackend#withScalarKernels}). Arrays are contiguous NCHW inputs, {@code [O, C/G, kh, kw]}
 * weights and NCHW outputs, as doubles.
 */
final class DirectConv {
    /** One multiply of the convolution: input element {@code xi}, weight element {@code wi}, output element {@code yi}. */
    @FunctionalInterface
    private interface Tap {
        void at(int xi, int wi, int yi);
    }

    private final ConvGeometry geo;

    /** The convolution of {@code geo}. */
    DirectConv(ConvGeometry geo) {
        this.geo = geo;
    }

    /** Calls {@code tap} for every product, in the order: image, output channel, output pixel, input channel, tap. */
    private void forEachTap(Tap tap) {
        int n = geo.n;
        int c = geo.c;
        int h = geo.h;
        int w = geo.w;
        int o = geo.o;
        int kh = geo.kh;
        int kw = geo.kw;
        int ho = geo.ho;
        int wo = geo.wo;
        int cg = geo.cg;
        int og = geo.og;
        Conv2dSpec spec = geo.spec;
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                int c0 = oc / og * cg;
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        int yi = ((b * o + oc) * ho + i) * wo + j;
                        for (int ci = 0; ci < cg; ci++) {
                            for (int p = 0; p < kh; p++) {
                                int r = i * spec.strideH() - spec.padH() + p * spec.dilationH();
                                if (r < 0 || r >= h) {
                                    continue;
                                }
                                for (int q = 0; q < kw; q++) {
                                    int s = j * spec.strideW() - spec.padW() + q * spec.dilationW();
                                    if (s >= 0 && s < w) {
                                        tap.at(((b * c + c0 + ci) * h + r) * w + s, ((oc * cg + ci) * kh + p) * kw + q, yi);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** The convolution output {@code [n, o, ho, wo]}. */
    double[] forward(double[] x, double[] weight) {
        double[] y = new double[geo.n * geo.o * geo.pixels];
        forEachTap((xi, wi, yi) -> y[yi] += x[xi] * weight[wi]);
        return y;
    }

    /** The transposed convolution of {@code g [n, o, ho, wo]}: {@code [n, c, h, w]}. */
    double[] transpose(double[] g, double[] weight) {
        double[] x = new double[geo.n * geo.c * geo.h * geo.w];
        forEachTap((xi, wi, yi) -> x[xi] += g[yi] * weight[wi]);
        return x;
    }

    /** The weight gradient {@code [o, c/G, kh, kw]} from the input and the output's gradient. */
    double[] weightGrad(double[] x, double[] g) {
        double[] dw = new double[geo.o * geo.rows];
        forEachTap((xi, wi, yi) -> dw[wi] += g[yi] * x[xi]);
        return dw;
    }
}
