package joule.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Tensor#unitLike}: the coordinate vector in the dtype (and device) of the tensor it is asked of. */
class UnitLikeTest {
    @Test
    void isTheCoordinateVectorInTheTensorsDtype() {
        Tensor like = Tensor.zeros(DType.FLOAT32, 2, 3);
        Tensor e = like.unitLike(5, 3);
        assertEquals(DType.FLOAT32, e.dtype());
        assertEquals(like.device(), e.device());
        assertArrayEquals(new int[] {5}, e.shape());
        assertArrayEquals(new double[] {0, 0, 0, 1, 0}, e.toDoubleArray());
        assertArrayEquals(new double[] {1}, Tensor.scalar(7, DType.FLOAT64).unitLike(1, 0).toDoubleArray());
    }

    @Test
    void rejectsAnIndexOutsideTheLength() {
        Tensor like = Tensor.zeros(DType.FLOAT64, 1);
        for (int[] bad : new int[][] {{3, 3}, {3, -1}, {0, 0}}) {
            var e = assertThrows(IllegalArgumentException.class, () -> like.unitLike(bad[0], bad[1]));
            assertTrue(e.getMessage().startsWith("unitLike: index " + bad[1]), e.getMessage());
        }
    }
}
