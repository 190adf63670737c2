package joule.ebm.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.autograd.GradCheck;
import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

class CrossEntropyTest {
    private final Tensor logits = new RandomStream(1).normal(DType.FLOAT64, 5, 4).mul(3);
    private final Tensor labels = Tensor.of(new double[] {2, 0, 3, 3, 1});

    @Test
    void isTheMeanNegativeLogSoftmaxAtTheLabel() {
        double[] z = logits.toDoubleArray();
        double expected = 0;
        for (int b = 0; b < 5; b++) {
            double sum = 0;
            for (int c = 0; c < 4; c++) {
                sum += Math.exp(z[b * 4 + c]);
            }
            expected += (Math.log(sum) - z[b * 4 + (int) labels.get(b)]) / 5;
        }
        assertEquals(expected, CrossEntropy.loss(Var.constant(logits), labels).item(), 1e-13);
        // Huge logits stay finite (logsumexp subtracts the maximum).
        Tensor big = Tensor.of(new double[] {1000, 0, -1000, 1000}, 2, 2);
        assertEquals(0.5 * (1000 + 2000), CrossEntropy.loss(Var.constant(big), Tensor.of(new double[] {1, 0})).item(), 1e-9);
    }

    @Test
    void gradientIsSoftmaxMinusOneHotOverTheBatch() {
        Var z = Var.leaf(logits);
        CrossEntropy.loss(z, labels).backward();
        Tensor softmax = logits.sub(logits.logsumexp(new int[] {1}, true)).exp();
        Tensor oneHot = CrossEntropy.oneHot(labels, logits);
        assertArrayEquals(softmax.sub(oneHot).div(5).toDoubleArray(), z.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void passesGradcheckAndGradgradcheck() {
        var first = GradCheck.gradcheck(v -> CrossEntropy.loss(v[0], labels), logits);
        assertTrue(first.passed(), first::toString);
        var second = GradCheck.gradgradcheck(v -> CrossEntropy.loss(v[0], labels), logits);
        assertTrue(second.passed(), second::toString);
    }

    @Test
    void labelsOfAnotherDtypeWork() {
        Tensor asFloat = labels.to(DType.FLOAT32);
        assertEquals(CrossEntropy.loss(Var.constant(logits), labels).item(),
                CrossEntropy.loss(Var.constant(logits), asFloat).item(), 0.0);
    }

    @Test
    void badInputIsNamed() {
        Var z = Var.constant(logits);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CrossEntropy.loss(z, Tensor.of(new double[] {2, 0, 4, 3, 1})));
        assertTrue(e.getMessage().contains("label 4.0 at index 2 is not a class index 0..3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CrossEntropy.loss(z, Tensor.of(new double[] {2, 0, 1.5, 3, -1})));
        assertTrue(e.getMessage().contains("label 1.5 at index 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CrossEntropy.loss(z, Tensor.of(new double[] {2, 0})));
        assertTrue(e.getMessage().contains("labels must be [B] = [5] for logits [5, 4], got [2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CrossEntropy.loss(Var.constant(Tensor.zeros(DType.FLOAT64, 5)), labels));
        assertTrue(e.getMessage().contains("logits must be [B, C]"), e.getMessage());
    }
}
