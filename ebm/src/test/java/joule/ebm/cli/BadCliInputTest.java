package joule.ebm.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import joule.ebm.io.Checkpoint;
import joule.ebm.nn.Parameter;
import joule.tensor.Device;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad command lines, run in process: each gives exit code 2, exactly one line on stderr (no stack
 * trace, no help text), and writes nothing: neither in the test's folder (where every {@code --out}
 * points) nor in the working directory.
 */
class BadCliInputTest {
    /** The inputs this test must hold; docs/ROBUSTNESS.md reports the count. */
    static final int MIN_INPUTS = 100;

    @TempDir
    static Path dir;

    static String checkpoint;
    /** The checkpoint with its weights times 10^30: its energy overflows, and the chains diverge. */
    static String huge;
    static String out;
    static String csv;
    static String csv3;
    static String aFile;
    static String aDir;

    @BeforeAll
    static void fixtures() throws IOException {
        Path run = dir.resolve("run");
        JouleCliTest.Result r = JouleCliTest.joule("train", "--steps", "3", "--hidden", "4", "--eval-every", "0",
                "--eval-samples", "2", "--sampler-steps", "1", "--out", run.toString());
        assertEquals(0, r.code(), r::toString);
        checkpoint = run.resolve("model.safetensors").toString();
        Model model = Model.load(Path.of(checkpoint), Device.CPU);
        List<Parameter> scaled = model.state().stream()
                .map(p -> new Parameter(p.name(), p.value().mul(p.value().scalarLike(1e30)))).toList();
        huge = dir.resolve("huge.safetensors").toString();
        Checkpoint.save(Path.of(huge), scaled, Map.of("config", model.config().toJson(), "step", Integer.toString(model.step())));
        out = dir.resolve("never").toString();
        csv = Files.writeString(dir.resolve("points.csv"), "x,y\n1,2\n3,4\n5,6\n").toString();
        csv3 = Files.writeString(dir.resolve("points3.csv"), "1,2,3\n4,5,6\n7,8,9\n").toString();
        aFile = Files.writeString(dir.resolve("a-file.txt"), "not a folder\n").toString();
        aDir = Files.createDirectories(dir.resolve("a-dir")).toString();
        Files.writeString(dir.resolve("empty.csv"), "");
        Files.writeString(dir.resolve("text.csv"), "a,b\nc,d\ne,f\n");
        Files.writeString(dir.resolve("ragged.csv"), "1,2\n3\n4,5\n");
        Files.writeString(dir.resolve("one.csv"), "1,2\n");
        Files.writeString(dir.resolve("nan.csv"), "1,2\nNaN,3\n4,5\n");
    }

    private static List<List<String>> inputs() {
        String f = dir.toString();
        List<List<String>> in = new ArrayList<>();
        // the root command
        in.add(List.of());
        in.add(List.of("frobnicate"));
        in.add(List.of("frobnicate", "--help"));
        in.add(List.of("--help", "frobnicate"));
        in.add(List.of("Train"));
        in.add(List.of("--bogus"));
        in.add(List.of("train", "--help", "extra"));
        in.add(List.of("sample", "--version", "stray"));
        in.add(List.of("train", "extra", "--out", out));
        // train: numbers out of range or not numbers
        for (String[] o : new String[][] {{"--steps", "0"}, {"--steps", "-1"}, {"--steps", "abc"}, {"--steps", ""},
            {"--steps", "2147483648"}, {"--batch-size", "0"}, {"--batch-size", "-5"}, {"--lr", "0"}, {"--lr", "-1"},
            {"--lr", "NaN"}, {"--lr", "Infinity"}, {"--lr", "1e999"}, {"--lr", "fast"}, {"--eval-every", "-1"},
            {"--eval-samples", "1"}, {"--eval-samples", "0"}, {"--eval-samples", "2000000000"}, {"--log-every", "0"},
            {"--sigma", "0"}, {"--sigma", "-0.1"}, {"--sigma", "NaN"}, {"--chain-steps", "0"},
            {"--chain-step-size", "0"}, {"--chain-step-size", "Infinity"}, {"--step-size", "0"},
            {"--step-size", "-1"}, {"--step-size", "NaN"}, {"--sampler-steps", "0"}, {"--leapfrog", "0"},
            {"--ema", "1"}, {"--ema", "-0.5"}, {"--ema", "NaN"}, {"--train-size", "1"}, {"--train-size", "0"},
            {"--train-size", "-3"}, {"--train-size", "2000000000"}, {"--train-size", "2147483647"},
            {"--seed", "x"}, {"--seed", "99999999999999999999"}, {"--hidden", "0"}, {"--hidden", "-5"},
            {"--hidden", "100000000"}, {"--hidden", "2147483648"}, {"--hidden", "1,,2"}, {"--hidden", ""},
            {"--hidden", "16,100000,100000"}, {"--hidden", "a,b"}, {"--channels", "x"}, {"--res-blocks", "1.5"},
            {"--channel-multipliers", "1,x"}}) {
            in.add(List.of("train", o[0], o[1], "--out", out));
        }
        // train: names, data, models and output folders
        for (String[] o : new String[][] {{"--dataset", "nope"}, {"--dataset", ""}, {"--data", f + "/absent.csv"},
            {"--data", aDir}, {"--data", f + "/empty.csv"}, {"--data", f + "/text.csv"}, {"--data", f + "/ragged.csv"},
            {"--data", f + "/one.csv"}, {"--data", f + "/nan.csv"}, {"--data", "/dev/null"}, {"--model", "nope"},
            {"--model", "unet"}, {"--model", "resnet-energy"}, {"--loss", "nope"}, {"--loss", ""}, {"--sampler", "nope"},
            {"--sampler", "annealed"}, {"--activation", "nope"}, {"--device", "nope"}, {"--device", ""}}) {
            in.add(List.of("train", o[0], o[1], "--out", out));
        }
        in.add(List.of("train", "--dataset", "two-moons", "--data", csv, "--out", out));
        in.add(List.of("train", "--data", csv, "--train-size", "10", "--out", out));
        in.add(List.of("train", "--loss", "ncsn", "--sigma-max", "0.01", "--sigma-min", "1", "--out", out));
        in.add(List.of("train", "--loss", "ncsn", "--levels", "1", "--out", out));
        in.add(List.of("train", "--loss", "ncsn", "--sigma-min", "0", "--out", out));
        in.add(List.of("train", "--loss", "ncsn", "--sigma-max", "Infinity", "--out", out));
        in.add(List.of("train", "--loss", "fce", "--data", f + "/absent.csv", "--out", out));
        in.add(List.of("train", "--out", ""));
        in.add(List.of("train", "--out", " "));
        in.add(List.of("train", "--steps", "1", "--out", aFile));
        in.add(List.of("train", "--steps", "1", "--out", aFile + "/sub"));
        in.add(List.of("train", "--steps", "1", "--out", "/dev/null/sub"));
        in.add(List.of("train", "--steps", "1", "--out", "/proc/joule-out"));
        in.add(List.of("train", "--steps"));
        in.add(List.of("train", "--out"));
        // sample
        for (String[] o : new String[][] {{"--n", "0"}, {"--n", "-1"}, {"--n", "abc"}, {"--n", "2000000000"},
            {"--step-size", "0"}, {"--step-size", "NaN"}, {"--sampler-steps", "0"}, {"--leapfrog", "0"},
            {"--sampler", "annealed"}, {"--sampler", "nope"}, {"--seed", "x"}, {"--device", "nope"}, {"--out", ""},
            {"--out", aFile}, {"--out", aFile + "/sub"}}) {
            in.add(List.of("sample", "--checkpoint", checkpoint, o[0], o[1], "--out", o[0].equals("--out") ? o[1] : out));
        }
        for (String sampler : List.of("ula", "mala", "hmc")) {
            in.add(List.of("sample", "--checkpoint", huge, "--sampler", sampler, "--sampler-steps", "5", "--n", "20",
                    "--out", out));
        }
        for (String c : List.of(f + "/absent.safetensors", aDir, dir.resolve("run").toString(), csv, aFile,
                f + "/empty.csv", "/dev/null", "/dev/zero", "")) {
            in.add(List.of("sample", "--checkpoint", c, "--out", out));
            in.add(List.of("eval", "--checkpoint", c));
        }
        in.add(List.of("sample", "--out", out));
        in.add(List.of("sample", "--checkpoint"));
        // eval
        for (String[] o : new String[][] {{"--n", "1"}, {"--n", "0"}, {"--n", "2000000000"}, {"--dataset", "nope"},
            {"--data", f + "/absent.csv"}, {"--data", aDir}, {"--data", csv3}, {"--data", f + "/text.csv"},
            {"--sampler-steps", "-1"}, {"--step-size", "Infinity"}, {"--device", "nope"}}) {
            in.add(List.of("eval", "--checkpoint", checkpoint, o[0], o[1]));
        }
        in.add(List.of("eval", "--checkpoint", checkpoint, "--dataset", "two-moons", "--data", csv));
        in.add(List.of("eval"));
        // bench
        for (String[] o : new String[][] {{"--repetitions", "0"}, {"--repetitions", "x"}, {"--warmup", "-1"},
            {"--device", "nope"}, {"--bogus", "1"}}) {
            in.add(List.of("bench", o[0], o[1]));
        }
        return in;
    }

    @Test
    void eachBadInputIsOneLineAndExitCode2AndWritesNothing() throws IOException {
        List<List<String>> inputs = inputs();
        assertTrue(inputs.size() >= MIN_INPUTS, "only " + inputs.size() + " inputs");
        Path cwd = Path.of("").toAbsolutePath();
        Map<String, String> before = listing(dir);
        Map<String, String> cwdBefore = listing(cwd);
        List<String> failures = new ArrayList<>();
        for (List<String> args : inputs) {
            JouleCliTest.Result r = JouleCliTest.joule(args.toArray(String[]::new));
            String what = "joule " + String.join(" ", args.stream().map(a -> a.isEmpty() ? "\"\"" : a).toList());
            if (r.code() != 2 || r.err().lines().count() != 1 || r.err().contains("Exception") || r.err().contains("\tat ")
                    || r.err().contains("Usage:") || !r.out().isEmpty()) {
                failures.add(what + ": " + r);
            } else if (!before.equals(listing(dir)) || !cwdBefore.equals(listing(cwd))) {
                failures.add(what + ": wrote a file");
                before = listing(dir);
                cwdBefore = listing(cwd);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + inputs.size() + " failed:\n" + String.join("\n", failures));
        System.out.printf("bad command lines: %d, each one line on stderr, exit code 2, nothing written%n",
                inputs.size());
    }

    /** Every file and folder under {@code root} with its size and modification time. */
    private static Map<String, String> listing(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                m.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir"
                        : Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return m;
    }
}
