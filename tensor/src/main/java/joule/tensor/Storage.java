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

    /**
     * Records the op that made this storage, for the message if it is used after a {@link Workspace} took its
     * buffer back (the first op named is kept). Storage outside workspaces may ignore it.
     */
    default void label(String op) {
    }

    /** Keeps this storage out of the {@link Workspace} scope it was made in ({@link Workspace#keep}); else nothing. */
    default void keep() {
    }
}
