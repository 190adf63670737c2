package joule.ebm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import joule.ebm.io.Json;
import joule.ebm.nn.Parameter;
import joule.tensor.Device;
import joule.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code --device cuda} end to end on the emulated CUDA device of ebm's tests: train, sample and eval
 * give the CPU run's weights, metrics, samples and output bit for bit, and bench runs. Both runs use
 * the CPU's scalar kernels, whose results don't change as the JIT compiles them.
 */
class JouleCliOnDeviceTest {
    @TempDir
    static Path dir;

    /** The options of a short two-moons run. */
    private static final String[] RUN = {"--steps", "30", "--hidden", "16,16", "--batch-size", "64", "--train-size",
        "500", "--eval-every", "15", "--eval-samples", "100", "--sampler-steps", "20"};

    /** That run's output folder on each device. */
    static Map<Device, Path> runs;

    private static JouleCliTest.Result joule(String... args) {
        return CpuBackend.withScalarKernels(() -> JouleCliTest.joule(args));
    }

    private static Path train(String name, Device device, String... options) {
        Path out = dir.resolve(name + "-" + device);
        List<String> args = new ArrayList<>(List.of("train", "--device", device.toString(), "--out", out.toString()));
        args.addAll(List.of(options));
        JouleCliTest.Result r = joule(args.toArray(String[]::new));
        assertEquals(0, r.code(), r::toString);
        return out;
    }

    @BeforeAll
    static void trainOnBothDevices() {
        runs = Map.of(Device.CPU, train("moons", Device.CPU, RUN), Device.CUDA, train("moons", Device.CUDA, RUN));
    }

    @Test
    void trainGivesTheCpuWeightsAndMetrics() {
        assertSameWeights(runs.get(Device.CPU), runs.get(Device.CUDA));
        assertEquals(metrics(runs.get(Device.CPU)), metrics(runs.get(Device.CUDA)));
        assertTrue(metrics(runs.get(Device.CUDA)).stream().anyMatch(l -> l.get("type").equals("eval")));
    }

    @ParameterizedTest
    @EnumSource(RunConfig.LossKind.class)
    void everyLossTrainsToTheCpuWeights(RunConfig.LossKind loss) {
        String[] options = {"--loss", Names.of(loss), "--steps", "4", "--hidden", "8", "--batch-size", "32",
            "--train-size", "200", "--eval-every", "0", "--eval-samples", "20", "--sampler-steps", "5",
            "--chain-steps", "3", "--levels", "3"};
        String name = "loss-" + Names.of(loss);
        assertSameWeights(train(name, Device.CPU, options), train(name, Device.CUDA, options));
    }

    @Test
    void sampleAndEvalGiveTheCpuResults() throws IOException {
        String checkpoint = runs.get(Device.CUDA).resolve("model.safetensors").toString();
        List<String> outputs = new ArrayList<>();
        for (Device device : List.of(Device.CPU, Device.CUDA)) {
            Path out = dir.resolve("samples-" + device);
            JouleCliTest.Result sampled = joule("sample", "--checkpoint", checkpoint, "--device", device.toString(),
                    "--sampler", "mala", "--sampler-steps", "20", "--n", "100", "--out", out.toString());
            assertEquals(0, sampled.code(), sampled::toString);
            outputs.add(Files.readString(out.resolve("samples.csv")));
            JouleCliTest.Result evaluated = joule("eval", "--checkpoint", checkpoint, "--device", device.toString(),
                    "--n", "100", "--sampler-steps", "20");
            assertEquals(0, evaluated.code(), evaluated::toString);
            outputs.add(evaluated.out());
        }
        assertEquals(outputs.get(0), outputs.get(2), "samples.csv");
        assertEquals(outputs.get(1), outputs.get(3), "eval's output");
    }

    @Test
    void benchRunsOnTheDevice() {
        JouleCliTest.Result r = joule("bench", "--device", "cuda", "--repetitions", "1", "--warmup", "0");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("cuda, "), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("SSM-VR step") && l.endsWith(" ms")), r.out());
    }

    private static void assertSameWeights(Path cpuRun, Path cudaRun) {
        List<Parameter> cpu = Model.load(cpuRun.resolve("model.safetensors"), Device.CPU).state();
        List<Parameter> cuda = Model.load(cudaRun.resolve("model.safetensors"), Device.CPU).state();
        assertEquals(cpu.size(), cuda.size());
        for (int i = 0; i < cpu.size(); i++) {
            assertArrayEquals(cpu.get(i).value().toDoubleArray(), cuda.get(i).value().toDoubleArray(), cpu.get(i).name());
        }
    }

    /** metrics.jsonl without the timings. */
    private static List<Map<String, Object>> metrics(Path run) {
        try {
            return Files.readAllLines(run.resolve("metrics.jsonl")).stream().map(Json::parseObject).peek(l -> l.remove(
                    "seconds")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
