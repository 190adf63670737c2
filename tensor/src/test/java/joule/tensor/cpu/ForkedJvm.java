package joule.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a probe's main class in a fresh JVM (this JVM's java and class path, the Vector API module, the
 * given JVM options and program arguments) and returns its output. The probes print one line
 * {@code name=digest} per case; {@link #digests(String)} collects them.
 */
final class ForkedJvm {
    private ForkedJvm() {
    }

    /** The forked JVM's standard output and error; fails the test if it runs past the timeout or exits non-zero. */
    static String run(Class<?> main, List<String> jvmOptions, List<String> args, int timeoutSeconds)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        // read while it runs, so that a full pipe can't block it
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("forked JVM " + jvmOptions + " timed out after " + timeoutSeconds + " s:\n" + output.join());
        }
        String text = output.join();
        assertEquals(0, p.exitValue(), () -> "forked JVM " + jvmOptions + " failed:\n" + text);
        return text;
    }

    /** The {@code name=digest} lines of a probe's output, in order. */
    static Map<String, String> digests(String output) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("WARNING") && !line.startsWith(" ")) {
                out.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return out;
    }
}
