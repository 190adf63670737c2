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

    /**
     * A PyTorch {@code nn.Sequential(Linear(2, 8), SiLU(), Linear(8, 8), SiLU(), Linear(8, 1))} state dict
     * ({@code 0.weight, 0.bias, 2.weight, …}, as {@code safetensors.torch.save_file} writes it) loads into Joule's
     * MLP, named {@code layers.0.weight, …}, through a prefix mapping; non-strict loading reports what is left over.
     */
    @Test
    void aPyTorchSequentialStateDictLoadsThroughAPrefixMapping() throws IOException {
        MLP source = mlp(1, DType.FLOAT32);
        Map<String, Tensor> stateDict = new java.util.LinkedHashMap<>();
        for (Parameter p : source.parameters()) {
            stateDict.put(p.name().substring("layers.".length()), p.value());
        }
        Path file = dir.resolve("torch.safetensors");
        SafeTensors.write(file, stateDict, Map.of("format", "pt"));

        MLP target = mlp(2, DType.FLOAT32);
        IllegalArgumentException strict = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(file, target.parameters()));
        assertTrue(strict.getMessage().contains("missing 'layers.0.weight'")
                && strict.getMessage().contains("unexpected '0.weight'"), strict.getMessage());

        Checkpoint.Report report = Checkpoint.load(file, target.parameters(),
                Checkpoint.Options.STRICT.renaming("", "layers."));
        assertEquals(List.of(), report.missing());
        assertEquals(List.of(), report.unexpected());
        assertEquals("pt", report.metadata().get("format"));
        for (int i = 0; i < source.parameters().size(); i++) {
            assertArrayEquals(source.parameters().get(i).value().toDoubleArray(),
                    target.parameters().get(i).value().toDoubleArray(), 0);
        }

        // a state dict with an extra buffer and without the last layer: strict fails, non-strict reports both
        stateDict.remove("4.weight");
        stateDict.remove("4.bias");
        stateDict.put("norm.num_batches_tracked", Tensor.of(new float[] {3}));
        SafeTensors.write(file, stateDict, Map.of());
        MLP partial = mlp(3, DType.FLOAT32);
        double[] lastBefore = partial.parameters().getLast().value().toDoubleArray();
        Checkpoint.Options renaming = Checkpoint.Options.STRICT.renaming("", "layers.");
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(file, partial.parameters(), renaming));
        report = Checkpoint.load(file, partial.parameters(), renaming.nonStrict());
        assertEquals(List.of("layers.4.weight", "layers.4.bias"), report.missing());
        assertEquals(List.of("norm.num_batches_tracked"), report.unexpected());
        assertEquals(List.of("layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"), report.loaded());
        assertArrayEquals(lastBefore, partial.parameters().getLast().value().toDoubleArray(), 0, "missing: unchanged");
        assertArrayEquals(source.parameters().getFirst().value().toDoubleArray(),
                partial.parameters().getFirst().value().toDoubleArray(), 0);

        // shapes are checked even when names are not
        stateDict.put("0.weight", Tensor.zeros(DType.FLOAT32, 8, 3));
        SafeTensors.write(file, stateDict, Map.of());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(file, mlp(4, DType.FLOAT32).parameters(), renaming.nonStrict()));
        assertTrue(shape.getMessage().contains("'0.weight' is [8, 3] float32 in the file but [8, 2]"), shape.getMessage());
    }

    @Test
    void nonFiniteWeightsAreAnErrorNamingTheTensor() throws IOException {
        MLP saved = mlp(1, DType.FLOAT64);
        Parameter second = saved.parameters().get(1);
        double[] v = second.value().toDoubleArray();
        v[3] = Double.NaN;
        second.set(Tensor.of(v).reshape(second.value().shape()));
        Path file = dir.resolve("nan.safetensors");
        Checkpoint.save(file, saved, Map.of());
        MLP target = mlp(2, DType.FLOAT64);
        double[] before = target.parameters().getFirst().value().toDoubleArray();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(file, target));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("'" + second.name()
                + "' holds NaN at flat index 3"), e.getMessage());
        assertArrayEquals(before, target.parameters().getFirst().value().toDoubleArray(), 0, "nothing loaded");
    }

    @Test
    void nullArgumentsAreNamed() {
        MLP m = mlp(1, DType.FLOAT32);
        Path file = dir.resolve("x.safetensors");
        List<org.junit.jupiter.api.function.Executable> calls = List.of(
                () -> Checkpoint.save(null, m, Map.of()), () -> Checkpoint.save(file, (MLP) null, Map.of()),
                () -> Checkpoint.save(file, m, null), () -> Checkpoint.load(null, m),
                () -> Checkpoint.load(file, (MLP) null),
                () -> Checkpoint.load(file, m.parameters(), null), () -> SafeTensors.read(null),
                () -> SafeTensors.read("x", null), () -> SafeTensors.write(file, null, Map.of()),
                () -> Json.parseObject(null));
        for (var call : calls) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
            assertTrue(e.getMessage().contains("must not be null"), e.getMessage());
        }
    }

    /**
     * Tensors of more than 2 GiB in all (33 of 64 MiB) are written, streamed; the header's offsets pass 2^31 and
     * the last tensor's values sit at the end of the file.
     */
    @Test
    void moreThanTwoGibibytesAreWritten() throws IOException {
        int n = 1 << 24;
        int count = 33;
        Map<String, Tensor> tensors = new java.util.LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            tensors.put("t" + i, i == count - 1 ? Tensor.full(DType.FLOAT32, 2.5, n) : Tensor.zeros(DType.FLOAT32, n));
        }
        Path shm = Path.of("/dev/shm");                    // in memory where there is room: disks make this slow
        Path base = Files.isDirectory(shm) && Files.getFileStore(shm).getUsableSpace() > (3L << 30)
                ? Files.createTempDirectory(shm, "joule-") : dir;
        Path file = base.resolve("big.safetensors");
        SafeTensors.write(file, tensors, Map.of());
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "r")) {
            assertEquals(8 + headerLength(f) + 4L * n * count, f.length());
            byte[] header = new byte[(int) headerLength(f)];
            f.seek(8);
            f.readFully(header);
            Map<String, Object> h = Json.parseObject(new String(header, StandardCharsets.UTF_8).strip());
            assertEquals(List.of(4L * n * (count - 1), 4L * n * count),
                    ((Map<?, ?>) h.get("t" + (count - 1))).get("data_offsets"));
            f.seek(f.length() - 4);
            assertEquals(2.5f, Float.intBitsToFloat(Integer.reverseBytes(f.readInt())));
        } finally {
            Files.delete(file);
            if (!base.equals(dir)) {
                Files.delete(base);
            }
        }
    }

    private static long headerLength(java.io.RandomAccessFile f) throws IOException {
        f.seek(0);
        return Long.reverseBytes(f.readLong());
    }
}
