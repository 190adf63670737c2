package joule.ebm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import joule.ebm.cli.Joule;
import joule.tensor.Backends;
import joule.tensor.Device;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * With the real CUDA provider on the class path but no usable GPU, {@code --device cuda} is a
 * one-line error (exit code 2) that says why, and nothing is written. Skipped where CUDA works.
 */
class CudaUnavailableCliTest {
    private String reason;

    @BeforeEach
    void requireNoCuda() {
        try {
            Backends.of(Device.CUDA);
        } catch (IllegalStateException e) {
            reason = e.getMessage();
        }
        assumeFalse(reason == null, "CUDA is available here");
    }

    @Test
    void everyCommandSaysWhyCudaCantBeUsed(@TempDir Path dir) {
        Path out = dir.resolve("out");
        for (String[] args : new String[][] {{"train", "--device", "cuda", "--out", out.toString()},
            {"bench", "--device", "cuda"}}) {
            StringWriter err = new StringWriter();
            CommandLine cl = Joule.commandLine();
            cl.setOut(new PrintWriter(new StringWriter(), true));
            cl.setErr(new PrintWriter(err, true));
            assertEquals(2, cl.execute(args), err::toString);
            assertEquals(1, err.toString().lines().count(), err::toString);
            assertTrue(err.toString().startsWith("joule " + args[0] + ": --device cuda is not available: "
                    + reason.lines().findFirst().orElseThrow()), err::toString);
        }
        assertFalse(Files.exists(out));
    }
}
