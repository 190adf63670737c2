package joule.ebm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** GaussianFourierEmbedding: score_sde's features of fixed frequencies W ~ N(0, scale²), kept as a buffer. */
class GaussianFourierEmbeddingTest {
    @Test
    void featuresAreSinesThenCosinesOfTwoPiWT() {
        GaussianFourierEmbedding emb = new GaussianFourierEmbedding("embed", 3, 16, DType.FLOAT64, new RandomStream(1));
        double[] w = emb.buffers().getFirst().value().toDoubleArray();
        double[] t = {Math.log(0.01), 0, Math.log(50)};
        double[] y = emb.forward(Var.constant(Tensor.of(t))).value().toDoubleArray();
        assertEquals(6, emb.size());
        for (int b = 0; b < 3; b++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(Math.sin(2 * Math.PI * w[k] * t[b]), y[b * 6 + k], 1e-12);
                assertEquals(Math.cos(2 * Math.PI * w[k] * t[b]), y[b * 6 + 3 + k], 1e-12);
            }
        }
    }

    @Test
    void frequenciesAreAScaledNormalBufferNotAParameter() {
        GaussianFourierEmbedding emb = new GaussianFourierEmbedding("temb", 4000, 16, DType.FLOAT64, new RandomStream(2));
        assertTrue(emb.parameters().isEmpty());
        assertEquals("temb.W", emb.buffers().getFirst().name());
        Tensor w = emb.buffers().getFirst().value();
        double sd = Math.sqrt(w.square().mean().item());
        assertEquals(16, sd, 16 * 5 / Math.sqrt(2 * 4000.0), "root mean square of 4000 draws of N(0, 16²)");
        assertArrayEquals(w.div(16).toDoubleArray(), new RandomStream(2).normal(DType.FLOAT64, 4000).toDoubleArray(), 1e-15);
        var e = assertThrows(IllegalArgumentException.class, () -> emb.forward(Var.constant(Tensor.zeros(DType.FLOAT64, 2, 1))));
        assertEquals("GaussianFourierEmbedding temb: input [2, 1] should be [B]", e.getMessage());
    }
}
