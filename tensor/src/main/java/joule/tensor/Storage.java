package joule.tensor;

/**
 * A flat buffer of elements owned by a backend. Tensors are views over a storage (shape, strides,
 * offset); several tensors may share one storage.
 */
public interface Storage {
    /** The device the buffer lives on. */
    Device device();

    /** The element type. */
    DType dtype();

    /** Number of elements. */
    int size();
}
