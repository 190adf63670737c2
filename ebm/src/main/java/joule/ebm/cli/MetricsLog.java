package joule.ebm.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import joule.ebm.io.Json;
import joule.ebm.train.Trainer;

/**
 * {@code metrics.jsonl}: one JSON object per line, each written whole and flushed.
 * Step lines: {@code {"type": "step", "step", "loss", "lr", "grad_norm", "seconds"}}; evaluation
 * lines: {@code {"type": "eval", "step", "seconds"}} plus each metric ({@code mmd2}, {@code energy_distance}).
 */
final class MetricsLog implements AutoCloseable {
    private final Path file;
    private final BufferedWriter out;

    private MetricsLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /** Starts {@code file} empty. */
    static MetricsLog create(Path file) {
        try {
            return new MetricsLog(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8));
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
        m.put("seconds", r.seconds());
        write(m);
    }

    void evaluation(Trainer.Evaluation e, double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "eval");
        m.put("step", e.step());
        m.put("seconds", seconds);
        m.putAll(e.metrics());
        write(m);
    }

    private void write(Map<String, Object> line) {
        try {
            out.write(Json.write(line, 0, 0));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new CliException("can't write " + file + ": " + CliException.reason(e));
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new CliException("can't write " + file + ": " + CliException.reason(e));
        }
    }
}
