package joule.ebm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** ExponentialMovingAverage: θ̄ ← θ̄ − (1 − decay)(θ̄ − θ), swapping in and out, names. */
class ExponentialMovingAverageTest {
    @Test
    void averagesFollowTheParametersGeometrically() {
        Linear fc = new Linear("fc", 2, 1, DType.FLOAT64, new RandomStream(1));
        Parameter w = fc.weight();
        w.set(Tensor.of(new double[] {1, 2}, 1, 2));
        ExponentialMovingAverage ema = new ExponentialMovingAverage(fc, 0.75);
        assertEquals(List.of("ema.fc.weight", "ema.fc.bias"), ema.averages().stream().map(Parameter::name).toList());
        w.set(Tensor.of(new double[] {5, -2}, 1, 2));
        ema.update();                                            // 1 − 0.25 (1 − 5) = 2, 2 − 0.25 (2 + 2) = 1
        assertArrayEquals(new double[] {2, 1}, ema.averages().getFirst().value().toDoubleArray(), 0);
        ema.update();                                            // 2 − 0.25 (2 − 5) = 2.75, 1 − 0.25 (1 + 2) = 0.25
        assertArrayEquals(new double[] {2.75, 0.25}, ema.averages().getFirst().value().toDoubleArray(), 0);
        Tensor bias = fc.bias().value();
        assertArrayEquals(bias.toDoubleArray(), ema.averages().get(1).value().toDoubleArray(), 0, "a constant stays");
    }

    @Test
    void swapExchangesAndWithAveragesRestores() {
        Linear fc = new Linear("fc", 2, 1, DType.FLOAT64, new RandomStream(2));
        ExponentialMovingAverage ema = new ExponentialMovingAverage(fc, 0.5, "avg/");
        Tensor start = fc.weight().value();
        fc.weight().set(start.add(2));
        ema.update();                                            // θ̄ = start + 1
        double[] seen = ema.withAverages(() -> fc.weight().value().toDoubleArray());
        assertArrayEquals(start.add(1).toDoubleArray(), seen, 0);
        assertArrayEquals(start.add(2).toDoubleArray(), fc.weight().value().toDoubleArray(), 0);
        ema.swap();
        assertArrayEquals(start.add(1).toDoubleArray(), fc.weight().value().toDoubleArray(), 0);
        assertArrayEquals(start.add(2).toDoubleArray(), ema.averages().getFirst().value().toDoubleArray(), 0);
        assertEquals("avg/fc.weight", ema.averages().getFirst().name());
        assertThrows(IllegalArgumentException.class, () -> new ExponentialMovingAverage(fc, 1));
    }

    /** With warm-up, update n uses min(decay, (1 + n)/(10 + n)): 2/11 first, so the average moves 9/11 of the way. */
    @Test
    void warmupStartsWithSmallDecays() {
        Parameter p = new Parameter("w", Tensor.of(new double[] {0}));
        Module m = () -> List.of(p);
        ExponentialMovingAverage ema = new ExponentialMovingAverage(m, 0.999, "ema.", true);
        p.set(Tensor.of(new double[] {11}));
        ema.update();
        assertEquals(9, ema.averages().getFirst().value().item(), 1e-12);        // 0 − (9/11)(0 − 11)
        p.set(Tensor.of(new double[] {9}));
        ema.update();
        assertEquals(9, ema.averages().getFirst().value().item(), 1e-12);        // already at 9: stays
    }
}
