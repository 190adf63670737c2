package joule.ebm.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import joule.ebm.apply.AnomalyScores;
import joule.ebm.apply.Corruptions;
import joule.ebm.apply.DetectionMetrics;
import joule.ebm.data.CsvPoints;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code joule score}: anomaly scores of inputs under a checkpoint's model, and with labels how well they separate. */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        header = "Writes an anomaly score per input (higher = more anomalous) and, with labels, AUROC/AUPRC and roc.png.",
        description = {"Scores each input by the model's energy E(x) (NCSN MLP: at its smallest noise level) or by the "
                + "norm of its score ‖s(x, σ)‖ at a small σ (a U-Net has only the latter), writes scores.csv (score, and "
                + "label when known) and, given labels (0 = normal, 1 = anomaly), prints AUROC and AUPRC (average precision) "
                + "with stratified percentile bootstrap intervals and writes roc.png.",
                "Labels come from --labels (a CSV file, one 0/1 per input) or from --anomalies, which appends one "
                        + "corrupted copy of each input labelled 1: uniform (points uniform in the inputs' box widened "
                        + "by 0.5, at least 0.3 from every input), pixel-noise (images with 30% of their pixels replaced by "
                        + "uniform noise) or flip (images upside down).",
                "The AIS-normalised log-likelihood is not offered yet (it needs annealed importance sampling)."})
final class ScoreCommand implements Callable<Integer> {
    enum By { ENERGY, SCORE_NORM }

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A model.safetensors written by "
            + "joule train.")
    Path checkpoint;

    @Mixin
    DataArgs data;

    @Option(names = "--n", paramLabel = "N", description = "Score only the first N inputs. Default: all.")
    Integer n;

    @Option(names = "--labels", paramLabel = "FILE", description = "A CSV file with one label per input: 0 normal, "
            + "1 anomaly (optional header line).")
    Path labels;

    @Option(names = "--anomalies", paramLabel = "KIND", description = "uniform, pixel-noise or flip: append a corrupted "
            + "copy of each input, labelled 1.")
    String anomalies;

    @Option(names = "--by", paramLabel = "SCORE", description = "energy or score-norm. Default: energy when the model "
            + "has one, else score-norm.")
    String by;

    @Option(names = "--sigma", paramLabel = "σ", description = "σ of the score norm. Default: the model's smallest "
            + "noise level, else 0.01.")
    Double sigma;

    @Option(names = "--bootstrap", paramLabel = "N", defaultValue = "1000", description = "Bootstrap resamples.")
    int resamples;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of toy data, anomalies and "
            + "the bootstrap.")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder. Default: the checkpoint's folder.")
    Path out;

    @Mixin
    DeviceArgs device;

    @Override
    public Integer call() {
        if (labels != null && anomalies != null) {
            throw new CliException("give --labels or --anomalies, not both");
        }
        if (resamples < 1) {
            throw new CliException("--bootstrap must be ≥ 1, got " + resamples);
        }
        Device on = device.checked();
        Model model = Model.load(checkpoint, on);
        By scoring = by == null ? (model.hasEnergy() ? By.ENERGY : By.SCORE_NORM) : switch (by) {
            case "energy" -> By.ENERGY;
            case "score-norm" -> By.SCORE_NORM;
            default -> throw new CliException("unknown --by '" + by + "' (known: energy, score-norm)");
        };
        if (scoring == By.ENERGY && !model.hasEnergy()) {
            throw new CliException("--by energy: a U-Net is a score network and has no energy; use --by score-norm");
        }
        double level = sigma != null ? sigma : Applications.smallestLevel(model, 0.01);
        Applications.Input input = Applications.input(data, model, n, seed, on);
        Tensor rows = input.rows();
        int[] known = labels != null ? readLabels(labels, rows.size(0)) : null;
        if (anomalies != null) {
            Tensor corrupted = corrupt(anomalies, model, rows, new RandomStream(seed + 3));
            known = new int[2 * rows.size(0)];
            java.util.Arrays.fill(known, rows.size(0), known.length, 1);
            rows = Tensor.cat(0, rows, corrupted);
        }
        OutputFolder folder = OutputFolder.prepare(out != null ? out : checkpoint.toAbsolutePath().getParent());
        Tensor scored = rows;
        double[] scores = model.withAverages(() -> Applications.checked(() -> scoring == By.ENERGY
                ? AnomalyScores.energy(model.energy(), scored)
                : AnomalyScores.scoreNorm(Applications.scores(model), scored, level)));
        folder.writeText("scores.csv", csv(scores, known));
        String what = scoring == By.ENERGY ? model.energyName() : String.format(Locale.ROOT, "‖s(x, σ)‖ at σ = %.4g", level);
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "scored %d inputs of %s%s by %s; wrote scores.csv", scores.length, input.name(),
                anomalies != null ? " (and as many " + anomalies + " anomalies)" : "", what);
        if (known != null) {
            int[] l = known;
            DetectionMetrics.Report r = Applications.checked(() -> DetectionMetrics.evaluate(scores, l, resamples, 0.95,
                    new RandomStream(seed + 5)));
            DetectionMetrics.Roc roc = DetectionMetrics.roc(scores, known);
            folder.writePng("roc.png", ApplicationPlots.roc(roc, r, "ROC: " + what));
            w.printf(Locale.ROOT, ", roc.png%n");
            w.printf(Locale.ROOT, "anomalies %d, normal %d%n", r.anomalies(), r.normals());
            w.printf(Locale.ROOT, "auroc     %.4f   (95%% bootstrap interval [%.4f, %.4f], %d resamples)%n",
                    r.auroc().estimate(), r.auroc().lo(), r.auroc().hi(), r.resamples());
            w.printf(Locale.ROOT, "auprc     %.4f   (95%% bootstrap interval [%.4f, %.4f])%n", r.auprc().estimate(),
                    r.auprc().lo(), r.auprc().hi());
        } else {
            w.println();
        }
        w.flush();
        return 0;
    }

    private static Tensor corrupt(String kind, Model model, Tensor rows, RandomStream rng) {
        int[] image = Applications.imageShape(model);
        switch (kind) {
            case "uniform":
                return Applications.checked(() -> Corruptions.uniformAwayFrom(rows, rows.size(0), 0.5, 0.3, rng));
            case "pixel-noise":
            case "flip":
                if (image == null) {
                    throw new CliException("--anomalies " + kind + " is for images; this model's rows are points");
                }
                if (kind.equals("pixel-noise")) {
                    return Corruptions.pixelNoise(rows, 0.3, -1, 1, rng);
                }
                int b = rows.size(0);
                return Corruptions.flipVertically(rows.reshape(b, image[0], image[1], image[2])).reshape(b, rows.size(1));
            default:
                throw new CliException("unknown --anomalies '" + kind + "' (known: uniform, pixel-noise, flip)");
        }
    }

    private static int[] readLabels(Path file, int rows) {
        if (!Files.isRegularFile(file)) {
            throw new CliException("labels file " + file + " does not exist");
        }
        Tensor t;
        try {
            t = CsvPoints.read(file, joule.tensor.DType.FLOAT64);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new CliException(e.getMessage());
        }
        if (t.size(1) != 1 || t.size(0) != rows) {
            throw new CliException("labels file " + file + " has " + t.size(0) + " rows of " + t.size(1) + " values; "
                    + "need " + rows + " rows of one label (0 or 1)");
        }
        double[] v = t.toDoubleArray();
        int[] l = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != 0 && v[i] != 1) {
                throw new CliException("labels file " + file + ": labels must be 0 (normal) or 1 (anomaly), got " + v[i]
                        + " in row " + (i + 1));
            }
            l[i] = (int) v[i];
        }
        return l;
    }

    private static String csv(double[] scores, int[] labels) {
        StringBuilder b = new StringBuilder(labels == null ? "score\n" : "score,label\n");
        for (int i = 0; i < scores.length; i++) {
            b.append(scores[i]);
            if (labels != null) {
                b.append(',').append(labels[i]);
            }
            b.append('\n');
        }
        return b.toString();
    }
}
