package joule.ebm.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The files {@code joule train} writes into its output folder, and what it does with those of an earlier run:
 * refuses to mix runs (unless told to delete the earlier one), and removes temporary files that a killed write
 * left behind ({@code .<name>.<hex>.tmp}, see {@link joule.ebm.io.AtomicFiles}).
 */
final class RunFiles {
    static final String MODEL = "model.safetensors";
    static final String STATE = "train-state.safetensors";
    static final String CONFIG = "config.json";
    static final String METRICS = "metrics.jsonl";
    static final String TIMES = "times.jsonl";
    private static final Pattern RUN_FILE = Pattern.compile(
            "model\\.safetensors|train-state\\.safetensors|config\\.json|metrics\\.jsonl|times\\.jsonl|loss\\.png"
                    + "|energy\\.png|samples\\.png|samples\\.csv|samples-\\d+\\.png");
    private static final Pattern ORPHAN = Pattern.compile("\\.(.+)\\.[0-9a-f]+\\.tmp");

    private RunFiles() {
    }

    /**
     * Checks that {@code dir} holds no earlier run, or with {@code overwrite} deletes that run's files (only
     * those: other files stay), and removes orphaned temporary files.
     */
    static void startFresh(Path dir, boolean overwrite) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> earlier = list(dir, RUN_FILE);
        if (!earlier.isEmpty() && !overwrite) {
            throw new CliException(dir + " holds an earlier run (" + String.join(", ", earlier.stream()
                    .map(p -> p.getFileName().toString()).sorted().toList()) + "): --overwrite replaces it, --resume "
                    + dir + " continues it");
        }
        delete(earlier);
        removeOrphans(dir);
    }

    /** Deletes the temporary files of run files in {@code dir} that a killed write left behind. */
    static void removeOrphans(Path dir) {
        delete(list(dir, ORPHAN).stream().filter(p -> {
            var m = ORPHAN.matcher(p.getFileName().toString());
            return m.matches() && RUN_FILE.matcher(m.group(1)).matches();
        }).toList());
    }

    private static List<Path> list(Path dir, Pattern names) {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                if (names.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) {
                    found.add(p);
                }
            }
        } catch (IOException e) {
            throw new CliException("can't read the output folder " + dir + ": " + CliException.reason(e));
        }
        return found;
    }

    private static void delete(List<Path> files) {
        for (Path p : files) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new CliException("can't delete " + p + ": " + CliException.reason(e));
            }
        }
    }
}
