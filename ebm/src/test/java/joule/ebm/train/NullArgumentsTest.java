package joule.ebm.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import joule.autograd.Functional;
import joule.ebm.energy.Energy;
import joule.ebm.loss.DenoisingScoreMatching;
import joule.ebm.loss.ExactScoreMatching;
import joule.ebm.loss.MultiLevelDenoisingScoreMatching;
import joule.ebm.loss.Projection;
import joule.ebm.loss.SlicedScoreMatching;
import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.ebm.optim.Adam;
import joule.ebm.optim.SGD;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.tensor.random.Distribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Library entry points given null: an {@link IllegalArgumentException} naming the parameter, not a bare NullPointerException. */
class NullArgumentsTest {
    private final MLP mlp = new MLP(Activation.SILU, DType.FLOAT64, new RandomStream(1), 2, 4, 1);
    private final Energy energy = mlp.asEnergy();
    private final Tensor data = Tensor.zeros(DType.FLOAT64, 8, 2);

    @Test
    void nullsAreNamed() {
        SlicedScoreMatching ssm = new SlicedScoreMatching(energy, 1, Projection.RADEMACHER, true);
        Adam adam = new Adam(mlp.parameters(), 1e-3);
        Map<String, Executable> calls = Map.ofEntries(
                Map.entry("loss", () -> new Trainer(null, adam, data, Trainer.Options.defaults())),
                Map.entry("optimizer", () -> new Trainer(ssm, null, data, Trainer.Options.defaults())),
                Map.entry("data", () -> new Trainer(ssm, adam, null, Trainer.Options.defaults())),
                Map.entry("options", () -> new Trainer(ssm, adam, data, null)),
                Map.entry("parameters", () -> new SGD(null, 0.1)),
                Map.entry("energy", () -> new SlicedScoreMatching(null, 1, Projection.RADEMACHER, true)),
                Map.entry("projection", () -> new SlicedScoreMatching(energy, 1, null, true)),
                Map.entry("energy must", () -> new ExactScoreMatching(null)),
                Map.entry("energy must not", () -> new DenoisingScoreMatching((Energy) null, 0.1)),
                Map.entry("network", () -> new MultiLevelDenoisingScoreMatching(null, new double[] {1})),
                Map.entry("sigmas", () -> new MultiLevelDenoisingScoreMatching(
                        joule.ebm.energy.ScoreNetwork.of(energy), null)),
                Map.entry("batch", () -> ssm.compute(null, new RandomStream(1))),
                Map.entry("rng", () -> Functional.hutchinsonTrace(x -> x.square().sum(1), data, 1,
                        Distribution.RADEMACHER, null)));
        for (Map.Entry<String, Executable> call : calls.entrySet()) {
            String name = call.getKey().split(" ")[0];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call.getValue(), call.getKey());
            assertTrue(e.getMessage().contains(name + " must not be null"), e.getMessage());
        }
    }
}
