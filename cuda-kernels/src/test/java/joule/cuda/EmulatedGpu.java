package joule.cuda;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * A {@link Gpu} that runs the real kernels on the host: src/test/cuda/host_device.cpp, compiled by g++ against
 * stand-ins for CUDA's built-ins and for the wmma API (host_shim.h, mma.h), serves memory, copies and launches over
 * a pipe; each block runs on its own threads with a barrier for {@code __syncthreads}. Needs g++.
 */
final class EmulatedGpu implements Gpu {
    private static final HexFormat HEX = HexFormat.of();

    private final Process process;
    private final PrintWriter commands;
    private final BufferedReader replies;

    private EmulatedGpu(Process process) {
        this.process = process;
        this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.US_ASCII);
        this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    }

    /** The g++ on PATH, if any. */
    static Optional<Path> compiler() {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":")).filter(s -> !s.isEmpty())
                .map(s -> Path.of(s, "g++")).filter(Files::isExecutable).findFirst();
    }

    /** Compiles the emulator into {@code dir} with {@code compiler} and starts it. */
    static EmulatedGpu start(Path compiler, Path dir) throws IOException, InterruptedException {
        Path binary = dir.resolve("host_device");
        Process build = new ProcessBuilder(compiler.toString(), "-std=c++20", "-O1", "-ffp-contract=off",
                "-Wno-unknown-pragmas", "-pthread", "-I", ModuleFiles.root().resolve("src/test/cuda").toString(), "-o",
                binary.toString(),
                ModuleFiles.root().resolve("src/test/cuda/host_device.cpp").toString())
                .redirectErrorStream(true).start();
        String log = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (build.waitFor() != 0) {
            throw new IllegalStateException("g++ failed to build the emulated GPU:\n" + log);
        }
        return new EmulatedGpu(new ProcessBuilder(binary.toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start());
    }

    private synchronized String send(String command) {
        commands.println(command);
        try {
            String reply = replies.readLine();
            if (reply == null || reply.startsWith("error")) {
                throw new IllegalStateException("emulated GPU: " + command.split(" ")[0] + ": " + reply);
            }
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return "emulated GPU";
    }

    @Override
    public int multiprocessors() {
        return 1;
    }

    @Override
    public long allocate(long bytes) {
        return Long.parseUnsignedLong(send("alloc " + bytes));
    }

    @Override
    public void free(long address) {
        send("free " + Long.toUnsignedString(address));
    }

    @Override
    public void launch(Kernel kernel, String op, int gridX, int gridY, int threads, KernelArgs args) {
        StringJoiner line = new StringJoiner(" ");
        line.add("launch").add(kernel.entry()).add(Integer.toString(gridX)).add(Integer.toString(gridY))
                .add(Integer.toString(threads));
        for (Object v : args.values()) {
            line.add(switch (v) {
                case Integer i -> "i:" + i;
                case Long l -> "u:" + Long.toUnsignedString(l);
                case Double d -> "d:" + Long.toHexString(Double.doubleToRawLongBits(d));
                case int[] words -> "s:" + String.join(",", Arrays.stream(words).mapToObj(Integer::toString).toList());
                default -> throw new IllegalArgumentException("kernel argument " + v);
            });
        }
        send(line.toString());
        args.launched();
    }

    @Override
    public void copyToDevice(long dst, Object hostArray, String op) {
        send("upload " + Long.toUnsignedString(dst) + " " + HEX.formatHex(HostArrays.toBytes(hostArray)));
    }

    @Override
    public void copyToHost(Object hostArray, long src, String op) {
        String hex = send("download " + Long.toUnsignedString(src) + " " + HostArrays.byteSize(hostArray));
        HostArrays.fromBytes(HEX.parseHex(hex), hostArray);
    }

    @Override
    public void fill32(long dst, int word, long count, String op) {
        send("fill32 " + Long.toUnsignedString(dst) + " " + Integer.toUnsignedString(word) + " " + count);
    }

    @Override
    public void synchronize(String op) {
    }

    /** Ends the emulator process. */
    void stop() throws InterruptedException {
        commands.close();
        process.waitFor();
    }
}
