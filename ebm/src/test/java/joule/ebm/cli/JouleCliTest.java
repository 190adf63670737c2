package joule.ebm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import joule.ebm.data.CsvPoints;
import joule.ebm.data.FashionMnist;
import joule.ebm.io.Checkpoint;
import joule.ebm.io.Json;
import joule.ebm.io.SafeTensors;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The {@code joule} command end to end, in process: train, sample, eval, bench, and bad input. */
class JouleCliTest {
    @TempDir
    static Path dir;

    /** The output folder of a short two-moons run shared by the tests. */
    static Path run;

    /** A command's exit code, stdout and stderr. */
    record Result(int code, String out, String err) {
        /** Checks a bad-input failure: exit code 2, one line on stderr containing {@code text}, no stack trace. */
        void assertBadInput(String text) {
            assertEquals(2, code, this::toString);
            assertEquals(1, err.lines().count(), () -> "one line expected on stderr: " + err);
            assertTrue(err.contains(text), () -> "stderr should contain '" + text + "': " + err);
            assertFalse(err.contains("Exception") || err.contains("\tat "), err);
        }
    }

    static Result joule(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Joule.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void trainShortRun() {
        run = dir.resolve("run");
        Result r = joule("train", "--dataset", "two-moons", "--steps", "200", "--hidden", "32,32", "--eval-every", "100",
                "--eval-samples", "200", "--sampler-steps", "100", "--out", run.toString());
        assertEquals(0, r.code(), r::toString);
    }

    @Test
    void trainWritesCheckpointConfigMetricsAndPictures() throws IOException {
        for (String f : List.of("model.safetensors", "train-state.safetensors", "config.json", "metrics.jsonl",
                "times.jsonl")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        String config = Files.readString(run.resolve("config.json"));
        assertEquals(config, RunConfig.fromJson(config).toJson());
        List<Map<String, Object>> lines = Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .map(Json::parseObject).toList();
        assertEquals(20, lines.stream().filter(l -> l.get("type").equals("step")).count());
        List<Map<String, Object>> evals = lines.stream().filter(l -> l.get("type").equals("eval")).toList();
        assertEquals(List.of(100L, 200L), evals.stream().map(l -> l.get("step")).toList());
        assertTrue(evals.getLast().get("mmd2") instanceof Double m && m < 0.05, evals::toString);
        assertEquals(List.of("type", "step", "loss", "lr", "grad_norm"), List.copyOf(lines.getFirst().keySet()),
                "no clock in metrics.jsonl: the same command gives the same bytes");
        List<Map<String, Object>> times = Files.readAllLines(run.resolve("times.jsonl")).stream()
                .map(Json::parseObject).toList();
        assertEquals(20, times.size());
        assertTrue(times.getLast().get("seconds") instanceof Double t && t > 0, times::toString);
        assertImage(run.resolve("energy.png"), 2 * Plots.PANEL, Plots.PANEL);
        assertImage(run.resolve("loss.png"), 800, 450);
    }

    @Test
    void progressIsPlainLinesWhenStderrIsNotATerminal() {
        Result r = joule("train", "--steps", "20", "--hidden", "8", "--eval-samples", "20", "--sampler-steps", "5",
                "--out", dir.resolve("progress").toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals(10, r.err().lines().filter(l -> l.matches("step \\d+/20 .*steps/s .* left.*")).count(), r.err());
        assertFalse(r.err().contains("\r"));
        assertTrue(r.out().startsWith("trained ssm-vr on two-moons: 20 steps"), r.out());
    }

    @Test
    void sampleWritesCsvAndPicture() throws IOException {
        Path out = dir.resolve("samples");
        Result r = joule("sample", "--checkpoint", run.resolve("model.safetensors").toString(), "--sampler", "mala",
                "--sampler-steps", "50", "--n", "300", "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("drew 300 samples by mala"), r.out());
        assertEquals("x1,x2", Files.readAllLines(out.resolve("samples.csv")).getFirst());
        Tensor samples = CsvPoints.read(out.resolve("samples.csv"), DType.FLOAT32);
        assertArrayEquals(new int[] {300, 2}, samples.shape());
        assertImage(out.resolve("samples.png"), Plots.PANEL, Plots.PANEL);
    }

    @Test
    void evalPrintsMetrics() {
        Result r = joule("eval", "--checkpoint", run.resolve("model.safetensors").toString(), "--dataset", "two-moons",
                "--n", "300", "--sampler-steps", "100");
        assertEquals(0, r.code(), r::toString);
        for (String metric : List.of("mmd2", "energy_distance", "grid_kl")) {
            String line = r.out().lines().filter(l -> l.startsWith(metric + " ")).findFirst().orElseThrow();
            assertTrue(Double.isFinite(Double.parseDouble(line.split("\\s+")[1])), line);
        }
    }

    @Test
    void checkpointRoundTripsBitForBit() throws IOException {
        Path original = run.resolve("model.safetensors");
        Model model = Model.load(original, Device.CPU);
        Path copy = dir.resolve("copy.safetensors");
        Checkpoint.save(copy, model.state(), SafeTensors.read(original).metadata());
        assertEquals(200, model.step());
        assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(copy));
    }

    @Test
    void corruptTruncatedAndMissingCheckpointsAreBadInput() throws IOException {
        byte[] bytes = Files.readAllBytes(run.resolve("model.safetensors"));
        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length * 2 / 3));
        Path corrupt = dir.resolve("corrupt.safetensors");
        byte[] garbage = bytes.clone();
        Arrays.fill(garbage, 8, 40, (byte) '#');
        Files.write(corrupt, garbage);
        for (Path p : List.of(truncated, corrupt)) {
            joule("sample", "--checkpoint", p.toString(), "--out", dir.resolve("never").toString())
                    .assertBadInput("not a valid safetensors file");
            joule("eval", "--checkpoint", p.toString()).assertBadInput("not a valid safetensors file");
        }
        joule("sample", "--checkpoint", dir.resolve("missing.safetensors").toString()).assertBadInput("does not exist");
        assertFalse(Files.exists(dir.resolve("never")));
    }

    @Test
    void unknownOptionOrCommandIsOneLineAndExitCode2() {
        joule("train", "--bogus").assertBadInput("unknown option '--bogus'");
        joule("frobnicate").assertBadInput("unknown command 'frobnicate' (known: train, sample, eval, bench, score, denoise, inpaint, help)");
        joule().assertBadInput("missing command");
    }

    static Stream<List<String>> badValues() {
        return Stream.of(
                List.of("--steps=-5", "--steps must be ≥ 1"),
                List.of("--loss=mle", "unknown loss 'mle'"),
                List.of("--dataset=moons3", "unknown dataset 'moons3'"),
                List.of("--hidden=0", "--hidden must list one or more layer sizes ≥ 1"),
                List.of("--lr=-1", "--lr must be positive"),
                List.of("--sampler=annealed", "needs a noise-conditional model"),
                List.of("--data=" + "/nonexistent/points.csv", "does not exist"));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void badValuesAreOneLineAndExitCode2AndWriteNothing(List<String> option) {
        Path out = dir.resolve("bad-" + Math.abs(option.getFirst().hashCode()));
        joule("train", option.getFirst(), "--out", out.toString()).assertBadInput(option.get(1));
        assertFalse(Files.exists(out));
    }

    @Test
    void malformedCsvIsBadInput() throws IOException {
        Path csv = dir.resolve("points.csv");
        Files.writeString(csv, "x,y\n1,2\n3,oops\n");
        Path out = dir.resolve("csv-out");
        joule("train", "--data", csv.toString(), "--out", out.toString()).assertBadInput("line 3");
        assertFalse(Files.exists(out));
    }

    @Test
    void unwritableOutputFolderIsBadInput() throws IOException {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a file, not a folder");
        joule("train", "--steps", "5", "--out", blocker.toString()).assertBadInput("can't create the output folder");
        joule("train", "--steps", "5", "--out", blocker.resolve("sub").toString())
                .assertBadInput("can't create the output folder");
        assertEquals("a file, not a folder", Files.readString(blocker));
    }

    @Test
    void divergedRunSavesTheLastGoodStepAndExitsWithCode1() {
        Path out = dir.resolve("diverged");
        Result r = joule("train", "--lr", "100", "--steps", "50", "--hidden", "16", "--eval-samples", "20",
                "--sampler-steps", "5", "--out", out.toString());
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("training stopped at step"), r.err());
        Model saved = Model.load(out.resolve("model.safetensors"), Device.CPU);
        assertTrue(r.err().contains("Saved the parameters after step " + saved.step() + " (the last that passed every "
                + "check)"), r.err());
        double worst = saved.energy().energy(DataSets.train("two-moons", null, 500, 0).points()).abs().max().item();
        assertTrue(worst < 1e6, "the saved state's data energies reach " + worst);
    }

    @Test
    void anEarlierRunIsRefusedWithoutOverwriteAndDeletedWithIt() throws IOException {
        Path out = dir.resolve("again");
        String[] train = {"train", "--steps", "5", "--hidden", "8", "--eval-samples", "20", "--sampler-steps", "5",
                "--out", out.toString()};
        assertEquals(0, joule(train).code());
        Files.writeString(out.resolve("notes.txt"), "mine");
        Files.writeString(out.resolve("samples-0300.png"), "a grid of an older run");
        Files.writeString(out.resolve(".model.safetensors.1f2e3d4c5b6a7988.tmp"), "a write killed half way");
        byte[] before = Files.readAllBytes(out.resolve("model.safetensors"));
        joule(train).assertBadInput(out + " holds an earlier run (config.json, energy.png, loss.png, metrics.jsonl, "
                + "model.safetensors, samples-0300.png, times.jsonl, train-state.safetensors): --overwrite replaces it, "
                + "--resume " + out + " continues it");
        assertArrayEquals(before, Files.readAllBytes(out.resolve("model.safetensors")), "a refused run touches nothing");

        String[] overwrite = Stream.concat(Arrays.stream(train), Stream.of("--overwrite")).toArray(String[]::new);
        assertEquals(0, joule(overwrite).code());
        assertTrue(Files.exists(out.resolve("notes.txt")), "files that are not the run's stay");
        assertFalse(Files.exists(out.resolve("samples-0300.png")));
        assertFalse(Files.exists(out.resolve(".model.safetensors.1f2e3d4c5b6a7988.tmp")));
        assertArrayEquals(before, Files.readAllBytes(out.resolve("model.safetensors")));
    }

    @Test
    void resumeTakesItsSettingsFromTheRun() {
        joule("train", "--resume", run.toString(), "--lr", "1", "--sample-every", "5").assertBadInput(
                "--resume continues a run with its own settings: drop --lr, --sample-every");
        joule("train", "--resume", run.toString()).assertBadInput("the run in " + run + " already finished its 200 steps");
        joule("train", "--resume", dir.resolve("nothing").toString()).assertBadInput("there is no run there");
        joule("train", "--checkpoint-every", "-1", "--out", dir.resolve("never").toString())
                .assertBadInput("--checkpoint-every must be ≥ 0, got -1");
    }

    @ParameterizedTest
    @EnumSource(RunConfig.LossKind.class)
    void everyLossTrainsAndItsCheckpointLoads(RunConfig.LossKind loss) {
        Path out = dir.resolve("loss-" + Names.of(loss));
        Result r = joule("train", "--loss", Names.of(loss), "--steps", "10", "--hidden", "16", "--batch-size", "64",
                "--train-size", "500", "--eval-every", "0", "--eval-samples", "50", "--sampler-steps", "10",
                "--chain-steps", "5", "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals(10, Model.load(out.resolve("model.safetensors"), Device.CPU).step());
    }

    /** Score SDE models: pc, ode and (VE) annealed samples, and the ODE likelihood printed by eval. */
    @ParameterizedTest
    @ValueSource(strings = {"vesde", "vpsde"})
    void scoreSdeModelsSampleByPcAndOdeAndEvalPrintsTheOdeLikelihood(String loss) {
        Path out = dir.resolve("sde-" + loss);
        Result r = joule("train", "--loss", loss, "--sigma-max", "4", "--levels", "5", "--steps", "30", "--hidden", "16",
                "--batch-size", "64", "--train-size", "500", "--eval-every", "0", "--eval-samples", "50",
                "--sampler-steps", "10", "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        String checkpoint = out.resolve("model.safetensors").toString();
        Result ode = joule("sample", "--checkpoint", checkpoint, "--sampler", "ode", "--step-size", "1e-3", "--n", "50");
        assertEquals(0, ode.code(), ode::toString);
        assertTrue(ode.out().contains("drew 50 samples by ode (Dormand–Prince, rtol = atol = 0.001"), ode.out());
        Result eval = joule("eval", "--checkpoint", checkpoint, "--n", "50", "--sampler-steps", "10",
                "--likelihood-points", "20");
        assertEquals(0, eval.code(), eval::toString);
        assertTrue(eval.out().contains("samples           50 by pc (signal-to-noise ratio 0.16, 10 predictor steps"),
                eval.out());
        String line = eval.out().lines().filter(l -> l.startsWith("ode_nll_nats ")).findFirst().orElseThrow();
        assertTrue(Double.isFinite(Double.parseDouble(line.split("\\s+")[1])) && line.contains("20 points, exact"),
                line);
        Result annealed = joule("sample", "--checkpoint", checkpoint, "--sampler", "annealed", "--sampler-steps", "2",
                "--n", "20");
        if (loss.equals("vesde")) {
            assertEquals(0, annealed.code(), annealed::toString);
        } else {
            annealed.assertBadInput("--sampler annealed needs a noise-conditional model (--loss ncsn or vesde)");
        }
        joule("sample", "--checkpoint", run.resolve("model.safetensors").toString(), "--sampler", "pc")
                .assertBadInput("--sampler pc needs a score SDE model (--loss vesde or vpsde), this one is ssm-vr");
        joule("eval", "--checkpoint", checkpoint, "--likelihood-points", "0")
                .assertBadInput("--likelihood-points must be ≥ 1, got 0");
    }

    @Test
    void fashionMnistTrainsAndDrawsAGridOfSamples() throws IOException {
        assumeTrue(FashionMnist.isInstalled(), "dataset-fashion-mnist is not installed");
        Path out = dir.resolve("fashion");
        Result r = joule("train", "--dataset", "fashion-mnist", "--train-size", "256", "--steps", "3", "--hidden", "16",
                "--batch-size", "64", "--sampler-steps", "5", "--sample-every", "2", "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        assertImage(out.resolve("samples.png"), 8 * (28 * 3 + 2) + 2, 8 * (28 * 3 + 2) + 2);
        assertImage(out.resolve("samples-2.png"), 8 * (28 * 3 + 2) + 2, 8 * (28 * 3 + 2) + 2);
        assertFalse(Files.exists(out.resolve("samples-1.png")) || Files.exists(out.resolve("samples-3.png")));
    }

    /** Image models: a U-Net by NCSN and a ResNet energy by PCD train, record their architecture, load and sample. */
    @ParameterizedTest
    @ValueSource(strings = {"unet ncsn", "resnet-energy pcd"})
    void imageModelsTrainLoadAndSample(String modelAndLoss) throws IOException {
        assumeTrue(FashionMnist.isInstalled(), "dataset-fashion-mnist is not installed");
        String[] ml = modelAndLoss.split(" ");
        Path out = dir.resolve("images-" + ml[0]);
        Result r = joule("train", "--dataset", "fashion-mnist", "--model", ml[0], "--loss", ml[1], "--channels", "4",
                "--train-size", "32", "--steps", "2", "--batch-size", "8", "--chain-steps", "2", "--sampler-steps", "2",
                "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        Model model = Model.load(out.resolve("model.safetensors"), Device.CPU);
        assertEquals(ml[0], Names.of(model.config().model().kind()));
        assertArrayEquals(new int[] {1, 28, 28}, model.config().model().imageShape());
        Result s = joule("sample", "--checkpoint", out.resolve("model.safetensors").toString(), "--n", "4",
                "--sampler-steps", "2");
        assertEquals(0, s.code(), s::toString);
        assertImage(out.resolve("samples.png"), 8 * (28 * 3 + 2) + 2, 28 * 3 + 2 + 2);   // 8 columns, one row of 4
    }

    @Test
    void imageModelsRejectWhatTheyCannotTrain() {
        joule("train", "--model", "unet", "--loss", "ncsn", "--out", dir.resolve("bad1").toString())
                .assertBadInput("--model unet needs images: --dataset fashion-mnist");
        assumeTrue(FashionMnist.isInstalled(), "dataset-fashion-mnist is not installed");
        joule("train", "--dataset", "fashion-mnist", "--model", "unet", "--loss", "dsm", "--train-size", "32",
                "--out", dir.resolve("bad2").toString())
                .assertBadInput("--model unet is a noise-conditional score network: train it with --loss ncsn");
        joule("train", "--dataset", "fashion-mnist", "--model", "resnet-energy", "--loss", "ncsn", "--train-size", "32",
                "--out", dir.resolve("bad3").toString())
                .assertBadInput("--model resnet-energy has no noise conditioning");
        joule("train", "--dataset", "fashion-mnist", "--model", "unet", "--loss", "ncsn", "--channel-multipliers",
                "1,2,2,2", "--train-size", "32", "--out", dir.resolve("bad4").toString())
                .assertBadInput("must be multiples of 8, got 28×28");
    }

    @Test
    void benchPrintsATable() {
        Result r = joule("bench", "--repetitions", "1", "--warmup", "0");
        assertEquals(0, r.code(), r::toString);
        for (String unit : List.of("GFLOP/s", "GB/s", "ms")) {
            assertTrue(r.out().lines().anyMatch(l -> l.endsWith(" " + unit)), r.out());
        }
    }

    @Test
    void helpListsTheOptions() {
        Result r = joule("train", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--loss=NAME") && r.out().contains("--device=NAME"), r.out());
    }

    /** Checks a picture's size; skips the rest of the test where no fonts are installed (no pictures are drawn). */
    private static void assertImage(Path png, int width, int height) throws IOException {
        assumeTrue(Plots.canDraw(), Plots::whyNot);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(width, image.getWidth(), png.toString());
        assertEquals(height, image.getHeight(), png.toString());
    }
}
