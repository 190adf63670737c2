package joule.cuda;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Device memory that hands out addresses from a counter, up to a capacity, and remembers what is live. */
class FakeMemory implements DeviceMemory {
    private final long capacity;
    private final Map<Long, Long> live = new HashMap<>();
    private final List<Long> allocations = new ArrayList<>();
    private long next = 0x7f00_0000_0000L;
    private long used;

    FakeMemory(long capacity) {
        this.capacity = capacity;
    }

    @Override
    public long allocate(long bytes) {
        if (used + bytes > capacity) {
            return 0;
        }
        long address = next;
        next += bytes + (1 << 20);
        used += bytes;
        live.put(address, bytes);
        allocations.add(bytes);
        return address;
    }

    @Override
    public void free(long address) {
        Long bytes = live.remove(address);
        if (bytes == null) {
            throw new AssertionError("free of 0x" + Long.toHexString(address) + ", which is not a live allocation");
        }
        used -= bytes;
    }

    /** Bytes allocated and not freed. */
    long used() {
        return used;
    }

    /** The size of every allocation so far, in order. */
    List<Long> allocations() {
        return List.copyOf(allocations);
    }
}
