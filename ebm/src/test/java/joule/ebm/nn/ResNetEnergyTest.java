package joule.ebm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import joule.autograd.GradCheck;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.io.Checkpoint;
import joule.ebm.loss.DenoisingScoreMatching;
import joule.ebm.optim.Adam;
import joule.ebm.optim.Optimizer;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ResNetEnergy: shapes and names, bad input, derivatives of order 1 to 3 in x and θ, spectral-norm bookkeeping, DSM. */
class ResNetEnergyTest {
    /** Two stages of two channels on 4×4 single-channel images: 4 → 2 pixels a side. */
    private static final ResNetEnergy.Config TINY = new ResNetEnergy.Config(1, 4, 4, List.of(2, 3), 1,
            Activation.SILU, true);

    private static ResNetEnergy tiny(long seed) {
        ResNetEnergy e = new ResNetEnergy(TINY, DType.FLOAT64, new RandomStream(seed));
        e.setIterating(false);
        return e;
    }

    @Test
    void imagesAndFlatRowsGiveOneEnergyPerSample() {
        ResNetEnergy.Config config = ResNetEnergy.Config.of(2, 8, 8, 4, 3).withBlocksPerStage(2);
        ResNetEnergy energy = new ResNetEnergy(config, DType.FLOAT32, new RandomStream(1));
        Tensor x = new RandomStream(2).uniform(-1, 1, DType.FLOAT32, 5, 2, 8, 8);
        Tensor e = energy.energy(x);
        assertArrayEquals(new int[] {5}, e.shape());
        assertEquals(DType.FLOAT32, e.dtype());
        assertArrayEquals(e.toDoubleArray(), energy.energy(x.reshape(5, 128)).toDoubleArray(), 0);
        assertArrayEquals(new int[] {5, 2, 8, 8}, energy.score(x).shape());
        assertArrayEquals(new int[] {5, 128}, energy.score(x.reshape(5, 128)).shape());
        assertArrayEquals(energy.score(x).reshape(5, 128).toDoubleArray(), energy.score(x.reshape(5, 128)).toDoubleArray(), 0);
        assertEquals(List.of(2, 8, 8), List.of(config.imageChannels(), config.height(), config.width()));
        assertEquals(128, config.dimension());
    }

    @Test
    void parametersAndBuffersHavePyTorchNames() {
        ResNetEnergy energy = new ResNetEnergy(TINY, DType.FLOAT64, new RandomStream(1));
        assertEquals(List.of("conv_in.weight", "conv_in.bias", "blocks.0.conv1.weight", "blocks.0.conv1.bias",
                "blocks.0.conv2.weight", "blocks.0.conv2.bias", "blocks.1.conv1.weight", "blocks.1.conv1.bias",
                "blocks.1.conv2.weight", "blocks.1.conv2.bias", "blocks.1.skip.weight", "blocks.1.skip.bias",
                "head.weight", "head.bias"), energy.parameters().stream().map(Parameter::name).toList());
        assertEquals(List.of("conv_in.weight_u", "conv_in.weight_v", "blocks.0.conv1.weight_u", "blocks.0.conv1.weight_v",
                "blocks.0.conv2.weight_u", "blocks.0.conv2.weight_v", "blocks.1.conv1.weight_u", "blocks.1.conv1.weight_v",
                "blocks.1.conv2.weight_u", "blocks.1.conv2.weight_v", "blocks.1.skip.weight_u", "blocks.1.skip.weight_v",
                "head.weight_u", "head.weight_v"), energy.buffers().stream().map(Parameter::name).toList());
        assertArrayEquals(new int[] {3, 2, 3, 3}, energy.parameters().get(6).value().shape());
        assertEquals(7, energy.spectralNorms().size());
        ResNetEnergy plain = new ResNetEnergy(TINY.withSpectralNorm(false), DType.FLOAT64, new RandomStream(1));
        assertEquals(energy.parameters().stream().map(Parameter::name).toList(),
                plain.parameters().stream().map(Parameter::name).toList());
        assertEquals(List.of(), plain.buffers());
        assertEquals(List.of(), plain.spectralNorms());
    }

    @Test
    void theSameSeedGivesTheSameNetwork() {
        Tensor x = new RandomStream(3).normal(DType.FLOAT64, 2, 1, 4, 4);
        assertArrayEquals(tiny(4).energy(x).toDoubleArray(), tiny(4).energy(x).toDoubleArray(), 0);
        assertNotEquals(tiny(4).energy(x).toDoubleArray()[0], tiny(5).energy(x).toDoubleArray()[0]);
    }

    @Test
    void badInputNamesTheModelAndTheShapes() {
        ResNetEnergy energy = tiny(1);
        for (int[] shape : new int[][] {{2, 3, 4, 4}, {2, 1, 4, 5}, {2, 1, 16}, {2, 17}, {16}}) {
            Tensor x = Tensor.zeros(DType.FLOAT64, shape);
            var e = assertThrows(IllegalArgumentException.class, () -> energy.energy(x));
            assertTrue(e.getMessage().startsWith("ResNetEnergy: input " + joule.tensor.Shapes.format(shape)
                    + " should be [B, 1, 4, 4] or flat [B, 16]"), e.getMessage());
        }
        var odd = assertThrows(IllegalArgumentException.class,
                () -> new ResNetEnergy.Config(1, 28, 28, List.of(8, 8, 8, 8), 1, Activation.SILU, true));
        assertTrue(odd.getMessage().contains("divisible by 8, got 28×28"), odd.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new ResNetEnergy.Config(1, 4, 4, List.of(), 1, Activation.SILU, true));
        assertThrows(IllegalArgumentException.class,
                () -> new ResNetEnergy.Config(1, 4, 4, List.of(2, 0), 1, Activation.SILU, true));
        assertThrows(IllegalArgumentException.class,
                () -> new ResNetEnergy.Config(0, 4, 4, List.of(2), 1, Activation.SILU, true));
        assertThrows(IllegalArgumentException.class, () -> new ResNetEnergy.Config(1, 4, 4, List.of(2), 1, null, true));
    }

    /** E(x; θ) with the spectral norms frozen: first derivatives in x and in every parameter. */
    @Test
    void energyPassesGradcheckInXAndTheta() {
        ResNetEnergy energy = tiny(6);
        Tensor x = new RandomStream(7).normal(DType.FLOAT64, 2, 1, 4, 4);
        var report = GradCheck.gradcheck(ParameterInputs.bound(energy.parameters(), 1, in -> energy.energy(in[0])),
                ParameterInputs.values(energy.parameters(), x));
        assertTrue(report.passed(), report::toString);
    }

    /**
     * The score −∇ₓE(x; θ) as a function of x and θ (what DSM differentiates in θ): its derivatives (second
     * derivatives of E) by gradcheck, and theirs (third derivatives) by gradgradcheck.
     */
    @Test
    void scorePassesGradcheckAndGradgradcheckInXAndTheta() {
        ResNetEnergy energy = new ResNetEnergy(new ResNetEnergy.Config(1, 4, 4, List.of(1, 2), 1, Activation.SILU, true),
                DType.FLOAT64, new RandomStream(8));
        energy.setIterating(false);
        Tensor x = new RandomStream(9).normal(DType.FLOAT64, 2, 1, 4, 4);
        var score = ParameterInputs.bound(energy.parameters(), 1, in -> energy.score(in[0]));
        Tensor[] inputs = ParameterInputs.values(energy.parameters(), x);
        var first = GradCheck.gradcheck(score, inputs);
        assertTrue(first.passed(), first::toString);
        var second = GradCheck.gradgradcheck(score, inputs);
        assertTrue(second.passed(), second::toString);
    }

    /** A sampler's score(Tensor) is the recorded score's value, moves no u, v and leaves the parameters' own leaves in place. */
    @Test
    void samplerEvaluationsReadTheModelWithoutChangingIt() {
        ResNetEnergy energy = new ResNetEnergy(TINY, DType.FLOAT64, new RandomStream(10));
        Tensor x = new RandomStream(11).normal(DType.FLOAT64, 3, 1, 4, 4);
        List<Var> leaves = energy.parameters().stream().map(Parameter::var).toList();
        double[] buffers = buffers(energy);
        Energy.EnergyAndScore es = energy.energyAndScore(x);
        Tensor s = energy.score(x);
        Tensor e = energy.energy(x);
        assertArrayEquals(buffers, buffers(energy), 0, "no power iteration");
        assertEquals(leaves, energy.parameters().stream().map(Parameter::var).toList());
        assertTrue(energy.spectralNorms().stream().allMatch(SpectralNorm::isIterating), "iterating restored");
        energy.setIterating(false);
        Var in = Var.leaf(x);
        assertArrayEquals(energy.energy(in).value().toDoubleArray(), e.toDoubleArray(), 0);
        Tensor recorded = joule.autograd.Autograd.grad(energy.energy(in).sum(), in)[0].value().neg();
        assertArrayEquals(recorded.toDoubleArray(), s.toDoubleArray(), 0, "the same bits with weight gradients or without");
        assertArrayEquals(s.toDoubleArray(), es.score().toDoubleArray(), 0);
        assertArrayEquals(e.toDoubleArray(), es.energy().toDoubleArray(), 0);
        assertTrue(energy.parameters().stream().allMatch(p -> p.grad() == null), "no weight gradients from samplers");
    }

    /** A DSM step (forward, score by a recorded backward pass, backward in θ) takes exactly one power iteration. */
    @Test
    void aDsmStepTakesOnePowerIterationPerLayer() {
        ResNetEnergy trained = new ResNetEnergy(TINY, DType.FLOAT64, new RandomStream(12));
        ResNetEnergy reference = new ResNetEnergy(TINY, DType.FLOAT64, new RandomStream(12));
        Tensor x = new RandomStream(13).normal(DType.FLOAT64, 3, 1, 4, 4);
        new DenoisingScoreMatching(trained, 0.1).compute(x, new RandomStream(14)).backward();
        assertTrue(trained.parameters().stream().allMatch(p -> p.grad() != null || p.name().equals("head.bias")),
                "every parameter but head.bias (which no score depends on) has a gradient");
        double[] before = buffers(reference);
        reference.spectralNorms().forEach(SpectralNorm::iterate);
        assertNotEquals(before[0], buffers(reference)[0]);
        assertArrayEquals(buffers(reference), buffers(trained), 0);
    }

    private static double[] buffers(ResNetEnergy energy) {
        return energy.buffers().stream().flatMapToDouble(p -> java.util.Arrays.stream(p.value().toDoubleArray())).toArray();
    }

    /**
     * Denoising score matching of the energy (its score differentiated in θ) lowers the loss on a fixed batch
     * (without spectral normalisation, whose Lipschitz bound caps the score below the ‖ε‖/σ DSM asks for).
     */
    @Test
    void denoisingScoreMatchingThroughDoubleBackpropLowersTheLoss() {
        ResNetEnergy.Config config = ResNetEnergy.Config.of(1, 8, 8, 4, 2).withSpectralNorm(false);
        ResNetEnergy energy = new ResNetEnergy(config, DType.FLOAT32, new RandomStream(15));
        Tensor batch = new RandomStream(16).uniform(-1, 1, DType.FLOAT32, 8, 1, 8, 8).sign().mul(0.5);
        DenoisingScoreMatching dsm = new DenoisingScoreMatching(energy, 0.5);
        Optimizer adam = new Adam(energy.parameters(), 1e-2);
        double before = evaluate(dsm, batch);
        RandomStream rng = new RandomStream(17);
        for (int step = 0; step < 30; step++) {
            adam.zeroGrad();
            dsm.compute(batch, rng).backward();
            adam.step();
        }
        double after = evaluate(dsm, batch);
        assertTrue(after < 0.8 * before, "DSM loss " + before + " → " + after);
    }

    /** The loss with fixed noise (the same ε every time). */
    private static double evaluate(DenoisingScoreMatching dsm, Tensor batch) {
        return dsm.compute(batch, new RandomStream(99)).item();
    }

    /** What a checkpoint needs: the config rebuilds the network, the state (parameters, u and v) its function. */
    @Test
    void aCheckpointRestoresTheEnergyBitForBit(@TempDir Path dir) throws IOException {
        ResNetEnergy saved = new ResNetEnergy(TINY, DType.FLOAT32, new RandomStream(18));
        Tensor x = new RandomStream(19).normal(DType.FLOAT32, 3, 16);
        saved.energy(Var.constant(x));                    // moves u, v once more
        Path file = dir.resolve("resnet.safetensors");
        Checkpoint.save(file, saved, Map.of());
        ResNetEnergy loaded = new ResNetEnergy(saved.config(), DType.FLOAT32, new RandomStream(20));
        Checkpoint.load(file, loaded);
        assertArrayEquals(buffers(saved), buffers(loaded), 0);
        assertArrayEquals(saved.energy(x).toDoubleArray(), loaded.energy(x).toDoubleArray(), 0);
        assertArrayEquals(saved.score(x).toDoubleArray(), loaded.score(x).toDoubleArray(), 0);
    }

    @Test
    void configKeepsAnImmutableCopyOfTheChannels() {
        java.util.ArrayList<Integer> channels = new java.util.ArrayList<>(List.of(2, 2));
        ResNetEnergy.Config config = new ResNetEnergy.Config(1, 4, 4, channels, 1, Activation.SILU, false);
        channels.add(3);
        assertEquals(List.of(2, 2), config.channels());
        assertSame(Activation.TANH, config.withActivation(Activation.TANH).activation());
        assertEquals(config, new ResNetEnergy.Config(1, 4, 4, List.of(2, 2), 1, Activation.SILU, false));
    }
}
