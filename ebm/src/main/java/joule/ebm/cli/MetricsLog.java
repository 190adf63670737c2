package joule.ebm.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import joule.ebm.io.AtomicFiles;
import joule.ebm.io.Json;
import joule.ebm.train.Trainer;

/**
 * {@code metrics.jsonl}: one JSON object per line, each written whole and flushed, and the same for every run of
 * the same command (no clock in it). Step lines: {@code {"type": "step", "step", "loss", "lr", "grad_norm"}};
 * evaluation lines: {@code {"type": "eval", "step"}} plus each metric ({@code mmd2}, {@code energy_distance}).
 * The clock goes to {@code times.jsonl}: {@code {"step", "seconds"}} beside each step line, seconds since the
 * start of the process that ran the step.
 */
final class MetricsLog implements AutoCloseable {
    private final Path file;
    private final BufferedWriter out;
    private final Path timesFile;
    private final BufferedWriter times;

    private MetricsLog(Path file, BufferedWriter out, Path timesFile, BufferedWriter times) {
        this.file = file;
        this.out = out;
        this.timesFile = timesFile;
        this.times = times;
    }

    /** Starts {@code metrics} and {@code times} empty. */
    static MetricsLog create(Path metrics, Path times) {
        return open(metrics, times, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * Continues the logs of a run resumed after {@code step}: the metrics lines of later steps (written before
     * the run stopped, after its last checkpoint) are dropped, so the file reads as that of a run never stopped.
     */
    static MetricsLog resume(Path metrics, Path times, int step) {
        List<String> kept = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && Json.parseObject(line).get("step") instanceof Long s && s <= step) {
                    kept.add(line + "\n");
                }
            }
            AtomicFiles.write(metrics, String.join("", kept).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            // a run killed before its first line: start the file
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException("can't continue " + metrics + ": " + e.getMessage());
        }
        return open(metrics, times, StandardOpenOption.APPEND);
    }

    private static MetricsLog open(Path metrics, Path times, StandardOpenOption mode) {
        BufferedWriter m = writer(metrics, mode);
        return new MetricsLog(metrics, m, times, writer(times, mode));
    }

    private static BufferedWriter writer(Path file, StandardOpenOption mode) {
        try {
            return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, mode);
        } catch (IOException e) {
            throw new CliException("can't write " + file + ": " + CliException.reason(e));
        }
    }

    void step(Trainer.StepRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "step");
        m.put("step", r.step());
        m.put("loss", r.loss());
        m.put("lr", r.learningRate());
        m.put("grad_norm", r.gradNorm());
        write(out, file, m);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("step", r.step());
        t.put("seconds", r.seconds());
        write(times, timesFile, t);
    }

    void evaluation(Trainer.Evaluation e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "eval");
        m.put("step", e.step());
        m.putAll(e.metrics());
        write(out, file, m);
    }

    private static void write(BufferedWriter to, Path file, Map<String, Object> line) {
        try {
            to.write(Json.write(line, 0, 0));
            to.newLine();
            to.flush();
        } catch (IOException e) {
            throw new CliException("can't write " + file + ": " + CliException.reason(e));
        }
    }

    @Override
    public void close() {
        try {
            out.close();
            times.close();
        } catch (IOException e) {
            throw new CliException("can't write " + file + ": " + CliException.reason(e));
        }
    }
}
