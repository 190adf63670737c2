package joule.ebm.cli;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import joule.ebm.io.AtomicFiles;

/**
 * The folder a command writes into. {@link #prepare} creates it and checks that it can be written
 * before anything else is; files are then written whole and renamed into place ({@link AtomicFiles}),
 * so a reader never sees half a file.
 */
final class OutputFolder {
    private final Path dir;

    private OutputFolder(Path dir) {
        this.dir = dir;
    }

    /** Creates {@code dir} if needed and checks that files can be created in it. */
    static OutputFolder prepare(Path dir) {
        if (dir.toString().isBlank()) {
            throw new CliException("--out is empty: give the output folder's name");
        }
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new CliException("can't create the output folder " + dir + ": " + e.getFile() + " is a file");
        } catch (IOException e) {
            throw new CliException("can't create the output folder " + dir + ": " + CliException.reason(e));
        }
        try {
            Files.delete(Files.createTempFile(dir, ".joule-", ".probe"));
        } catch (IOException e) {
            throw new CliException("can't write into the output folder " + dir + ": " + CliException.reason(e));
        }
        return new OutputFolder(dir);
    }

    /** The path of {@code name} in this folder. */
    Path path(String name) {
        return dir.resolve(name);
    }

    /** Writes {@code text} (UTF-8) to {@code name}, atomically. */
    void writeText(String name, String text) {
        write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code image} as a PNG file {@code name}, atomically. */
    void writePng(String name, BufferedImage image) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(name, png.toByteArray());
    }

    private void write(String name, byte[] bytes) {
        try {
            AtomicFiles.write(path(name), bytes);
        } catch (IOException e) {
            throw new CliException("can't write " + path(name) + ": " + CliException.reason(e));
        }
    }
}
