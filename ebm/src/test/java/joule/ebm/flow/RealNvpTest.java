package joule.ebm.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import joule.autograd.Autograd;
import joule.autograd.GradCheck;
import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

class RealNvpTest {
    private static final double LO = -9;
    private static final double HI = 9;
    private static final int CELLS = 300;

    private static Tensor grid() {
        Tensor axis = Tensor.linspace(DType.FLOAT64, LO + (HI - LO) / CELLS / 2, HI - (HI - LO) / CELLS / 2, CELLS);
        return Tensor.stack(2, axis.unsqueeze(1).expand(CELLS, CELLS), axis.unsqueeze(0).expand(CELLS, CELLS))
                .reshape(-1, 2);
    }

    /** The density integrates to 1 (midpoint rule on a grid that holds all but a negligible tail). */
    @Test
    void densityIsNormalised() {
        RealNvp flow = new RealNvp(2, 4, 16, DType.FLOAT64, new RandomStream(3));
        double cell = Math.pow((HI - LO) / CELLS, 2);
        double mass = Autograd.noGrad(() -> flow.logDensity(Var.constant(grid())).value()).exp().sum().item() * cell;
        assertEquals(1.0, mass, 2e-3);
    }

    /**
     * Sampling inverts the density's map: the sample mean and second moment agree with those of
     * the density integrated on the grid, within 5 standard errors of 40,000 samples.
     */
    @Test
    void samplesFollowTheDensity() {
        RealNvp flow = new RealNvp(2, 4, 16, DType.FLOAT64, new RandomStream(4));
        Tensor g = grid();
        Tensor p = Autograd.noGrad(() -> flow.logDensity(Var.constant(g)).value()).exp();
        p = p.div(p.sum());
        Tensor gridMean = g.mul(p.unsqueeze(1)).sum(0);
        Tensor gridSecond = g.square().mul(p.unsqueeze(1)).sum(0);
        int n = 40_000;
        Tensor s = flow.sample(n, new RandomStream(5));
        Tensor mean = s.mean(0);
        Tensor second = s.square().mean(0);
        for (int i = 0; i < 2; i++) {
            double var = gridSecond.get(i) - gridMean.get(i) * gridMean.get(i);
            assertEquals(gridMean.get(i), mean.get(i), 5 * Math.sqrt(var / n) + 1e-3);
            double fourth = s.select(1, i).pow(4).mean().item();
            assertEquals(gridSecond.get(i), second.get(i), 5 * Math.sqrt(fourth / n) + 1e-3);
        }
    }

    /** The log-density's derivatives in x are right (so its parameter gradients go through the same ops). */
    @Test
    void logDensityPassesGradcheck() {
        RealNvp flow = new RealNvp(3, 2, 8, DType.FLOAT64, new RandomStream(6));
        Tensor x = new RandomStream(7).normal(DType.FLOAT64, 4, 3);
        var report = GradCheck.gradcheck(xs -> flow.logDensity(xs[0]), x);
        assertEquals(true, report.passed(), report.toString());
    }
}
