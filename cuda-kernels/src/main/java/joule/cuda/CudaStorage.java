package joule.cuda;

import java.lang.ref.Cleaner;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Storage;

/**
 * A buffer of float32 or float64 elements in GPU memory, a block of the {@link CachingAllocator}. When the storage
 * becomes unreachable its block goes back to the pool (through a {@link Cleaner}), ready for the next tensor.
 */
public final class CudaStorage implements Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final DType dtype;
    private final int size;
    private final long address;

    private CudaStorage(DType dtype, int size, long address) {
        this.dtype = dtype;
        this.size = size;
        this.address = address;
    }

    /** A storage of {@code size} elements, uninitialised, whose block returns to {@code allocator} once unreachable. */
    static CudaStorage allocate(CachingAllocator allocator, DType dtype, int size) {
        CachingAllocator.Block block = allocator.allocate((long) size * dtype.bytes());
        CudaStorage storage = new CudaStorage(dtype, size, block.address());
        CLEANER.register(storage, () -> allocator.release(block));
        return storage;
    }

    /** The device address of element 0. */
    long address() {
        return address;
    }

    @Override
    public Device device() {
        return Device.CUDA;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int size() {
        return size;
    }
}
