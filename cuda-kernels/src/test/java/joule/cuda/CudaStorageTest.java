package joule.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.tensor.DType;
import joule.tensor.Device;
import org.junit.jupiter.api.Test;

/** A storage's block goes back to the pool once the storage is unreachable, and is then reused. */
class CudaStorageTest {
    private final FakeMemory memory = new FakeMemory(1L << 30);
    private final CachingAllocator allocator = new CachingAllocator(memory, CachingAllocator::collectGarbage);

    @Test
    void describesItself() {
        CudaStorage s = CudaStorage.allocate(allocator, DType.FLOAT64, 1000);
        assertEquals(Device.CUDA, s.device());
        assertEquals(DType.FLOAT64, s.dtype());
        assertEquals(1000, s.size());
        assertEquals(8192, allocator.allocatedBytes());
    }

    @Test
    void unreachableStorageReturnsItsBlock() throws InterruptedException {
        long address = allocateAndDrop();
        for (int i = 0; i < 200 && allocator.allocatedBytes() > 0; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertEquals(0, allocator.allocatedBytes(), "the cleaner did not release the block");
        assertEquals(address, CudaStorage.allocate(allocator, DType.FLOAT32, 1 << 20).address());
        assertEquals(1, memory.allocations().size());
    }

    @Test
    void aFullDeviceCollectsUnreachableStorages() {
        FakeMemory small = new FakeMemory(8L << 20);
        CachingAllocator pool = new CachingAllocator(small, CachingAllocator::collectGarbage);
        for (int i = 0; i < 50; i++) {
            CudaStorage s = CudaStorage.allocate(pool, DType.FLOAT32, 1 << 20);
            assertTrue(s.address() != 0);
        }
        assertTrue(small.used() <= 8L << 20);
    }

    private long allocateAndDrop() {
        return CudaStorage.allocate(allocator, DType.FLOAT32, 1 << 20).address();
    }
}
