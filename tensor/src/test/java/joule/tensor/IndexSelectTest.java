package joule.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class IndexSelectTest {
    @Property(tries = 100)
    void selectsSlicesInOrder(@ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 0, max = 4) int cols,
                              @ForAll @IntRange(min = 0, max = 1) int axis, @ForAll long seed) {
        Tensor x = new RandomStream(seed).normal(DType.FLOAT32, rows, cols + 1).mT();   // non-contiguous view
        int size = x.size(axis);
        java.util.Random r = new java.util.Random(seed);
        int[] idx = r.ints(r.nextInt(7), 0, size).toArray();
        Tensor out = x.indexSelect(axis, idx);
        int[] expectedShape = x.shape();
        expectedShape[axis] = idx.length;
        assertArrayEquals(expectedShape, out.shape());
        for (int j = 0; j < idx.length; j++) {
            assertArrayEquals(x.select(axis, idx[j]).toDoubleArray(), out.select(axis, j).toDoubleArray());
        }
        assertTrue(out.isContiguous());
    }

    @Test
    void outOfRangeIndexIsAnError() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 3, 2);
        IllegalArgumentException e = assertThrowsExactly(IllegalArgumentException.class, () -> x.indexSelect(0, 0, 3));
        assertTrue(e.getMessage().startsWith("indexSelect: index 3"), e.getMessage());
        assertThrowsExactly(IllegalArgumentException.class, () -> x.indexSelect(0, -1));
        assertThrowsExactly(IllegalArgumentException.class, () -> x.indexSelect(2, 0));
    }
}
