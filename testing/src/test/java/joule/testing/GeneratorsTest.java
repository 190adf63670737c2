package joule.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import joule.testing.Projections.Kind;
import joule.testing.TensorSamples.Sample;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/** The generators give what they promise, and reject impossible requests when they are made. */
class GeneratorsTest {
    @Provide
    Arbitrary<Sample> smallTensors() {
        return TensorSamples.tensors(joule.tensor.DType.FLOAT64, joule.tensor.Device.CPU,
                TensorSamples.smallShapes(0, 3, 4), Domain.bounded(-1, 3).avoiding(0, 2));
    }

    /** Values come from the domain, the tensor holds exactly the sample's values, and sizes 0 and 1 come up. */
    @Property(tries = 200)
    void tensorsHoldTheirValuesFromTheDomain(@ForAll("smallTensors") Sample s) {
        Domain.Interval domain = Domain.bounded(-1, 3).avoiding(0, 2);
        for (double v : s.values()) {
            assertTrue(domain.contains(v), v + " outside " + domain);
        }
        assertArrayEquals(s.values(), s.tensor().toDoubleArray());
        assertArrayEquals(s.shape(), s.tensor().shape());
        Statistics.label("layout").collect(s.spec().layout());
        Statistics.label("has a 0 or 1 size").collect(Arrays.stream(s.shape()).anyMatch(n -> n <= 1));
    }

    @Property(tries = 100)
    void broadcastShapesBroadcastTogether(@ForAll("triples") int[][] shapes) {
        assertEquals(3, shapes.length);
        int[] out = new int[0];
        for (int[] s : shapes) {
            out = Shapes.broadcast("test", out, s);
        }
        assertTrue(out.length <= 4);
    }

    @Provide
    Arbitrary<int[][]> triples() {
        return TensorSamples.broadcastShapes(3);
    }

    @Property(tries = 30)
    void projectionsHaveTheirDistributionsShape(@ForAll("kinds") Kind kind) {
        Tensor v = Projections.draw(kind, joule.tensor.Device.CPU, joule.tensor.DType.FLOAT64, 3, 5, 7);
        assertArrayEquals(new int[] {3, 5}, v.shape());
        double[] a = v.toDoubleArray();
        for (int b = 0; b < 3; b++) {
            double sq = 0;
            for (int i = 0; i < 5; i++) {
                double x = a[b * 5 + i];
                sq += x * x;
                if (kind == Kind.RADEMACHER) {
                    assertEquals(1, Math.abs(x), 0);
                }
            }
            if (kind == Kind.SPHERE) {
                assertEquals(5, sq, 1e-12, "sphere of radius sqrt(D)");
            }
        }
    }

    @Provide
    Arbitrary<Kind> kinds() {
        return net.jqwik.api.Arbitraries.of(Kind.class);
    }

    @Example
    void impossibleRequestsFailWhenMade() {
        assertMessage("empty", () -> Domain.bounded(1, 1));
        assertMessage("nothing of [0.0, 0.1] is left", () -> Domain.bounded(0, 0.1).avoiding(0.05));
        assertMessage("empty domain", () -> Domain.uniform(2, 1));
        assertMessage("lo > 0", () -> Domain.logUniform(0, 1));
        assertMessage("negative", () -> TensorSamples.smallShapes(-1, 2, 3));
        assertMessage("negative", () -> TensorSamples.batches(-1, 2, 1, 2, Domain.all()));
        assertMessage("empty range of D", () -> TensorSamples.batches(1, 2, 3, 2, Domain.all()));
        assertMessage("negative size -2", () -> new TensorSamples.Spec(joule.tensor.DType.FLOAT64, new int[] {3, -2},
                TensorSamples.Layout.CONTIGUOUS, 0));
        assertMessage("negative size", () -> Projections.projections(-1, 2));
        assertMessage("d ≥ 1", () -> EnergyArbitraries.mlps(0));
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
