package joule.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the cuda-kernels module (the folder above target/test-classes), whatever the working directory. */
final class ModuleFiles {
    private ModuleFiles() {
    }

    /** The module's folder. */
    static Path root() {
        try {
            Path classes = Path.of(ModuleFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return classes.getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text of a file of the module, by path relative to the module's folder. */
    static String read(String relative) {
        try {
            return Files.readString(root().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
