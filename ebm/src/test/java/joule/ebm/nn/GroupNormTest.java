package joule.ebm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.autograd.GradCheck;
import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** GroupNorm: per-sample, per-group statistics against loops; derivatives of first and second order. */
class GroupNormTest {
    private static GroupNorm norm(int groups, int channels, long seed) {
        GroupNorm n = new GroupNorm("norm", groups, channels, DType.FLOAT64, Device.CPU);
        RandomStream rng = new RandomStream(seed);
        n.parameters().get(0).set(rng.normal(DType.FLOAT64, channels).add(1));
        n.parameters().get(1).set(rng.normal(DType.FLOAT64, channels));
        return n;
    }

    /** {@code γ_c (x − μ_{n,g}) / √(σ²_{n,g} + eps) + β_c} by loops over {@code [N, C, S]} (S the positions). */
    private static double[] manual(double[] x, int n, int c, int s, int groups, double[] gamma, double[] beta, double eps) {
        double[] y = new double[x.length];
        int perGroup = c / groups * s;
        for (int i = 0; i < n; i++) {
            for (int g = 0; g < groups; g++) {
                int start = (i * c + g * (c / groups)) * s;
                double mean = 0;
                for (int k = 0; k < perGroup; k++) {
                    mean += x[start + k];
                }
                mean /= perGroup;
                double var = 0;
                for (int k = 0; k < perGroup; k++) {
                    var += (x[start + k] - mean) * (x[start + k] - mean);
                }
                var /= perGroup;
                for (int k = 0; k < perGroup; k++) {
                    int ch = g * (c / groups) + k / s;
                    y[start + k] = gamma[ch] * (x[start + k] - mean) / Math.sqrt(var + eps) + beta[ch];
                }
            }
        }
        return y;
    }

    @Test
    void normalisesEachSamplesGroupsOverChannelsAndPositions() {
        GroupNorm n = norm(3, 6, 1);
        Tensor x = new RandomStream(2).normal(DType.FLOAT64, 2, 6, 3, 4).mul(3).add(5);
        Tensor y = n.forward(Var.constant(x)).value();
        assertArrayEquals(x.shape(), y.shape());
        assertArrayEquals(manual(x.toDoubleArray(), 2, 6, 12, 3, n.parameters().get(0).value().toDoubleArray(),
                n.parameters().get(1).value().toDoubleArray(), 1e-5), y.toDoubleArray(), 1e-12);
        Tensor flat = new RandomStream(3).normal(DType.FLOAT64, 4, 6);          // [N, C]: no positions
        assertArrayEquals(manual(flat.toDoubleArray(), 4, 6, 1, 3, n.parameters().get(0).value().toDoubleArray(),
                n.parameters().get(1).value().toDoubleArray(), 1e-5), n.forward(Var.constant(flat)).value().toDoubleArray(),
                1e-12);
    }

    @Test
    void passesGradcheckAndGradgradcheckInXAndTheAffineParameters() {
        GroupNorm n = norm(2, 4, 4);
        Tensor[] inputs = ParameterInputs.values(n.parameters(), new RandomStream(5).normal(DType.FLOAT64, 2, 4, 2, 3));
        var f = ParameterInputs.bound(n.parameters(), 1, xs -> n.forward(xs[0]));
        var first = GradCheck.gradcheck(f, inputs);
        assertTrue(first.passed(), first::toString);
        var second = GradCheck.gradgradcheck(f, inputs);
        assertTrue(second.passed(), second::toString);
    }

    @Test
    void namesFollowPyTorchAndDefaultGroupsFollowScoreSde() {
        GroupNorm n = new GroupNorm("block.norm1", 2, 4, DType.FLOAT32, Device.CPU);
        assertEquals("block.norm1.weight", n.parameters().get(0).name());
        assertEquals("block.norm1.bias", n.parameters().get(1).name());
        assertArrayEquals(new double[] {1, 1, 1, 1}, n.parameters().get(0).value().toDoubleArray());
        assertArrayEquals(new double[] {0, 0, 0, 0}, n.parameters().get(1).value().toDoubleArray());
        int[][] channelsAndGroups = {{1, 1}, {2, 1}, {4, 1}, {6, 1}, {12, 3}, {18, 3}, {32, 8}, {64, 16}, {256, 32},
            {512, 32}};
        for (int[] cg : channelsAndGroups) {
            assertEquals(cg[1], GroupNorm.defaultGroups(cg[0]), cg[0] + " channels");
        }
    }

    @Test
    void badInputIsAnErrorNamingTheLayerAndTheShapes() {
        GroupNorm n = norm(2, 4, 6);
        var e = assertThrows(IllegalArgumentException.class,
                () -> n.forward(Var.constant(Tensor.zeros(DType.FLOAT64, 2, 3, 5, 5))));
        assertEquals("GroupNorm norm: input [2, 3, 5, 5] should be [N, 4, …]", e.getMessage());
        var groups = assertThrows(IllegalArgumentException.class,
                () -> new GroupNorm("g", 3, 4, DType.FLOAT64, Device.CPU));
        assertTrue(groups.getMessage().startsWith("GroupNorm g: groups must divide"), groups.getMessage());
    }
}
