package joule.ebm.apply;

import java.util.Arrays;
import joule.tensor.DType;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * Masks of known coordinates: 1 = known (kept), 0 = missing (to fill), shaped like the data {@code [B, …]} (one
 * mask per row) or like one row {@code […]} (the same for every row).
 */
final class Masks {
    private Masks() {
    }

    /**
     * {@code mask} checked against {@code data} and expanded to its shape, in its dtype and on its device; a mask of
     * another shape, with values other than 0 and 1, or a row with no known or no missing coordinate, is an
     * {@link IllegalArgumentException}.
     */
    static Tensor broadcast(String who, Tensor mask, Tensor data) {
        int[] row = Arrays.copyOfRange(data.shape(), 1, data.rank());
        boolean perRow = Arrays.equals(mask.shape(), data.shape());
        if (!perRow && !Arrays.equals(mask.shape(), row)) {
            throw new IllegalArgumentException(who + ": mask " + Shapes.format(mask.shape()) + " must have the shape of "
                    + "one row " + Shapes.format(row) + " or of the data " + Shapes.format(data.shape()));
        }
        double[] v = mask.to(DType.FLOAT64).toDoubleArray();
        int perMask = Shapes.numel(row);
        for (int r = 0; r < v.length / perMask; r++) {
            int known = 0;
            for (int i = r * perMask; i < (r + 1) * perMask; i++) {
                if (v[i] != 0 && v[i] != 1) {
                    throw new IllegalArgumentException(who + ": mask values must be 0 (missing) or 1 (known), got " + v[i]);
                }
                known += (int) v[i];
            }
            String which = perRow ? "mask row " + r : "mask";
            if (known == 0) {
                throw new IllegalArgumentException(who + ": " + which + " is all zeros: nothing is known (that is "
                        + "sampling, not inpainting)");
            }
            if (known == perMask) {
                throw new IllegalArgumentException(who + ": " + which + " is all ones: nothing is missing");
            }
        }
        Tensor m = mask.to(data.dtype()).to(data.device());
        return perRow ? m : m.reshape(prepend(row)).expand(data.shape());
    }

    private static int[] prepend(int[] row) {
        int[] s = new int[row.length + 1];
        s[0] = 1;
        System.arraycopy(row, 0, s, 1, row.length);
        return s;
    }
}
