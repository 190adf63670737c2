package joule.ebm.cli;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import joule.ebm.data.CsvPoints;
import joule.ebm.data.FashionMnist;
import joule.ebm.data.ToyDataset;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * The data a command names: a toy set ({@link ToyDataset}, {@code [n, 2]}), Fashion-MNIST
 * (dequantised and scaled to {@code [−1, 1]}, {@code [n, 784]}), or the points of a CSV file.
 * Problems (unknown names, missing or malformed files, Fashion-MNIST not installed) are {@link CliException}s.
 */
final class DataSets {
    static final String FASHION_MNIST = "fashion-mnist";
    static final String CSV = "csv";
    /** Training points drawn from a toy set unless {@code --train-size} says otherwise. */
    static final int TOY_TRAIN_SIZE = 8000;
    /** Held-out points of a toy set or Fashion-MNIST's test split that metrics compare against. */
    static final int REFERENCE_SIZE = 2000;

    private DataSets() {
    }

    /** Training data and its resolved description. */
    record Loaded(RunConfig.DataSpec spec, Tensor points) {
    }

    /**
     * The training data of {@code --dataset} (or of {@code --data file}, when not null): {@code trainSize}
     * points (null: {@value #TOY_TRAIN_SIZE} from a toy set, every image or row of the others),
     * drawn with seed {@code seed + 1}.
     */
    static Loaded train(String dataset, Path file, Integer trainSize, long seed) {
        if (trainSize != null && trainSize < 2) {
            throw new CliException("--train-size must be ≥ 2, got " + trainSize);
        }
        RandomStream rng = new RandomStream(seed + 1);
        if (file != null) {
            Tensor all = csv(file);
            Tensor points = all.narrow(0, 0, limit(trainSize, all.size(0), "rows in " + file));
            return new Loaded(new RunConfig.DataSpec(CSV, file.toAbsolutePath().toString(), points.size(0)), points);
        }
        String name = canonical(dataset);
        if (name.equals(FASHION_MNIST)) {
            Tensor all = fashion(FashionMnist.Split.TRAIN, rng);
            Tensor points = all.narrow(0, 0, limit(trainSize, all.size(0), "Fashion-MNIST training images"));
            return new Loaded(new RunConfig.DataSpec(name, null, points.size(0)), points);
        }
        int n = trainSize == null ? TOY_TRAIN_SIZE : trainSize;
        HeapBudget.check("--train-size " + n, (long) n * ToyDataset.byName(name).dim(), 12);
        return new Loaded(new RunConfig.DataSpec(name, null, n), ToyDataset.byName(name).sample(n, Model.DTYPE, rng));
    }

    /**
     * Data to compare model samples with: every row of the CSV {@code file} when not null, else
     * {@value #REFERENCE_SIZE} fresh points of the toy set {@code dataset} (seed {@code seed + 2}) or
     * the first {@value #REFERENCE_SIZE} images of Fashion-MNIST's test split.
     */
    static Tensor reference(String dataset, Path file, long seed) {
        if (file != null) {
            return csv(file);
        }
        RandomStream rng = new RandomStream(seed + 2);
        String name = canonical(dataset);
        return name.equals(FASHION_MNIST) ? fashion(FashionMnist.Split.TEST, rng).narrow(0, 0, REFERENCE_SIZE)
                : ToyDataset.byName(name).sample(REFERENCE_SIZE, Model.DTYPE, rng);
    }

    /** Whether {@code dataset} is a toy set, whose held-out data is free. */
    static boolean isToy(String dataset) {
        return !dataset.equals(CSV) && !dataset.equals(FASHION_MNIST);
    }

    /** The canonical name of a {@code --dataset} value: a toy set's CLI name or {@code fashion-mnist}. */
    static String canonical(String dataset) {
        if (dataset.trim().equalsIgnoreCase(FASHION_MNIST)) {
            return FASHION_MNIST;
        }
        try {
            return ToyDataset.byName(dataset).cliName();
        } catch (IllegalArgumentException e) {
            throw new CliException("unknown dataset '" + dataset + "' (known: " + String.join(", ", ToyDataset.names())
                    + ", " + FASHION_MNIST + "; or --data points.csv)");
        }
    }

    private static int limit(Integer trainSize, int available, String what) {
        if (trainSize == null) {
            return available;
        }
        if (trainSize > available) {
            throw new CliException("--train-size " + trainSize + " is more than the " + available + " " + what);
        }
        return trainSize;
    }

    private static Tensor csv(Path file) {
        if (Files.isDirectory(file)) {
            throw new CliException("data file " + file + " is a directory, not a CSV file");
        }
        if (!Files.exists(file)) {
            throw new CliException("data file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new CliException("data file " + file + " is not a regular file");
        }
        try {
            Tensor points = CsvPoints.read(file, Model.DTYPE);
            if (points.size(0) < 2) {
                throw new CliException("data file " + file + " has " + points.size(0) + " row; at least 2 are needed");
            }
            return points;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new CliException(e.getMessage());
        }
    }

    private static Tensor fashion(FashionMnist.Split split, RandomStream rng) {
        try {
            return FashionMnist.centred(FashionMnist.load(split).images(Model.DTYPE, rng));
        } catch (IllegalStateException | UncheckedIOException e) {
            throw new CliException(e.getMessage());
        }
    }
}
