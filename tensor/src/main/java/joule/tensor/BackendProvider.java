package joule.tensor;

/** Service interface through which modules such as {@code cuda-kernels} plug a {@link Backend} in. */
public interface BackendProvider {
    /** The device the provided backend serves. */
    Device device();

    /**
     * Creates the backend (called once).
     *
     * @throws IllegalStateException saying why the device cannot be used (no driver, no device)
     */
    Backend create();
}
