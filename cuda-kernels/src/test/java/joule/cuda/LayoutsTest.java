package joule.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import joule.tensor.DType;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The Layout structs the kernels read: merged axes, and offsets that agree with the tensors' own indexing. */
class LayoutsTest {
    private static int rank(int[] layout) {
        return layout[0];
    }

    private static int[] dims(int[] layout) {
        return Arrays.copyOfRange(layout, 1, 1 + rank(layout));
    }

    private static int[] strides(int[] layout, int operand) {
        int at = 1 + Layouts.MAX_RANK + Layouts.MAX_OPERANDS + operand * Layouts.MAX_RANK;
        return Arrays.copyOfRange(layout, at, at + rank(layout));
    }

    /** What a kernel computes for element i: the offsets of elementOffsets in layout.cuh. */
    private static int offset(int[] layout, int operand, int i) {
        int off = layout[1 + Layouts.MAX_RANK + operand];
        int[] dims = dims(layout);
        int[] strides = strides(layout, operand);
        for (int d = dims.length - 1; d >= 0; d--) {
            off += (i % dims[d]) * strides[d];
            i /= dims[d];
        }
        return off;
    }

    @Test
    void contiguousOperandsBecomeOneAxis() {
        int[] layout = Layouts.of("add", new int[] {4, 5, 6}, new int[] {3, 0}, new int[] {30, 6, 1},
                new int[] {30, 6, 1});
        assertEquals(Layouts.WORDS, layout.length);
        assertArrayEquals(new int[] {120}, dims(layout));
        assertArrayEquals(new int[] {1}, strides(layout, 0));
        assertEquals(3, layout[1 + Layouts.MAX_RANK]);
    }

    @Test
    void aBroadcastRowKeepsTwoAxes() {
        int[] layout = Layouts.of("add", new int[] {7, 1, 5}, new int[] {0, 0}, new int[] {5, 5, 1},
                new int[] {0, 0, 1});
        assertArrayEquals(new int[] {7, 5}, dims(layout));
        assertArrayEquals(new int[] {5, 1}, strides(layout, 0));
        assertArrayEquals(new int[] {0, 1}, strides(layout, 1));
    }

    @Test
    void allSizeOneAxesGiveOneElement() {
        int[] layout = Layouts.of("neg", new int[] {1, 1}, new int[] {9}, new int[] {4, 4});
        assertArrayEquals(new int[] {1}, dims(layout));
        assertEquals(9, offset(layout, 0, 0));
        assertEquals(0, Layouts.innerStride(layout, 0));
    }

    @Test
    void offsetsMatchTheTensorsIndexingForAnyView() {
        Tensor base = Tensor.arange(DType.FLOAT64, 2 * 3 * 4 * 5).reshape(2, 3, 4, 5);
        double[] storage = base.toDoubleArray();
        Tensor[] views = {base, base.permute(2, 0, 3, 1), base.narrow(3, 1, 3).transpose(0, 2),
                base.slice(2, 0, 4, 2).select(1, 2).unsqueeze(1).expand(2, 6, 2, 5)};
        for (Tensor v : views) {
            int[] shape = v.shape();
            int[] layout = Layouts.of("copy", shape, new int[] {v.offset()}, v.strides());
            for (int i = 0; i < v.numel(); i++) {
                double expected = v.get(Shapes.unravel(i, shape));
                assertEquals(expected, storage[offset(layout, 0, i)], Arrays.toString(shape) + " at " + i);
            }
        }
    }

    @Test
    void moreThanEightAxesAfterMergingIsAnErrorNamingTheOp() {
        int[] shape = new int[9];
        Arrays.fill(shape, 2);
        Tensor reversed = Tensor.zeros(DType.FLOAT32, shape).permute(8, 7, 6, 5, 4, 3, 2, 1, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Layouts.of("exp", reversed.shape(), new int[] {0}, reversed.strides()));
        assertTrue(e.getMessage().startsWith("exp: shape [2, 2, 2, 2, 2, 2, 2, 2, 2]"), e.getMessage());
        assertTrue(e.getMessage().contains("keeps 9 axes") && e.getMessage().contains("at most 8"), e.getMessage());
    }

    @Test
    void nineAxesThatMergeAreFine() {
        int[] shape = new int[9];
        Arrays.fill(shape, 2);
        int[] layout = Layouts.of("exp", shape, new int[] {0}, Shapes.contiguousStrides(shape));
        assertArrayEquals(new int[] {512}, dims(layout));
    }
}
