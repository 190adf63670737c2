package joule.ebm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code joule train} in separate JVMs (forked {@code java} processes on the test class path), as a user runs it:
 * the same command gives the same bytes on any thread count, and a run killed with SIGKILL and resumed ends with
 * the bytes of a run never interrupted.
 */
class ReproducibleRunsTest {
    /** Every file of a finished run; times.jsonl (the clock) is the only one left out. */
    private static final List<String> FILES = List.of("model.safetensors", "train-state.safetensors", "config.json",
            "metrics.jsonl", "loss.png", "energy.png");
    private static final List<String> TRAIN = List.of("train", "--steps", "40", "--hidden", "8", "--batch-size", "32",
            "--train-size", "500", "--eval-every", "20", "--eval-samples", "50", "--sampler-steps", "10",
            "--checkpoint-every", "5");

    @TempDir
    static Path dir;

    /** The reference run, one thread. */
    static Path reference;

    @BeforeAll
    static void trainTheReference() throws Exception {
        reference = dir.resolve("one-thread");
        assertEquals(0, exitCode(joule(1, args(reference))), "reference run");
    }

    @Test
    void twoThreadsGiveTheBytesOfOne() throws Exception {
        Path two = dir.resolve("two-threads");
        assertEquals(0, exitCode(joule(2, args(two))));
        assertSameFiles(two);
    }

    @Test
    void aRunKilledAndResumedEndsWithTheBytesOfOneNeverInterrupted() throws Exception {
        Path killed = dir.resolve("killed");
        Process p = joule(2, args(killed));
        Path state = killed.resolve(RunFiles.STATE);
        while (!Files.exists(state) && p.isAlive()) {
            Thread.sleep(2);
        }
        assertTrue(p.isAlive(), "the run should still be under way at its first checkpoint");
        p.destroyForcibly();    // SIGKILL
        p.waitFor();
        List<String> resume = List.of("train", "--resume", killed.toString());
        assertEquals(0, exitCode(joule(1, resume)), "resumed run");
        assertSameFiles(killed);
    }

    /** The exit code of {@code p}, killed if it hasn't ended within a few minutes. */
    private static int exitCode(Process p) throws InterruptedException {
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("joule train ran for more than 5 minutes");
        }
        return p.exitValue();
    }

    private static void assertSameFiles(Path run) throws IOException {
        for (String f : FILES) {
            assertArrayEquals(Files.readAllBytes(reference.resolve(f)), Files.readAllBytes(run.resolve(f)), f);
        }
    }

    private static List<String> args(Path out) {
        List<String> a = new ArrayList<>(TRAIN);
        a.addAll(List.of("--out", out.toString()));
        return a;
    }

    /** Starts {@code joule args} in a fresh JVM with {@code threads} kernel threads; its output goes to a log file beside. */
    private static Process joule(int threads, List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "-Djoule.threads=" + threads, "-cp", System.getProperty("java.class.path"), Joule.class.getName()));
        command.addAll(args);
        Path log = Files.createTempFile(dir, "joule-", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.onExit().thenRun(() -> {
            if (p.exitValue() != 0 && p.exitValue() != 137) {
                System.err.println(command + " exited with " + p.exitValue() + ":\n" + read(log));
            }
        });
        return p;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
