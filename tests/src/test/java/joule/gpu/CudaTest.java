package joule.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import joule.tensor.Backend;
import joule.tensor.Backends;
import joule.tensor.DType;
import joule.tensor.Device;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Base of the GPU tests. Each test is skipped, with the reason, unless {@link Device#CUDA} has a
 * working backend here (the real one, from joule-cuda-kernels), and fails unless the JVM runs with
 * {@code -Djoule.cuda.poison=true}, so that outputs a kernel forgot to write are NaN and fail.
 *
 * <p>Inputs are fresh random numbers on every run, from {@link #SEED} ({@code -Djoule.gpu.seed=N}
 * repeats a run; every failure message names the seed) and the test's name.
 */
abstract class CudaTest {
    /** Why CUDA can't be used here, or null when it can (the backend starts once, here). */
    private static final String UNAVAILABLE = start();

    /** The seed of this run's inputs. */
    static final long SEED = Long.getLong("joule.gpu.seed", System.nanoTime());

    private static String start() {
        try {
            Backends.of(Device.CUDA);
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    private SplittableRandom random;
    private String name;

    @BeforeEach
    final void requireCuda(TestInfo info) {
        assumeTrue(UNAVAILABLE == null, () -> "no usable CUDA device: " + UNAVAILABLE);
        assertTrue(Boolean.getBoolean("joule.cuda.poison"), "GPU tests need -Djoule.cuda.poison=true (fresh outputs "
                + "filled with NaN, so that elements a kernel does not write show up)");
        name = info.getDisplayName();
        String test = info.getTestClass().map(Class::getName).orElse("") + info.getTestMethod().map(m -> m.getName())
                .orElse("") + name;
        random = new SplittableRandom(SEED ^ test.hashCode() * 0x9E3779B97F4A7C15L);
    }

    /** Arguments {@code (value, dtype)} for each of {@code values} with each dtype, for parameterized tests. */
    static Stream<Arguments> withEachDType(Object... values) {
        return Arrays.stream(values).flatMap(v -> Arrays.stream(DType.values()).map(d -> Arguments.of(v, d)));
    }

    /** The CUDA backend. */
    static Backend cuda() {
        return Backends.of(Device.CUDA);
    }

    /** The CPU backend, which computes the float64 references. */
    static Backend cpu() {
        return Backends.of(Device.CPU);
    }

    /** This test's random source. */
    final SplittableRandom random() {
        return random;
    }

    /** {@code what}, with the test and the seed that reproduces it. */
    final String label(String what) {
        return name + ", " + what + " (-Djoule.gpu.seed=" + SEED + ")";
    }
}
