package joule.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ptxas, run over the committed PTX for sm_90, reports no register spills and no local memory (stack frame) in any
 * function: kernels keep their arrays in registers and shared memory.
 */
class PtxResourceUsageTest {
    private static final Pattern ENTRY = Pattern.compile("Compiling entry function '(\\w+)'");
    private static final Pattern FUNCTION = Pattern.compile("Function properties for (\\w+)");
    private static final Pattern USAGE =
            Pattern.compile("(\\d+) bytes stack frame, (\\d+) bytes spill stores, (\\d+) bytes spill loads");
    private static final Pattern REGISTERS = Pattern.compile("Used (\\d+) registers");

    @Test
    void noKernelSpillsOrUsesLocalMemory(@TempDir Path tmp) throws IOException, InterruptedException {
        Optional<Path> ptxas = ptxas();
        assumeTrue(ptxas.isPresent(), "ptxas is not installed (not on PATH, nor /usr/local/cuda/bin)");
        Process p = new ProcessBuilder(ptxas.get().toString(), "-arch=sm_90", "-v",
                ModuleFiles.root().resolve("src/main/resources/joule/cuda/joule.ptx").toString(),
                "-o", tmp.resolve("joule.cubin").toString()).redirectErrorStream(true).start();
        String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "ptxas failed:\n" + report);

        List<String> offenders = new ArrayList<>();
        Map<String, Integer> registers = new TreeMap<>();
        String function = null;
        String entry = null;
        for (String line : report.split("\n")) {
            Matcher m;
            if ((m = ENTRY.matcher(line)).find()) {
                entry = m.group(1);
            } else if ((m = FUNCTION.matcher(line)).find()) {
                function = m.group(1);
            } else if ((m = USAGE.matcher(line)).find()) {
                if (!m.group(1).equals("0") || !m.group(2).equals("0") || !m.group(3).equals("0")) {
                    offenders.add(function + ": " + line.trim());
                }
            } else if ((m = REGISTERS.matcher(line)).find() && entry != null) {
                registers.put(entry, Integer.parseInt(m.group(1)));
                entry = null;
            }
        }
        assertEquals(Arrays.stream(Kernel.values()).map(Kernel::entry).sorted().toList(),
                List.copyOf(registers.keySet()), "ptxas reported on these kernels:\n" + report);
        assertTrue(offenders.isEmpty(), "spills or local memory in:\n" + String.join("\n", offenders));
        registers.forEach((k, r) -> System.out.printf("%-24s %3d registers%n", k, r));
    }

    private static Optional<Path> ptxas() {
        Stream<Path> onPath = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(s -> !s.isEmpty()).map(s -> Path.of(s, "ptxas"));
        return Stream.concat(onPath, Stream.of(Path.of("/usr/local/cuda/bin/ptxas"))).filter(Files::isExecutable)
                .findFirst();
    }
}
