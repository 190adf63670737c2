package joule.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Results are bit-identical for any thread count. The pool size is fixed per JVM
 * ({@code -Djoule.threads}, read once), so the same cases run here (on {@link Parallel#THREADS}
 * threads) and in fresh JVMs with 1 and with 5 threads, and their digests must agree: this
 * covers the task cut (elementwise blocks, reduction pieces combined in a fixed order, leading
 * axes in column tasks, matmul batches) and the random streams end to end.
 * {@link StridedLoopPropertiesTest} checks the loop's part in isolation on random shapes.
 */
class DeterminismTest {
    @Test
    void resultsAreTheSameOnOneThreadAndOnFive() throws Exception {
        Map<String, String> here = DeterminismProbe.results();
        Map<String, String> again = DeterminismProbe.results();
        assertEquals(here, again, "two runs in this JVM");
        for (int threads : new int[] {1, 5}) {
            Map<String, String> there = fork(threads);
            assertEquals(here.keySet(), there.keySet());
            for (String name : here.keySet()) {
                assertEquals(here.get(name), there.get(name),
                        name + ": " + Parallel.THREADS + " threads here vs " + threads + " in a forked JVM");
            }
        }
    }

    private static Map<String, String> fork(int threads) throws IOException, InterruptedException {
        return ForkedJvm.digests(ForkedJvm.run(DeterminismProbe.class,
                List.of("-Djoule.threads=" + threads, "-XX:+UseSerialGC"), List.of(), 120));
    }
}
