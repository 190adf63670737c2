package joule.ebm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import joule.autograd.GradCheck;
import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** ResidualBlock: shapes, names, the skip path, derivatives in x, the embedding and θ. */
class ResidualBlockTest {
    private static ResidualBlock block(int in, int out, int embedding, long seed) {
        return new ResidualBlock("block", in, out, embedding, Activation.SILU, DType.FLOAT64, new RandomStream(seed));
    }

    private static Parameter named(Module m, String name) {
        return m.parameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void keepsTheSizeChangesTheChannelsAndNamesItsParts() {
        ResidualBlock b = block(4, 8, 3, 1);
        assertEquals(List.of("block.norm1.weight", "block.norm1.bias", "block.conv1.weight", "block.conv1.bias",
                "block.emb.weight", "block.emb.bias", "block.norm2.weight", "block.norm2.bias", "block.conv2.weight",
                "block.conv2.bias", "block.skip.weight", "block.skip.bias"),
                b.parameters().stream().map(Parameter::name).toList());
        Tensor x = new RandomStream(2).normal(DType.FLOAT64, 2, 4, 5, 3);
        Tensor e = new RandomStream(3).normal(DType.FLOAT64, 2, 3);
        assertArrayEquals(new int[] {2, 8, 5, 3}, b.forward(Var.constant(x), Var.constant(e)).shape());
        assertEquals(8, b.outChannels());
        assertTrue(block(4, 4, 0, 4).parameters().stream().noneMatch(p -> p.name().contains("skip") || p.name().contains("emb")));
    }

    /** With the last convolution zeroed the residual branch vanishes: the output is the skip path, x itself when the channels stay. */
    @Test
    void theOutputIsTheSkipPathPlusTheResidualBranch() {
        Tensor x = new RandomStream(5).normal(DType.FLOAT64, 2, 4, 3, 3);
        Tensor e = new RandomStream(6).normal(DType.FLOAT64, 2, 3);
        ResidualBlock same = block(4, 4, 3, 7);
        ResidualBlock wider = block(4, 6, 3, 8);
        for (ResidualBlock b : List.of(same, wider)) {
            for (String zeroed : List.of("block.conv2.weight", "block.conv2.bias")) {
                named(b, zeroed).set(named(b, zeroed).value().zerosLike());
            }
        }
        assertArrayEquals(x.toDoubleArray(), same.forward(Var.constant(x), Var.constant(e)).value().toDoubleArray(), 0);
        Tensor skip = x.conv2d(named(wider, "block.skip.weight").value(), joule.tensor.Conv2dSpec.DEFAULT)
                .add(named(wider, "block.skip.bias").value().reshape(1, 6, 1, 1));
        assertArrayEquals(skip.toDoubleArray(), wider.forward(Var.constant(x), Var.constant(e)).value().toDoubleArray(),
                1e-12);
    }

    @Test
    void passesGradcheckInXTheEmbeddingAndTheParameters() {
        ResidualBlock b = block(2, 4, 3, 9);
        Tensor x = new RandomStream(10).normal(DType.FLOAT64, 1, 2, 3, 3);
        Tensor e = new RandomStream(11).normal(DType.FLOAT64, 1, 3);
        var report = GradCheck.gradcheck(ParameterInputs.bound(b.parameters(), 2, v -> b.forward(v[0], v[1])),
                ParameterInputs.values(b.parameters(), x, e));
        assertTrue(report.passed(), report::toString);
    }

    @Test
    void badInputIsAnErrorNamingTheBlockAndTheShapes() {
        ResidualBlock b = block(2, 4, 3, 12);
        Var x = Var.constant(Tensor.zeros(DType.FLOAT64, 2, 2, 3, 3));
        var embedding = assertThrows(IllegalArgumentException.class,
                () -> b.forward(x, Var.constant(Tensor.zeros(DType.FLOAT64, 2, 5))));
        assertEquals("ResidualBlock block: embedding [2, 5] should be [N, 3] for input [2, 2, 3, 3]", embedding.getMessage());
        var channels = assertThrows(IllegalArgumentException.class,
                () -> b.forward(Var.constant(Tensor.zeros(DType.FLOAT64, 2, 3, 3, 3)), Var.constant(Tensor.zeros(DType.FLOAT64, 2, 3))));
        assertEquals("GroupNorm block.norm1: input [2, 3, 3, 3] should be [N, 2, …]", channels.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> b.forward(x));
        assertTrue(missing.getMessage().startsWith("ResidualBlock block: needs its embedding [N, 3]"), missing.getMessage());
    }
}
