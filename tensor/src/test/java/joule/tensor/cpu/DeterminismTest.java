package joule.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "-Djoule.threads=" + threads, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                DeterminismProbe.class.getName()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "forked JVM timed out");
        assertEquals(0, p.exitValue(), () -> "forked JVM failed:\n" + output);
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("WARNING")) {
                out.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return out;
    }
}
