package joule.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The committed kernels (fatbin, PTX) are built from the current sources: the manifest's hashes say so. */
class KernelManifestTest {
    private static final String REBUILD = "; run cuda-kernels/build-kernels.sh (needs nvcc) and commit "
            + "cuda-kernels/src/main/resources/joule/cuda";

    @Test
    void manifestHashesMatchTheSources() throws IOException {
        Map<String, String> recorded = hashes("source ");
        Map<String, String> actual = new TreeMap<>();
        Path root = ModuleFiles.root();
        try (Stream<Path> files = Files.walk(root.resolve("src/main/cuda"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                actual.put(root.relativize(f).toString(), sha256(f));
            }
        }
        actual.put("build-kernels.sh", sha256(root.resolve("build-kernels.sh")));
        for (var e : actual.entrySet()) {
            if (!e.getValue().equals(recorded.get(e.getKey()))) {
                fail("the committed kernels are stale: " + e.getKey()
                        + (recorded.containsKey(e.getKey()) ? " changed" : " is new") + " since they were built" + REBUILD);
            }
        }
        for (String file : recorded.keySet()) {
            assertTrue(actual.containsKey(file), "the committed kernels are stale: " + file + " was removed" + REBUILD);
        }
    }

    @Test
    void manifestHashesMatchTheOutputs() throws IOException {
        Map<String, String> recorded = hashes("output ");
        assertEquals(List.of("joule.fatbin", "joule.ptx"), List.copyOf(recorded.keySet()));
        for (var e : recorded.entrySet()) {
            Path output = ModuleFiles.root().resolve("src/main/resources/joule/cuda").resolve(e.getKey());
            assertEquals(e.getValue(), sha256(output), e.getKey() + " is not what build-kernels.sh wrote" + REBUILD);
        }
    }

    /** The manifest's lines {@code <kind><sha256> <file>}, as file → hash. */
    private static Map<String, String> hashes(String kind) {
        Map<String, String> hashes = new TreeMap<>();
        for (String line : ModuleFiles.read("src/main/resources/joule/cuda/kernels.manifest").split("\n")) {
            if (line.startsWith(kind)) {
                String[] parts = line.substring(kind.length()).split(" ", 2);
                hashes.put(parts[1], parts[0]);
            }
        }
        assertTrue(!hashes.isEmpty(), "kernels.manifest lists no '" + kind.trim() + "' lines");
        return hashes;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
