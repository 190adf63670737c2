package joule.ebm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import joule.ebm.energy.Energy;
import joule.ebm.nn.MLP;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model rebuilt from its checkpoint alone, through the public {@link SavedModel}. */
class SavedModelTest {
    @TempDir
    Path dir;

    @Test
    void aCheckpointAloneRebuildsTheModel() {
        Path run = dir.resolve("run");
        JouleCliTest.Result r = JouleCliTest.joule("train", "--steps", "5", "--hidden", "8,8", "--eval-every", "0",
                "--eval-samples", "2", "--sampler-steps", "1", "--out", run.toString());
        assertEquals(0, r.code(), r::toString);
        Path checkpoint = run.resolve("model.safetensors");
        SavedModel m = SavedModel.load(checkpoint, Device.CPU);
        assertEquals(5, m.step());
        assertEquals(2, m.dim());
        assertTrue(m.network() instanceof MLP);
        assertTrue(m.scoreNetwork().isEmpty());
        assertTrue(m.configJson().contains("\"hidden\": [8, 8]"), m.configJson());
        Energy e = m.energy().orElseThrow();
        Tensor x = Tensor.zeros(DType.FLOAT32, 3, 2);
        assertArrayEquals(Model.load(checkpoint, Device.CPU).energy().energy(x).toDoubleArray(),
                e.energy(x).toDoubleArray(), 0);
        assertArrayEquals(new int[] {7, 2}, m.sample(7, new RandomStream(1)).shape());
        assertArrayEquals(m.sample(7, new RandomStream(1)).toDoubleArray(), m.sample(7, new RandomStream(1)).toDoubleArray(),
                0);

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> SavedModel.load(dir.resolve("absent.safetensors"), Device.CPU));
        assertTrue(missing.getMessage().contains("absent.safetensors") && missing.getMessage().contains("does not exist"),
                missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SavedModel.load(null, Device.CPU));
    }
}
