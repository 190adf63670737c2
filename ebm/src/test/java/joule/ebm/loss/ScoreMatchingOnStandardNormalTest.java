package joule.ebm.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import joule.ebm.energy.Energy;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ebm-reference, "Results to test against": for {@code E(x) = ½‖x‖²} and data {@code x ~ N(0, I_D)},
 * {@code J_ESM = J_SSM = J_SSM-VR = −D/2} in expectation. Each per-sample term is {@code −D + ½ q}
 * with {@code q} a quadratic form whose variance we know, so the tolerance is 5 standard errors.
 */
class ScoreMatchingOnStandardNormalTest {
    private static final int BATCH = 20_000;
    private static final Energy HALF_SQUARED_NORM = x -> x.square().sum(1).mul(0.5);

    private static Tensor data(int d) {
        return new RandomStream(11).normal(DType.FLOAT64, BATCH, d);
    }

    /** Per sample {@code −D + ½‖x‖²}: variance {@code ¼ · 2D}. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 16})
    void exactScoreMatchingIsMinusHalfD(int d) {
        double loss = new ExactScoreMatching(HALF_SQUARED_NORM).compute(data(d), new RandomStream(1)).item();
        assertEquals(-d / 2.0, loss, 5 * Math.sqrt(d / 2.0 / BATCH));
    }

    /** Rademacher, per sample {@code −D + ½(vᵀx)²} with {@code vᵀx ~ N(0, D)}: variance {@code D²/2}. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 16})
    void slicedScoreMatchingIsMinusHalfD(int d) {
        double loss = new SlicedScoreMatching(HALF_SQUARED_NORM, 1, Projection.RADEMACHER, false)
                .compute(data(d), new RandomStream(2)).item();
        assertEquals(-d / 2.0, loss, 5 * Math.sqrt(d * d / 2.0 / BATCH));
    }

    /** Variance-reduced, Rademacher: {@code −D + ½‖x‖²} exactly as ESM. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 16})
    void varianceReducedSlicedScoreMatchingIsMinusHalfD(int d) {
        double loss = new SlicedScoreMatching(HALF_SQUARED_NORM, 1, Projection.RADEMACHER, true)
                .compute(data(d), new RandomStream(3)).item();
        assertEquals(-d / 2.0, loss, 5 * Math.sqrt(d / 2.0 / BATCH));
    }

    /** Gaussian and sphere projections, several per sample: the mean is still {@code −D/2}; variance at most {@code 2D + D²/2}. */
    @ParameterizedTest
    @ValueSource(strings = {"GAUSSIAN", "SPHERE"})
    void otherProjectionsAreUnbiased(String kind) {
        int d = 5;
        double loss = new SlicedScoreMatching(HALF_SQUARED_NORM, 3, Projection.valueOf(kind), false)
                .compute(data(d), new RandomStream(4)).item();
        assertEquals(-d / 2.0, loss, 5 * Math.sqrt((2.0 * d + d * d / 2.0) / BATCH));
    }

    /** With Rademacher projections and the VR form, the trace term is exactly {@code −D}: the loss equals ESM on the same batch. */
    @ParameterizedTest
    @ValueSource(ints = {3, 8})
    void varianceReducedRademacherEqualsExactOnTheSameBatch(int d) {
        Tensor x = data(d).narrow(0, 0, 64);
        double exact = new ExactScoreMatching(HALF_SQUARED_NORM).compute(x, new RandomStream(5)).item();
        double sliced = new SlicedScoreMatching(HALF_SQUARED_NORM, 4, Projection.RADEMACHER, true)
                .compute(x, new RandomStream(6)).item();
        assertEquals(exact, sliced, 1e-12 * d);
    }
}
