package joule.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import joule.tensor.random.Distribution;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code random} on CUDA gives the CPU backend's Philox numbers for the same seed and offset
 * ({@link joule.tensor.random.PhiloxSampler}): uniform and Rademacher bit for bit; normal ones
 * (Box–Muller through log, sin and cos, which neither side rounds correctly) within one float32
 * ulp, or 1e-14 in float64 (values of size about 1).
 */
class RandomOnCudaTest extends CudaTest {
    static Stream<Arguments> distributions() {
        return withEachDType((Object[]) Distribution.values());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("distributions")
    void philoxStreamsMatchTheCpu(Distribution distribution, DType dtype) {
        SplittableRandom r = random();
        for (int trial = 0; trial < 20; trial++) {
            int[] shape = trial == 0 ? new int[] {(1 << 22) + 3} : Operands.shape(r, 3, 100_000);
            long seed = r.nextLong();
            long offset = r.nextBoolean() ? r.nextLong(1L << 40) : r.nextInt(8);
            Tensor onCuda = cuda().random(distribution, dtype, shape, seed, offset);
            Tensor onCpu = cpu().random(distribution, dtype, shape, seed, offset);
            String what = label(distribution + " " + dtype + " " + Shapes.format(shape) + ", seed " + seed + ", offset "
                    + offset);
            assertEquals(Device.CUDA, onCuda.device(), what);
            assertArrayEquals(shape, onCuda.shape(), what);
            double[] got = onCuda.toDoubleArray();
            double[] expected = onCpu.toDoubleArray();
            if (distribution != Distribution.NORMAL) {
                assertArrayEquals(expected, got, what);
                continue;
            }
            for (int i = 0; i < got.length; i++) {
                double allowed = dtype == DType.FLOAT32 ? Math.ulp((float) expected[i]) : 1e-14;
                if (!(Math.abs(got[i] - expected[i]) <= allowed)) {
                    fail(what + ": element " + i + " is " + got[i] + ", the CPU's " + expected[i]);
                }
            }
        }
    }
}
