package joule.cuda;

import java.util.Comparator;
import java.util.TreeSet;

/**
 * A pool of device memory, so that a training loop does not call the driver's allocator for every tensor.
 *
 * <p>Requests are rounded up to multiples of {@value #ALIGNMENT} bytes. Requests of at most {@link #SMALL_REQUEST}
 * bytes are carved out of {@link #SMALL_SEGMENT}-byte segments (the small pool); larger ones out of segments of
 * their size rounded up to {@link #LARGE_ROUNDING} (the large pool). A request takes the smallest free block of its
 * pool that fits, split when the rest is worth keeping ({@value #ALIGNMENT} bytes in the small pool, more than
 * {@link #SMALL_REQUEST} in the large one); a released block merges with its free neighbours. Only when no block
 * fits is a segment allocated. When the device is full, the free segments are given back and the allocation tried
 * again; if that fails too, the {@code reclaim} action runs (in the backend: a garbage collection, since blocks of
 * unreachable tensors come back only through their {@link java.lang.ref.Cleaner}, and the Java heap may be far from
 * full when the GPU is) and the allocation is tried again, a few times.
 *
 * <p>A released block is reused at once. That is safe because every kernel and copy of the CUDA backend runs on one
 * stream, in order: work queued before the release has finished with the block before work queued after it starts.
 * Thread-safe.
 */
final class CachingAllocator {
    /** Granularity of requests, in bytes. */
    static final long ALIGNMENT = 512;
    /** Largest request served from the small pool. */
    static final long SMALL_REQUEST = 1 << 20;
    /** Size of a segment of the small pool. */
    static final long SMALL_SEGMENT = 2 << 20;
    /** Large segments are rounded up to a multiple of this. */
    static final long LARGE_ROUNDING = 2 << 20;

    private static final Comparator<Block> BY_SIZE_THEN_ADDRESS =
            Comparator.comparingLong((Block b) -> b.size).thenComparingLong(b -> b.address);

    /** A piece of a segment, either handed out or free. */
    static final class Block {
        private final long segmentAddress;
        private final long segmentSize;
        private final boolean small;
        private final long address;
        private long size;
        private boolean free;
        private Block previous;
        private Block next;

        private Block(long segmentAddress, long segmentSize, boolean small, long address, long size) {
            this.segmentAddress = segmentAddress;
            this.segmentSize = segmentSize;
            this.small = small;
            this.address = address;
            this.size = size;
        }

        /** The device address of the block's first byte. */
        long address() {
            return address;
        }

        /** The usable size in bytes (the request rounded up, or more when a remainder was too small to split off). */
        long size() {
            return size;
        }

        private boolean wholeSegment() {
            return previous == null && next == null;
        }
    }

    /** Times {@code reclaim} runs before an allocation gives up. */
    static final int RECLAIM_ATTEMPTS = 3;

    private final DeviceMemory memory;
    private final Runnable reclaim;
    private final TreeSet<Block> freeSmall = new TreeSet<>(BY_SIZE_THEN_ADDRESS);
    private final TreeSet<Block> freeLarge = new TreeSet<>(BY_SIZE_THEN_ADDRESS);
    private long reserved;
    private long allocated;

    /**
     * @param memory  where segments come from
     * @param reclaim run, without the allocator's lock, when the device is full: it may release blocks
     */
    CachingAllocator(DeviceMemory memory, Runnable reclaim) {
        this.memory = memory;
        this.reclaim = reclaim;
    }

    /** The backend's reclaim action: a garbage collection, then a moment for the cleaner thread to release blocks. */
    static void collectGarbage() {
        System.gc();
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A block of at least {@code bytes} bytes (at least one {@value #ALIGNMENT}-byte unit, also for 0 bytes).
     *
     * @throws IllegalStateException when the device has no room for it, even after giving back the free segments
     *                               and reclaiming
     */
    Block allocate(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cuda allocator: negative size " + bytes);
        }
        long size = Math.max(ALIGNMENT, (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT);
        for (int attempt = 0; ; attempt++) {
            Block block = tryAllocate(size);
            if (block != null) {
                return block;
            }
            if (attempt == RECLAIM_ATTEMPTS) {
                synchronized (this) {
                    throw new IllegalStateException("cuda: out of device memory allocating " + bytes + " bytes (the "
                            + "pool holds " + reserved + " bytes, of which " + allocated + " are in use by live tensors)");
                }
            }
            reclaim.run();
        }
    }

    /** A block of {@code size} bytes from the pool or a new segment, or null when the device is full. */
    private synchronized Block tryAllocate(long size) {
        boolean small = size <= SMALL_REQUEST;
        TreeSet<Block> pool = small ? freeSmall : freeLarge;
        Block block = pool.ceiling(new Block(0, 0, small, 0, size));
        if (block != null) {
            pool.remove(block);
        } else {
            block = newSegment(small, size);
            if (block == null) {
                return null;
            }
        }
        split(block, size, pool);
        block.free = false;
        allocated += block.size;
        return block;
    }

    private Block newSegment(boolean small, long size) {
        long segmentSize = small ? SMALL_SEGMENT : (size + LARGE_ROUNDING - 1) / LARGE_ROUNDING * LARGE_ROUNDING;
        long address = memory.allocate(segmentSize);
        if (address == 0) {
            emptyCache();
            address = memory.allocate(segmentSize);
        }
        if (address == 0) {
            return null;
        }
        reserved += segmentSize;
        return new Block(address, segmentSize, small, address, segmentSize);
    }

    /** Cuts {@code block} down to {@code size} when the remainder is worth keeping, and frees the remainder. */
    private void split(Block block, long size, TreeSet<Block> pool) {
        long rest = block.size - size;
        if (block.small ? rest < ALIGNMENT : rest <= SMALL_REQUEST) {
            return;
        }
        Block remainder = new Block(block.segmentAddress, block.segmentSize, block.small, block.address + size, rest);
        remainder.free = true;
        remainder.previous = block;
        remainder.next = block.next;
        if (block.next != null) {
            block.next.previous = remainder;
        }
        block.next = remainder;
        block.size = size;
        pool.add(remainder);
    }

    /** Returns a block to the pool, merged with free neighbours. */
    synchronized void release(Block block) {
        if (block.free) {
            throw new IllegalStateException("cuda allocator: block at 0x" + Long.toHexString(block.address)
                    + " released twice");
        }
        allocated -= block.size;
        block.free = true;
        TreeSet<Block> pool = block.small ? freeSmall : freeLarge;
        Block merged = block;
        if (merged.previous != null && merged.previous.free) {
            merged = merge(merged.previous, merged, pool);
        }
        if (merged.next != null && merged.next.free) {
            merged = merge(merged, merged.next, pool);
        }
        pool.add(merged);
    }

    /** Joins {@code second}, the block after {@code first} in their segment, into {@code first}, out of the pool. */
    private static Block merge(Block first, Block second, TreeSet<Block> pool) {
        pool.remove(first);
        pool.remove(second);
        first.size += second.size;
        first.next = second.next;
        if (second.next != null) {
            second.next.previous = first;
        }
        return first;
    }

    /**
     * Gives every segment that holds no live block back to the device.
     *
     * @return the number of bytes given back
     */
    synchronized long emptyCache() {
        long freed = 0;
        for (TreeSet<Block> pool : java.util.List.of(freeSmall, freeLarge)) {
            for (var it = pool.iterator(); it.hasNext(); ) {
                Block b = it.next();
                if (b.wholeSegment()) {
                    it.remove();
                    memory.free(b.segmentAddress);
                    freed += b.segmentSize;
                }
            }
        }
        reserved -= freed;
        return freed;
    }

    /** Bytes held from the device: in use plus cached. */
    synchronized long reservedBytes() {
        return reserved;
    }

    /** Bytes in blocks handed out and not yet released. */
    synchronized long allocatedBytes() {
        return allocated;
    }
}
