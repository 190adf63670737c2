package joule.ebm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import joule.autograd.Var;
import joule.ebm.nn.Activation;
import joule.ebm.nn.GaussianFourierEmbedding;
import joule.ebm.nn.Linear;
import joule.ebm.nn.MLP;
import joule.ebm.nn.Parameter;
import joule.ebm.nn.Sequential;
import joule.ebm.nn.SpectralNorm;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    private static MLP mlp(long seed, DType dtype) {
        return new MLP(Activation.SILU, dtype, new RandomStream(seed), 2, 8, 8, 1);
    }

    @Test
    void roundTripsBitForBit() throws IOException {
        for (DType dtype : DType.values()) {
            MLP saved = mlp(1, dtype);
            Path file = dir.resolve("model-" + dtype + ".safetensors");
            Checkpoint.save(file, saved.parameters(), Map.of("config", "{\"sizes\":[2,8,8,1]}", "loss", "ssm"));
            MLP loaded = mlp(2, dtype);
            Map<String, String> metadata = Checkpoint.load(file, loaded.parameters());
            assertEquals("ssm", metadata.get("loss"));
            assertEquals("{\"sizes\":[2,8,8,1]}", metadata.get("config"));
            for (int i = 0; i < saved.parameters().size(); i++) {
                Tensor a = saved.parameters().get(i).value();
                Tensor b = loaded.parameters().get(i).value();
                assertArrayEquals(a.shape(), b.shape());
                assertArrayEquals(a.toDoubleArray(), b.toDoubleArray());
            }
            Path again = dir.resolve("again-" + dtype + ".safetensors");
            Checkpoint.save(again, loaded.parameters(), Map.of("config", "{\"sizes\":[2,8,8,1]}", "loss", "ssm"));
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again), "re-saving gives the same bytes");
        }
    }

    /** A module's state is its parameters and its buffers: fixed Fourier frequencies and power-iteration vectors too. */
    @Test
    void aModuleRoundTripsWithItsBuffers() throws IOException {
        Path file = dir.resolve("sequential.safetensors");
        Sequential saved = fourierThenSpectralNorm(4);
        Var t = Var.constant(Tensor.of(new double[] {-1, 0.5}));
        saved.forward(t);                                            // one power iteration moves u and v
        Checkpoint.save(file, saved, Map.of());
        Sequential loaded = fourierThenSpectralNorm(5);
        Checkpoint.load(file, loaded);
        assertEquals(List.of("embed.1.weight", "embed.1.bias", "embed.0.W", "embed.1.weight_u", "embed.1.weight_v"),
                loaded.state().stream().map(Parameter::name).toList());
        for (int i = 0; i < saved.state().size(); i++) {
            assertArrayEquals(saved.state().get(i).value().toDoubleArray(), loaded.state().get(i).value().toDoubleArray(), 0);
        }
        assertArrayEquals(saved.forward(t).value().toDoubleArray(), loaded.forward(t).value().toDoubleArray(), 0);
    }

    private static Sequential fourierThenSpectralNorm(long seed) {
        RandomStream rng = new RandomStream(seed);
        return Sequential.builder("embed")
                .add(name -> new GaussianFourierEmbedding(name, 3, 1.0, DType.FLOAT64, rng))
                .add(name -> new SpectralNorm(new Linear(name, 6, 2, DType.FLOAT64, rng), rng))
                .build();
    }

    @Test
    void loadsFromBytesNamingTheSource() throws IOException {
        MLP saved = mlp(1, DType.FLOAT32);
        Path file = dir.resolve("model.safetensors");
        Checkpoint.save(file, saved.parameters(), Map.of("loss", "dsm"));
        byte[] bytes = Files.readAllBytes(file);
        MLP loaded = mlp(2, DType.FLOAT32);
        assertEquals("dsm", Checkpoint.load("resource model.safetensors", bytes, loaded.parameters()).get("loss"));
        for (int i = 0; i < saved.parameters().size(); i++) {
            assertArrayEquals(saved.parameters().get(i).value().toDoubleArray(),
                    loaded.parameters().get(i).value().toDoubleArray());
        }
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load("resource model.safetensors",
                Arrays.copyOf(bytes, bytes.length - 10), loaded.parameters()));
        assertTrue(e.getMessage().startsWith("resource model.safetensors: not a valid safetensors file"), e.getMessage());
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load("resource model.safetensors", bytes, mlp(1, DType.FLOAT64).parameters()));
        assertTrue(mismatch.getMessage().startsWith("checkpoint resource model.safetensors does not match"),
                mismatch.getMessage());
    }

    /** The layout PyTorch's loader expects: header length, JSON header with dtype/shape/offsets, raw little-endian data. */
    @Test
    void writesTheSafetensorsLayout() throws IOException {
        Parameter w = new Parameter("layer.weight", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        Path file = dir.resolve("w.safetensors");
        Checkpoint.save(file, List.of(w), Map.of());
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        String header = new String(buf.array(), 8, (int) n, StandardCharsets.UTF_8).trim();
        assertEquals("{\"__metadata__\":{},\"layer.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}",
                header);
        assertEquals(0, n % 8, "header padded to 8 bytes");
        buf.position((int) (8 + n));
        float[] data = new float[6];
        for (int i = 0; i < 6; i++) {
            data[i] = buf.getFloat();
        }
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, data);
    }

    @Test
    void mismatchesAreListedAndNothingIsChanged() throws IOException {
        Path file = dir.resolve("small.safetensors");
        Checkpoint.save(file, mlp(1, DType.FLOAT32).parameters(), Map.of());
        MLP wider = new MLP(Activation.SILU, DType.FLOAT32, new RandomStream(3), 2, 16, 8, 1);
        double[] before = wider.parameters().get(0).value().toDoubleArray();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(file, wider.parameters()));
        assertTrue(e.getMessage().contains("'layers.0.weight' is [8, 2] float32 in the file but [16, 2] float32 in the model"),
                e.getMessage());
        assertArrayEquals(before, wider.parameters().get(0).value().toDoubleArray());

        MLP doubles = mlp(1, DType.FLOAT64);
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(file, doubles.parameters()));
        assertTrue(e.getMessage().contains("float32 in the file but [8, 2] float64 in the model"), e.getMessage());

        MLP deeper = new MLP(Activation.SILU, DType.FLOAT32, new RandomStream(3), 2, 8, 8, 8, 1);
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(file, deeper.parameters()));
        assertTrue(e.getMessage().contains("missing 'layers.6.weight'"), e.getMessage());
    }

    @Test
    void corruptAndTruncatedFilesAreReported() throws IOException {
        Path file = dir.resolve("m.safetensors");
        Checkpoint.save(file, mlp(1, DType.FLOAT32).parameters(), Map.of());
        byte[] bytes = Files.readAllBytes(file);

        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 10));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(truncated, mlp(1, DType.FLOAT32).parameters()));
        assertTrue(e.getMessage().startsWith(truncated + ": not a valid safetensors file"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        e = assertThrows(IOException.class, () -> Checkpoint.load(tiny, mlp(1, DType.FLOAT32).parameters()));
        assertTrue(e.getMessage().contains("fewer than the 8-byte header length"), e.getMessage());

        Path garbage = dir.resolve("garbage.safetensors");
        byte[] broken = bytes.clone();
        broken[9] = (byte) '#';
        Files.write(garbage, broken);
        e = assertThrows(IOException.class, () -> Checkpoint.load(garbage, mlp(1, DType.FLOAT32).parameters()));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void anInterruptedWriteLeavesTheOldFile() throws IOException {
        Path file = dir.resolve("keep.safetensors");
        Checkpoint.save(file, mlp(1, DType.FLOAT32).parameters(), Map.of());
        byte[] before = Files.readAllBytes(file);
        Parameter nan = new Parameter("layers.0.weight", Tensor.zeros(DType.FLOAT32, 8, 2));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(file, List.of(nan, nan), Map.of()));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }
}
