package joule.gpu;

import static joule.gpu.Accuracy.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import joule.ebm.cli.Joule;
import joule.ebm.data.ToyDataset;
import joule.ebm.loss.Loss;
import joule.ebm.loss.Projection;
import joule.ebm.loss.SlicedScoreMatching;
import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.ebm.nn.Parameter;
import joule.ebm.optim.Adam;
import joule.ebm.sample.Mala;
import joule.ebm.sample.SampleResult;
import joule.ebm.sample.Sampler;
import joule.ebm.sample.UnadjustedLangevin;
import joule.ebm.train.Trainer;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Whole computations on CUDA against the same ones on the CPU (float32 both, the same seeds): an
 * SSM training run, ULA and MALA sampling; and {@code joule bench --device cuda}.
 * The two devices round differently, so results agree to a tolerance: 1e-3 after 30 Adam steps
 * (Adam's first steps move by ±lr whatever the gradient's size, so a tiny gradient may flip), 1e-4
 * for 100 ULA steps, and for MALA the same accept/reject decisions in all but a few chains.
 */
class EndToEndOnCudaTest extends CudaTest {
    private static MLP mlp(Device device) {
        MLP mlp = new MLP(Activation.SILU, DType.FLOAT32, new RandomStream(1), 2, 64, 64, 1);
        mlp.to(device);
        return mlp;
    }

    /** Losses of each step, then every parameter, of a short SSM run on {@code device}. */
    private static double[][] train(Device device) {
        MLP mlp = mlp(device);
        Loss loss = new SlicedScoreMatching(mlp.asEnergy(), 1, Projection.RADEMACHER, false);
        Tensor data = ToyDataset.TWO_MOONS.sample(2048, DType.FLOAT32, new RandomStream(2)).to(device);
        Trainer.Result result = new Trainer(loss, new Adam(loss.parameters(), 1e-3), data,
                Trainer.Options.defaults().withSteps(30).withBatchSize(256).withEvalEvery(0).withSeed(3)).run();
        return new double[][] {result.steps().stream().mapToDouble(Trainer.StepRecord::loss).toArray(),
            mlp.parameters().stream().map(Parameter::value).flatMapToDouble(t -> java.util.Arrays.stream(t.toDoubleArray()))
                    .toArray()};
    }

    @Test
    void ssmTrainingMatchesTheCpuRun() {
        double[][] cpu = train(Device.CPU);
        double[][] gpu = train(Device.CUDA);
        assertClose(label("SSM losses"), gpu[0], cpu[0], 1e-3, 0);
        assertClose(label("parameters after 30 SSM steps"), gpu[1], cpu[1], 1e-3, 0);
    }

    private static SampleResult sample(Sampler sampler, Device device) {
        Tensor init = new RandomStream(4).normal(DType.FLOAT32, 4096, 2).to(device);
        return sampler.sample(mlp(device).asEnergy(), init, 100, new RandomStream(5));
    }

    @Test
    void ulaMatchesTheCpuChains() {
        UnadjustedLangevin ula = new UnadjustedLangevin(0.01);
        assertClose(label("ULA states after 100 steps"), sample(ula, Device.CUDA).state(),
                sample(ula, Device.CPU).state(), DType.FLOAT32, 1e-4);
    }

    @Test
    void malaMatchesTheCpuChainsButForAFewDecisions() {
        Mala mala = new Mala(0.05);
        SampleResult cpu = sample(mala, Device.CPU);
        SampleResult gpu = sample(mala, Device.CUDA);
        double[] a = cpu.state().toDoubleArray();
        double[] b = gpu.state().toDoubleArray();
        int differing = 0;
        for (int c = 0; c < a.length / 2; c++) {
            double d = Math.hypot(a[2 * c] - b[2 * c], a[2 * c + 1] - b[2 * c + 1]);
            differing += d <= 1e-4 * Math.max(1, Math.hypot(a[2 * c], a[2 * c + 1])) ? 0 : 1;
        }
        assertTrue(differing <= a.length / 2 / 100, label(differing + " of " + a.length / 2 + " chains differ"));
        assertEquals(cpu.meanAcceptance(), gpu.meanAcceptance(), 0.01, label("mean acceptance"));
    }

    /**
     * {@code joule bench --device cuda}. (train, sample and eval on a device are checked on ebm's
     * emulated CUDA device; the runtime bench/gpu/pack makes for the GPU machine draws no pictures.)
     */
    @Test
    void theCommandBenchmarksCuda() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = Joule.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        assertEquals(0, command.execute("bench", "--device", "cuda", "--repetitions", "1", "--warmup", "0"),
                label("joule bench --device cuda: " + err));
        assertTrue(out.toString().startsWith("cuda, "), label(out.toString()));
    }
}
