package joule.tensor;

/** Where a tensor's storage lives. Each device is served by one {@link Backend}. */
public enum Device {
    CPU,
    CUDA;

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
