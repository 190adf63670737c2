package joule.tensor.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PhiloxSamplerTest {
    private static final int N = 1 << 20;
    private static final long SEED = 0x0123_4567_89AB_CDEFL;

    /** The stream as the class Javadoc defines it, element by element, written independently of the sampler. */
    private static double reference(Distribution d, boolean float64, long seed, long offset, long i) {
        int e = d == Distribution.RADEMACHER || !float64 ? 4 : 2;
        long c = offset + i / e;
        int lane = (int) (i % e);
        int[] w = new int[4];
        Philox4x32.block((int) c, (int) (c >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), w, 0);
        long[] u = new long[4];
        for (int k = 0; k < 4; k++) {
            u[k] = Integer.toUnsignedLong(w[k]);
        }
        switch (d) {
            case RADEMACHER:
                return u[lane] >= 1L << 31 ? -1 : 1;
            case UNIFORM:
                return float64
                        ? Math.scalb((double) ((u[2 * lane + 1] << 21) + (u[2 * lane] >> 11)), -53)
                        : Math.scalb((double) (u[lane] >> 8), -24);
            default:
                int p = lane & ~1;
                double a = float64 ? Math.scalb((double) ((u[1] << 21) + (u[0] >> 11) + 1), -53)
                        : Math.scalb((double) (u[p] + 1), -32);
                double b = float64 ? Math.scalb((double) ((u[3] << 21) + (u[2] >> 11) + 1), -53)
                        : Math.scalb((double) (u[p + 1] + 1), -32);
                double r = StrictMath.sqrt(-2 * StrictMath.log(a));
                double z = (lane & 1) == 0 ? r * StrictMath.cos(6.283185307179586 * b)
                        : r * StrictMath.sin(6.283185307179586 * b);
                return float64 ? z : (float) z;
        }
    }

    private static double[] sample(Distribution d, boolean float64, long seed, long offset, long first, int n) {
        double[] out = new double[n];
        if (float64) {
            PhiloxSampler.fill(d, seed, offset, first, out, 0, n);
        } else {
            float[] f = new float[n];
            PhiloxSampler.fill(d, seed, offset, first, f, 0, n);
            for (int i = 0; i < n; i++) {
                out[i] = f[i];
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(Distribution.class)
    void followsTheDocumentedRule(Distribution d) {
        // Offsets where the counter's low word carries into the high word, and where the 64-bit sum wraps.
        long[] offsets = {0, 0xFFFF_FFFEL, -3};
        long[] firsts = {0, 1, 5, 0x1_0000_0003L};
        for (boolean float64 : new boolean[] {false, true}) {
            for (long offset : offsets) {
                for (long first : firsts) {
                    double[] got = sample(d, float64, SEED, offset, first, 37);
                    for (int j = 0; j < got.length; j++) {
                        assertEquals(reference(d, float64, SEED, offset, first + j), got[j],
                                d + (float64 ? " float64" : " float32") + " offset " + offset + " element " + (first + j));
                    }
                }
            }
        }
    }

    /** Fixed values of the stream (SEED, offset 7), for the GPU kernel's tests to match. */
    @Test
    void goldenValues() {
        float[] f = new float[4];
        double[] g = new double[4];
        PhiloxSampler.fill(Distribution.UNIFORM, SEED, 7, 0, f, 0, 4);
        assertArrayEquals(new float[] {0x1.1d2932p-1f, 0x1.71215p-1f, 0x1.bdf0ap-1f, 0x1.54ade8p-2f}, f);
        PhiloxSampler.fill(Distribution.NORMAL, SEED, 7, 0, f, 0, 4);
        assertArrayEquals(new float[] {-0x1.92180ap-3f, -0x1.105f2ep0f, -0x1.0b3f32p-2f, 0x1.d3346cp-2f}, f);
        PhiloxSampler.fill(Distribution.RADEMACHER, SEED, 7, 0, f, 0, 4);
        assertArrayEquals(new float[] {-1, -1, -1, 1}, f);
        PhiloxSampler.fill(Distribution.UNIFORM, SEED, 7, 0, g, 0, 2);
        assertArrayEquals(new double[] {0x1.712150631d293p-1, 0x1.54adea437be14p-2}, Arrays.copyOf(g, 2));
        PhiloxSampler.fill(Distribution.NORMAL, SEED, 7, 0, g, 0, 2);
        assertArrayEquals(new double[] {-0x1.9b48ed9d3aae5p-2, 0x1.6781cd7f52b9fp-1}, Arrays.copyOf(g, 2));
    }

    @ParameterizedTest
    @EnumSource(Distribution.class)
    void sameNumbersForAnyThreadCount(Distribution d) {
        int n = 100_003;
        int chunk = 997;
        float[] serial = new float[n];
        PhiloxSampler.fill(d, SEED, 11, 3, serial, 0, n);
        float[] parallel = new float[n];
        IntStream.range(0, (n + chunk - 1) / chunk).parallel().forEach(t -> {
            int from = t * chunk;
            PhiloxSampler.fill(d, SEED, 11, 3 + from, parallel, from, Math.min(chunk, n - from));
        });
        assertArrayEquals(serial, parallel);
    }

    @Test
    void uniformIsUniformOnZeroOne() {
        for (boolean float64 : new boolean[] {false, true}) {
            double[] x = sample(Distribution.UNIFORM, float64, SEED, 0, 0, N);
            for (double v : x) {
                assertTrue(v >= 0 && v < 1, "uniform value " + v + " outside [0, 1)");
            }
            assertMoments(x, 0.5, 1.0 / 12, 1.0 / 80);
            Arrays.sort(x);
            double ks = 0;
            for (int i = 0; i < N; i++) {
                ks = Math.max(ks, Math.max((i + 1.0) / N - x[i], x[i] - (double) i / N));
            }
            assertTrue(ks < 1.95 / Math.sqrt(N), "Kolmogorov–Smirnov D = " + ks + " (p < 0.001 above 1.95/√N)");
        }
    }

    @Test
    void uniformUsesItsDtypesBits() {
        double[] x32 = sample(Distribution.UNIFORM, false, SEED, 0, 0, 1000);
        double[] x64 = sample(Distribution.UNIFORM, true, SEED, 0, 0, 1000);
        long fineFloat64 = Arrays.stream(x64).filter(v -> v * 0x1p32 != Math.floor(v * 0x1p32)).count();
        for (double v : x32) {
            assertEquals(Math.floor(v * 0x1p24), v * 0x1p24, "float32 uniform " + v + " is off the 2⁻²⁴ grid");
        }
        assertTrue(fineFloat64 > 990, "only " + fineFloat64 + " of 1000 float64 uniforms use bits below 2⁻³²");
    }

    @Test
    void normalIsStandardNormal() {
        double[] z = {-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3};
        double[] cdf = {0.0013498980316301035, 0.02275013194817921, 0.15865525393145707, 0.3085375387259869, 0.5,
                        0.6914624612740131, 0.8413447460685429, 0.9772498680518208, 0.9986501019683699};
        for (boolean float64 : new boolean[] {false, true}) {
            double[] x = sample(Distribution.NORMAL, float64, SEED, 0, 0, N);
            assertMoments(x, 0, 1, 3);
            double lag1 = 0;
            for (int i = 1; i < N; i++) {
                lag1 += x[i - 1] * x[i];
            }
            assertTrue(Math.abs(lag1 / N) < 5 / Math.sqrt(N), "lag-1 correlation " + lag1 / N);
            Arrays.sort(x);
            for (int k = 0; k < z.length; k++) {
                double below = lowerBound(x, z[k]) / (double) N;
                double se = Math.sqrt(cdf[k] * (1 - cdf[k]) / N);
                assertEquals(cdf[k], below, 5 * se, "fraction below " + z[k]);
            }
        }
    }

    @Test
    void rademacherIsBalancedSigns() {
        for (boolean float64 : new boolean[] {false, true}) {
            double[] x = sample(Distribution.RADEMACHER, float64, SEED, 0, 0, N);
            double sum = 0;
            double lag1 = 0;
            for (int i = 0; i < N; i++) {
                assertTrue(x[i] == 1 || x[i] == -1, "Rademacher value " + x[i]);
                sum += x[i];
                lag1 += i > 0 ? x[i - 1] * x[i] : 0;
            }
            assertTrue(Math.abs(sum) < 5 * Math.sqrt(N), "sum of " + N + " signs is " + sum);
            assertTrue(Math.abs(lag1) < 5 * Math.sqrt(N), "sum of neighbour products is " + lag1);
        }
        assertArrayEquals(sample(Distribution.RADEMACHER, false, SEED, 9, 2, 50),
                sample(Distribution.RADEMACHER, true, SEED, 9, 2, 50), "Rademacher is the same for both dtypes");
    }

    @ParameterizedTest
    @EnumSource(Distribution.class)
    void seedsAndOffsetsGiveDifferentStreams(Distribution d) {
        for (boolean float64 : new boolean[] {false, true}) {
            double[] base = sample(d, float64, SEED, 0, 0, 256);
            assertFalse(Arrays.equals(base, sample(d, float64, SEED ^ 1, 0, 0, 256)), "low seed word");
            assertFalse(Arrays.equals(base, sample(d, float64, SEED ^ 1L << 32, 0, 0, 256)), "high seed word");
            assertFalse(Arrays.equals(base, sample(d, float64, SEED, 1, 0, 256)), "offset");
            assertFalse(Arrays.equals(base, sample(d, float64, SEED, 1L << 32, 0, 256)), "offset's high word");
        }
    }

    @ParameterizedTest
    @EnumSource(Distribution.class)
    void advancingTheOffsetContinuesTheStream(Distribution d) {
        for (boolean float64 : new boolean[] {false, true}) {
            int e = float64 && d != Distribution.RADEMACHER ? 2 : 4;
            for (int n : new int[] {0, 1, 2, 3, 4, 5, 7, 100}) {
                long next = 5 + PhiloxSampler.blocks(d, float64, n);
                long used = PhiloxSampler.blocks(d, float64, n) * e;
                assertArrayEquals(sample(d, float64, SEED, 5, used, 40), sample(d, float64, SEED, next, 0, 40),
                        d + " n = " + n);
                assertTrue(used >= n, "the next draw starts after the " + n + " elements drawn");
            }
        }
    }

    @Test
    void blocksIsElementsOverElementsPerBlockRoundedUp() {
        assertEquals(0, PhiloxSampler.blocks(Distribution.UNIFORM, false, 0));
        assertEquals(1, PhiloxSampler.blocks(Distribution.UNIFORM, false, 1));
        assertEquals(1, PhiloxSampler.blocks(Distribution.UNIFORM, false, 4));
        assertEquals(2, PhiloxSampler.blocks(Distribution.UNIFORM, false, 5));
        assertEquals(2, PhiloxSampler.blocks(Distribution.UNIFORM, true, 3));
        assertEquals(2, PhiloxSampler.blocks(Distribution.UNIFORM, true, 4));
        assertEquals(3, PhiloxSampler.blocks(Distribution.NORMAL, false, 9));
        assertEquals(5, PhiloxSampler.blocks(Distribution.NORMAL, true, 9));
        assertEquals(3, PhiloxSampler.blocks(Distribution.RADEMACHER, true, 9));
        assertEquals(3, PhiloxSampler.blocks(Distribution.RADEMACHER, false, 9));
        assertEquals(Long.MAX_VALUE / 2 + 1, PhiloxSampler.blocks(Distribution.NORMAL, true, Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE / 4 + 1, PhiloxSampler.blocks(Distribution.UNIFORM, false, Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> PhiloxSampler.blocks(Distribution.NORMAL, true, -1));
    }

    @Test
    void fillWritesOnlyItsRangeAndChecksArguments() {
        double[] out = new double[10];
        Arrays.fill(out, 42);
        PhiloxSampler.fill(Distribution.NORMAL, SEED, 0, 1, out, 3, 5);
        PhiloxSampler.fill(Distribution.NORMAL, SEED, 0, 1, out, 10, 0);
        for (int i : new int[] {0, 1, 2, 8, 9}) {
            assertEquals(42, out[i]);
        }
        assertArrayEquals(sample(Distribution.NORMAL, true, SEED, 0, 1, 5), Arrays.copyOfRange(out, 3, 8));
        float[] f = new float[4];
        assertThrows(IndexOutOfBoundsException.class, () -> PhiloxSampler.fill(Distribution.UNIFORM, 1, 0, 0, f, 1, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> PhiloxSampler.fill(Distribution.UNIFORM, 1, 0, 0, f, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> PhiloxSampler.fill(Distribution.UNIFORM, 1, 0, -1, f, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> PhiloxSampler.fill(Distribution.UNIFORM, 1, 0, 0, f, 0, -1));
        assertThrows(IllegalArgumentException.class,
                () -> PhiloxSampler.fill(Distribution.UNIFORM, 1, 0, Long.MAX_VALUE, f, 0, 2));
    }

    /** Mean and variance within 5 standard errors, given the distribution's mean, variance and fourth central moment. */
    private static void assertMoments(double[] x, double mean, double variance, double fourthMoment) {
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        double m = sum / x.length;
        double ss = 0;
        for (double v : x) {
            ss += (v - m) * (v - m);
        }
        double var = ss / (x.length - 1);
        assertEquals(mean, m, 5 * Math.sqrt(variance / x.length), "mean");
        assertEquals(variance, var, 5 * Math.sqrt((fourthMoment - variance * variance) / x.length), "variance");
    }

    private static int lowerBound(double[] sorted, double z) {
        int i = Arrays.binarySearch(sorted, z);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && sorted[i - 1] == z) {
            i--;
        }
        return i;
    }
}
