package joule.ebm.optim;

import static joule.ebm.optim.OptimizerTestSupport.bowlBackward;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import joule.ebm.io.StateDict;
import joule.ebm.nn.Parameter;
import joule.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A twin given an optimizer's {@code stateDict()} (and the parameters' values) continues with the same bits. */
class OptimizerStateTest {
    private static final double[] A = {1, 4, 0.5};
    private static final double[] C = {1, -2, 3};

    private static Optimizer make(String kind, List<Parameter> ps) {
        return switch (kind) {
            case "adam" -> new Adam(ps, 0.1);
            case "adamw" -> new AdamW(ps, 0.1, 0.9, 0.999, 1e-8, 0.01);
            case "sgd" -> new SGD(ps, 0.05, 0.9, 0.001, true);
            case "scheduled" -> new ScheduledOptimizer(new Adam(ps, 0.1), LearningRateSchedule.cosine(0.1, 0.01, 10));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "adamw", "sgd", "scheduled"})
    void aTwinLoadedFromTheStateContinuesWithTheSameBits(String kind) {
        Parameter p = new Parameter("w", Tensor.of(new double[] {3, 3, 3}));
        Optimizer original = make(kind, List.of(p));
        Function<Optimizer, double[]> step = o -> {
            o.zeroGrad();
            bowlBackward(o.parameters().getFirst(), A, C);
            o.step();
            return o.parameters().getFirst().value().toDoubleArray();
        };
        for (int i = 0; i < 3; i++) {
            step.apply(original);
        }
        StateDict state = original.stateDict();
        Parameter q = new Parameter("w", p.value());
        Optimizer twin = make(kind, List.of(q));
        twin.loadStateDict(state);
        assertEquals(original.learningRate(), twin.learningRate());
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(step.apply(original), step.apply(twin), kind + " step " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd"})
    void aStateOfAnotherShapeIsRejectedNamingTheSlot(String kind) {
        Parameter p = new Parameter("w", Tensor.of(new double[] {3, 3, 3}));
        Optimizer original = make(kind, List.of(p));
        original.zeroGrad();
        bowlBackward(p, A, C);
        original.step();
        Optimizer other = make(kind, List.of(new Parameter("w", Tensor.of(new double[] {1, 2}))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> other.loadStateDict(original.stateDict()));
        assertTrue(e.getMessage().contains(".w is [3] float64, the parameter [2] float64"), e.getMessage());
    }
}
