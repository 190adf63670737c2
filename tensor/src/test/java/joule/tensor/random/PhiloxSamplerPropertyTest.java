package joule.tensor.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** Any split of a range into chunks gives the same numbers, the basis of thread-count independence. */
class PhiloxSamplerPropertyTest {
    @Property(tries = 500)
    void chunkedFillsEqualOneFill(@ForAll Distribution d, @ForAll long seed, @ForAll long offset,
                                  @ForAll @LongRange(min = 0, max = 1L << 40) long first,
                                  @ForAll @IntRange(max = 300) int n,
                                  @ForAll @Size(max = 8) List<@IntRange(max = 300) Integer> cuts) {
        int[] ends = IntStream.concat(cuts.stream().mapToInt(c -> Math.min(c, n)), IntStream.of(n)).sorted().toArray();
        float[] whole32 = new float[n];
        double[] whole64 = new double[n];
        PhiloxSampler.fill(d, seed, offset, first, whole32, 0, n);
        PhiloxSampler.fill(d, seed, offset, first, whole64, 0, n);
        float[] chunked32 = new float[n];
        double[] chunked64 = new double[n];
        int from = 0;
        for (int to : ends) {
            PhiloxSampler.fill(d, seed, offset, first + from, chunked32, from, to - from);
            PhiloxSampler.fill(d, seed, offset, first + from, chunked64, from, to - from);
            from = to;
        }
        String where = d + ", chunks ending at " + Arrays.toString(ends);
        assertArrayEquals(whole32, chunked32, where);
        assertArrayEquals(whole64, chunked64, where);
    }
}
