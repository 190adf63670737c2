package joule.ebm.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.io.SafeTensors;
import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.ebm.sample.ReplayBuffer;
import joule.ebm.sample.SamplerOptions;
import joule.ebm.sample.UnadjustedLangevin;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corner cases of losses, scores, gradients and checkpoint files that once failed or threw the wrong exception. */
class CornerCasesTest {
    @Test
    void persistentChainsWorkWhenThePriorHasAnotherDtype() {
        Energy energy = new MLP(Activation.SILU, DType.FLOAT64, new RandomStream(1), 2, 8, 1).asEnergy();
        ReplayBuffer buffer = new ReplayBuffer(64, 0.05, ReplayBuffer.Prior.uniform(-2, 2, DType.FLOAT32, 2));
        Loss cd = new ContrastiveDivergence(energy, new UnadjustedLangevin(0.01), 3, buffer, 0.1, SamplerOptions.DEFAULT);
        Tensor data = new RandomStream(2).normal(DType.FLOAT64, 16, 2);
        RandomStream rng = new RandomStream(3);
        for (int step = 0; step < 3; step++) {
            assertTrue(Double.isFinite(cd.compute(data, rng).item()));
        }
        assertEquals(48, buffer.size());
    }

    @Test
    void scoreOfAConstantIsAnError() {
        Energy energy = new MLP(Activation.SILU, DType.FLOAT64, new RandomStream(1), 2, 8, 1).asEnergy();
        Var constant = Var.constant(Tensor.zeros(DType.FLOAT64, 3, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> energy.score(constant));
        assertTrue(e.getMessage().startsWith("score: x must require grad"), e.getMessage());
    }

    @Test
    void sumToShapeRejectsATargetWithMoreAxes() {
        Var v = Var.leaf(Tensor.ones(DType.FLOAT64, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.sumToShape(new int[] {1, 3}));
        assertTrue(e.getMessage().startsWith("sumToShape: [1, 3] has more axes"), e.getMessage());
        assertEquals(3.0, Var.leaf(Tensor.ones(DType.FLOAT64, 1, 3)).sumToShape(new int[] {3}).sum().item());
    }

    @Test
    void nonNumericOffsetsAreACorruptFile(@TempDir Path dir) throws IOException {
        byte[] header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",4]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + header.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(header.length).put(header).putFloat(1f);
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, buf.array());
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().contains("data_offsets") && e.getMessage().contains("are not two integers"), e.getMessage());
    }
}
