package joule.cuda;

/**
 * What {@link CudaBackend} needs of a GPU: memory, kernel launches and copies on one in-order stream.
 * {@link CudaDevice} is the real one; tests use a fake that checks launches against the kernels' signatures.
 * Host arrays are {@code float[]}, {@code double[]} or {@code byte[]}, copied whole.
 */
interface Gpu extends DeviceMemory {
    /** The device's name. */
    String name();

    /** Number of streaming multiprocessors (to size grid-stride launches). */
    int multiprocessors();

    /** Queues {@code kernel} on a {@code gridX × gridY} grid of {@code threads}-thread blocks; {@code op} names errors. */
    void launch(Kernel kernel, String op, int gridX, int gridY, int threads, KernelArgs args);

    /** Queues a copy of a host array to device address {@code dst} (the array may be reused once this returns). */
    void copyToDevice(long dst, Object hostArray, String op);

    /** Copies device memory at {@code src} into a host array; call {@link #synchronize} first. */
    void copyToHost(Object hostArray, long src, String op);

    /** Queues setting {@code count} 32-bit words from device address {@code dst} to {@code word}. */
    void fill32(long dst, int word, long count, String op);

    /** Waits until all queued work has finished; errors of earlier kernels surface here. */
    void synchronize(String op);
}
