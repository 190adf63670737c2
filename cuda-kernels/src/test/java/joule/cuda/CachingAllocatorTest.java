package joule.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pooling, splitting, merging and reuse of the caching allocator, against fake device memory. */
class CachingAllocatorTest {
    private static final long MB = 1 << 20;

    private final FakeMemory memory = new FakeMemory(64 * MB);
    private final CachingAllocator allocator = new CachingAllocator(memory, () -> { });

    @Test
    void smallRequestsAreRoundedAndCarvedFromOneSegment() {
        CachingAllocator.Block a = allocator.allocate(1);
        CachingAllocator.Block b = allocator.allocate(0);
        CachingAllocator.Block c = allocator.allocate(513);
        assertEquals(512, a.size());
        assertEquals(512, b.size());
        assertEquals(1024, c.size());
        assertEquals(List.of(CachingAllocator.SMALL_SEGMENT), memory.allocations());
        assertEquals(a.address() + 512, b.address());
        assertEquals(b.address() + 512, c.address());
        assertEquals(2048, allocator.allocatedBytes());
        assertEquals(CachingAllocator.SMALL_SEGMENT, allocator.reservedBytes());
    }

    @Test
    void aReleasedBlockIsReusedWithoutCallingTheDevice() {
        CachingAllocator.Block a = allocator.allocate(4000);
        allocator.release(a);
        CachingAllocator.Block again = allocator.allocate(4000);
        assertEquals(a.address(), again.address());
        assertEquals(1, memory.allocations().size());
    }

    @Test
    void theSmallestFreeBlockThatFitsIsTaken() {
        CachingAllocator.Block big = allocator.allocate(8192);
        allocator.allocate(512);
        CachingAllocator.Block small = allocator.allocate(1024);
        allocator.allocate(512);
        allocator.release(big);
        allocator.release(small);
        assertEquals(small.address(), allocator.allocate(1000).address());
        assertEquals(big.address(), allocator.allocate(2000).address());
    }

    @Test
    void releasedNeighboursMergeBackIntoTheWholeSegment() {
        List<CachingAllocator.Block> blocks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            blocks.add(allocator.allocate(512));
        }
        for (int i : new int[] {1, 3, 0, 2}) {
            allocator.release(blocks.get(i));
        }
        assertEquals(0, allocator.allocatedBytes());
        // Merged into one free block spanning the segment, so a segment-sized request needs no new segment.
        CachingAllocator.Block whole = allocator.allocate(CachingAllocator.SMALL_REQUEST);
        assertEquals(blocks.get(0).address(), whole.address());
        assertEquals(1, memory.allocations().size());
    }

    @Test
    void largeRequestsGetTheirOwnRoundedSegmentsAndSplitOnlyBigRemainders() {
        CachingAllocator.Block a = allocator.allocate(3 * MB + 1);
        assertEquals(List.of(4 * MB), memory.allocations());
        assertEquals(4 * MB, a.size(), "a remainder of 1 MB or less stays with the block");
        allocator.release(a);
        CachingAllocator.Block b = allocator.allocate(MB + 512);
        assertEquals(a.address(), b.address());
        assertEquals(MB + 512, b.size(), "the rest of the 4 MB segment (over 1 MB) was split off");
        CachingAllocator.Block c = allocator.allocate(2 * MB);
        assertEquals(b.address() + b.size(), c.address());
        assertEquals(1, memory.allocations().size());
    }

    @Test
    void smallAndLargePoolsAreSeparate() {
        CachingAllocator.Block large = allocator.allocate(4 * MB);
        allocator.release(large);
        CachingAllocator.Block small = allocator.allocate(512);
        assertEquals(List.of(4 * MB, CachingAllocator.SMALL_SEGMENT), memory.allocations());
        assertNotEquals(large.address(), small.address());
    }

    @Test
    void emptyCacheFreesOnlySegmentsWithoutLiveBlocks() {
        CachingAllocator.Block live = allocator.allocate(512);
        CachingAllocator.Block dead = allocator.allocate(8 * MB);
        allocator.release(dead);
        assertEquals(8 * MB, allocator.emptyCache());
        assertEquals(CachingAllocator.SMALL_SEGMENT, memory.used());
        allocator.release(live);
        assertEquals(CachingAllocator.SMALL_SEGMENT, allocator.emptyCache());
        assertEquals(0, memory.used());
        assertEquals(0, allocator.reservedBytes());
    }

    @Test
    void aFullDeviceFirstGetsTheCachedSegmentsBack() {
        CachingAllocator.Block a = allocator.allocate(40 * MB);
        allocator.release(a);
        CachingAllocator.Block b = allocator.allocate(50 * MB);
        assertEquals(50 * MB, memory.used(), "the free 40 MB segment was given back to make room");
        assertEquals(50 * MB, b.size());
    }

    @Test
    void aFullDeviceRunsReclaimWhichMayFreeBlocks() {
        List<CachingAllocator.Block> unreachable = new ArrayList<>();
        CachingAllocator[] pool = new CachingAllocator[1];
        int[] reclaims = {0};
        pool[0] = new CachingAllocator(memory, () -> {
            reclaims[0]++;
            unreachable.forEach(pool[0]::release);
            unreachable.clear();
        });
        pool[0].allocate(20 * MB);
        unreachable.add(pool[0].allocate(40 * MB));
        CachingAllocator.Block c = pool[0].allocate(40 * MB);
        assertEquals(1, reclaims[0]);
        assertEquals(40 * MB, c.size());
        assertEquals(60 * MB, memory.used(), "the reclaimed block was reused, not a new segment");
    }

    @Test
    void outOfMemoryAfterReclaimingSaysHowMuchIsHeld() {
        int[] reclaims = {0};
        CachingAllocator pool = new CachingAllocator(memory, () -> reclaims[0]++);
        pool.allocate(60 * MB);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.allocate(10 * MB));
        assertEquals(CachingAllocator.RECLAIM_ATTEMPTS, reclaims[0]);
        assertTrue(e.getMessage().contains("out of device memory allocating 10485760 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("62914560 are in use"), e.getMessage());
    }

    @Test
    void releasingTwiceIsAnError() {
        CachingAllocator.Block a = allocator.allocate(512);
        allocator.release(a);
        assertThrows(IllegalStateException.class, () -> allocator.release(a));
    }
}
