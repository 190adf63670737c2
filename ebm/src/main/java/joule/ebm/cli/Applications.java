package joule.ebm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import joule.ebm.data.CsvPoints;
import joule.ebm.data.FashionMnist;
import joule.ebm.energy.ScoreNetwork;
import joule.tensor.Device;
import joule.tensor.Tensor;

/**
 * What {@code score}, {@code denoise} and {@code inpaint} share: the input rows (checked against the checkpoint's
 * dimension), the model as a score network with its noise levels, and masks.
 */
final class Applications {
    private Applications() {
    }

    /** Input rows: a CSV file, a toy set's fresh points or Fashion-MNIST test images, the first {@code n} (null: all). */
    record Input(String name, Tensor rows) {
    }

    /**
     * The rows named by {@code data} (by default the checkpoint's training set: 2000 fresh points of a toy set, the
     * first 2000 Fashion-MNIST test images, or every row of its CSV file), the first {@code n} of them when not null,
     * on {@code device}; a dimension other than the model's is a {@link CliException}.
     */
    static Input input(DataArgs data, Model model, Integer n, long seed, Device device) {
        data.check();
        RunConfig config = model.config();
        boolean given = data.dataset != null || data.file != null;
        String dataset = given ? data.dataset : config.data().dataset();
        Path file = given ? data.file : config.data().file() == null ? null : Path.of(config.data().file());
        String name = file != null ? file.toString() : DataSets.canonical(dataset);
        Tensor rows = DataSets.reference(dataset, file, seed);
        if (rows.size(1) != config.model().dim()) {
            throw new CliException("the model is " + config.model().dim() + "-dimensional but " + name + " has "
                    + rows.size(1) + " coordinates");
        }
        if (n != null) {
            if (n < 1 || n > rows.size(0)) {
                throw new CliException("--n must be between 1 and the " + rows.size(0) + " rows of " + name + ", got " + n);
            }
            rows = rows.narrow(0, 0, n);
        }
        return new Input(name, rows.to(device));
    }

    /** The model's score {@code s_θ(x, σ)} on flat rows: the NCSN network, or {@code −∇E} of an energy (ignoring σ). */
    static ScoreNetwork scores(Model model) {
        return model.config().model().noiseConditional() ? model.scoreNetwork() : ScoreNetwork.of(model.energy());
    }

    /** The noise levels to anneal over: the NCSN model's, or just {@code sigma} for a model without levels. */
    static double[] levels(Model model, double sigma) {
        double[] levels = model.config().model().noiseLevels();
        return levels.length > 0 ? levels : new double[] {sigma};
    }

    /** The smallest noise level of an NCSN model, or {@code fallback}. */
    static double smallestLevel(Model model, double fallback) {
        double[] levels = model.config().model().noiseLevels();
        return levels.length > 0 ? levels[levels.length - 1] : fallback;
    }

    /** The shape {@code [C, H, W]} of one image when the model's rows are images, else null. */
    static int[] imageShape(Model model) {
        int[] shape = model.config().model().imageShape();
        if (shape == null && model.config().data().dataset().equals(DataSets.FASHION_MNIST)) {
            shape = new int[] {1, FashionMnist.SIDE, FashionMnist.SIDE};
        }
        return shape;
    }

    /**
     * The mask {@code spec} names, 1 = known, 0 = missing: for images {@code lower-half}, {@code upper-half},
     * {@code left-half} or {@code right-half} (the half that is missing); a comma-separated list of 0/1, one per
     * coordinate; or a CSV file of 0/1 rows (one row for every input, or one per input).
     */
    static Tensor mask(String spec, Model model, int rows) {
        int dim = model.config().model().dim();
        int[] image = imageShape(model);
        String named = spec.trim().toLowerCase(Locale.ROOT);
        if (named.endsWith("-half")) {
            if (image == null) {
                throw new CliException("--mask " + spec + " is for images; this model's rows are " + dim + "-D points");
            }
            return half(named, image);
        }
        if (named.matches("[0-9.,\\s-]+") && !Files.exists(Path.of(spec))) {
            double[] v;
            try {
                v = Arrays.stream(named.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
            } catch (NumberFormatException e) {
                throw new CliException("--mask " + spec + ": not a comma-separated list of 0/1");
            }
            if (v.length != dim) {
                throw new CliException("--mask lists " + v.length + " values but the model's rows have " + dim
                        + " coordinates");
            }
            return Tensor.of(Model.DTYPE, v, dim);
        }
        Path file = Path.of(spec);
        if (!Files.isRegularFile(file)) {
            throw new CliException("--mask " + spec + " is neither a mask name (lower-half, upper-half, left-half, "
                    + "right-half), a list of 0/1, nor a file");
        }
        Tensor m;
        try {
            m = CsvPoints.read(file, Model.DTYPE);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new CliException(e.getMessage());
        }
        if (m.size(1) != dim || (m.size(0) != 1 && m.size(0) != rows)) {
            throw new CliException("mask file " + file + " is " + m.size(0) + "×" + m.size(1) + "; it must have " + dim
                    + " columns and 1 or " + rows + " rows");
        }
        return m.size(0) == 1 ? m.reshape(dim) : m;
    }

    private static Tensor half(String named, int[] image) {
        int c = image[0];
        int h = image[1];
        int w = image[2];
        double[] v = new double[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int r = 0; r < h; r++) {
                for (int col = 0; col < w; col++) {
                    boolean missing = switch (named) {
                        case "lower-half" -> r >= h / 2;
                        case "upper-half" -> r < h / 2;
                        case "left-half" -> col < w / 2;
                        case "right-half" -> col >= w / 2;
                        default -> throw new CliException("unknown mask '" + named + "' (known: lower-half, upper-half, "
                                + "left-half, right-half)");
                    };
                    v[(ch * h + r) * w + col] = missing ? 0 : 1;
                }
            }
        }
        return Tensor.of(Model.DTYPE, v, c * h * w);
    }

    /** Runs a library call, turning its {@link IllegalArgumentException} (bad input it found) into a {@link CliException}. */
    static <T> T checked(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }
}
