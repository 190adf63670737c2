package joule.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How reductions are spread over threads and chunks. */
class ReducePlanTest {
    @Test
    void rowsAlongContiguousMemoryGiveLanesToNeighbouringThreads() {
        ReducePlan p = ReducePlan.of(1000, 100, 100, 1, ReducePlan.CHUNK);
        assertTrue(p.lanesFastest());
        assertEquals(128, p.lanes());
        assertEquals(1, p.chunks());
        assertEquals(500, p.blocks(), "two rows per block");
    }

    @Test
    void shortRowsShareABlock() {
        ReducePlan p = ReducePlan.of(100_000, 2, 2, 1, ReducePlan.CHUNK);
        assertEquals(2, p.lanes());
        assertEquals((100_000 + 127) / 128, p.blocks());
    }

    @Test
    void columnsGiveNeighbouringOutputsToNeighbouringThreads() {
        ReducePlan p = ReducePlan.of(128, 4096, 1, 128, ReducePlan.CHUNK);
        assertFalse(p.lanesFastest());
        assertEquals(8, p.lanes(), "32 outputs per block");
        assertEquals(4, p.blocks());
        ReducePlan few = ReducePlan.of(3, 4096, 1, 3, ReducePlan.CHUNK);
        assertEquals(64, few.lanes(), "4 outputs per block when there are only 3");
    }

    @Test
    void longRowsAreCutIntoChunks() {
        ReducePlan p = ReducePlan.of(1, 20_000, 0, 1, ReducePlan.CHUNK);
        assertEquals(256, p.lanes());
        assertEquals(3, p.chunks());
        assertEquals(3, p.blocks());
        ReducePlan whole = ReducePlan.of(1, 20_000, 0, 1, 20_000);
        assertEquals(1, whole.chunks());
    }
}
