package joule.tensor;

/** Element types of a {@link Tensor}. */
public enum DType {
    FLOAT32(4),
    FLOAT64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    @Override
    public String toString() {
        return this == FLOAT32 ? "float32" : "float64";
    }
}
