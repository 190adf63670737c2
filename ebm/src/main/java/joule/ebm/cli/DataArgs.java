package joule.ebm.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that name a data set, shared by {@code train} and {@code eval}. */
final class DataArgs {
    @Option(names = "--dataset", paramLabel = "NAME", description = "A toy set (two-moons, 8gaussians, swiss-roll, "
            + "checkerboard, pinwheel, rings, 2gaussians, gaussian) or fashion-mnist.")
    String dataset;

    @Option(names = "--data", paramLabel = "FILE", description = "Points from a CSV file instead: one point per line, "
            + "comma-separated numbers, optional header line.")
    Path file;

    /** Checks that at most one of the two is given. */
    void check() {
        if (dataset != null && file != null) {
            throw new CliException("give --dataset or --data, not both");
        }
    }
}
