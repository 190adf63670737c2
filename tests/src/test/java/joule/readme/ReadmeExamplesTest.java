package joule.readme;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.function.Function;
import joule.autograd.Autograd;
import joule.autograd.Functional;
import joule.autograd.GradCheck;
import joule.autograd.Var;
import joule.ebm.data.FashionMnist;
import joule.ebm.data.ToyDataset;
import joule.ebm.loss.GaussianNoise;
import joule.ebm.loss.Loss;
import joule.ebm.loss.MultiLevelDenoisingScoreMatching;
import joule.ebm.loss.Projection;
import joule.ebm.loss.SlicedScoreMatching;
import joule.ebm.metrics.Mmd;
import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.ebm.nn.NeuralEnergy;
import joule.ebm.nn.UNet;
import joule.ebm.optim.Adam;
import joule.ebm.sample.AnnealedLangevin;
import joule.ebm.sample.UnadjustedLangevin;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.tensor.random.Distribution;
import joule.ebm.train.Trainer;
import org.junit.jupiter.api.Test;

/** The README's code, line for line, so that it keeps compiling and doing what it says. */
class ReadmeExamplesTest {
    @Test
    void tensorCode() {
        RandomStream rng = new RandomStream(42);
        Tensor x = rng.normal(DType.FLOAT32, 256, 2);
        Tensor w = rng.normal(DType.FLOAT32, 2, 64).mul(0.5);
        Tensor b = Tensor.zeros(DType.FLOAT32, 64);

        Tensor h = x.matmul(w).add(b).silu();
        Tensor energy = h.square().sum(new int[] {1}, false);
        double meanEnergy = energy.mean().item();

        Tensor xT = x.mT();
        Tensor gram = xT.matmul(x).div(256.0);
        Tensor lse = h.logsumexp(-1);
        Tensor firstRows = h.narrow(0, 0, 8);

        assertArrayEquals(new int[] {256}, energy.shape());
        assertTrue(meanEnergy > 0);
        assertArrayEquals(new int[] {2, 2}, gram.shape());
        assertEquals(1.0, gram.get(0, 0), 0.3, "about the identity: x is standard normal");
        assertArrayEquals(new int[] {256}, lse.shape());
        assertTrue(firstRows.storage() == h.storage(), "narrow is a view");
    }

    @Test
    void derivatives() {
        Function<Var, Var> energy = x -> x.square().sum(1).mul(0.5).add(x.sin().sum(1));

        Tensor x = new RandomStream(7).normal(DType.FLOAT64, 128, 2);
        Var xv = Var.leaf(x);
        Var e = energy.apply(xv).sum();
        Var score = Autograd.grad(new Var[] {e}, new Var[] {xv}, null, true)[0].neg();

        Tensor trace = Functional.hessianTrace(energy, x);
        Tensor est = Functional.hutchinsonTrace(energy, x, 8, Distribution.RADEMACHER, new RandomStream(1));
        Tensor hv = Functional.hvp(z -> energy.apply(z).sum(), x, x);

        assertTrue(GradCheck.gradcheck(xs -> energy.apply(xs[0]), x.narrow(0, 0, 4)).passed());
        assertTrue(GradCheck.gradgradcheck(xs -> energy.apply(xs[0]), x.narrow(0, 0, 4)).passed());

        // tr ∇²E = D − Σ sin(x_i); exact for the diagonal Hessian with Rademacher probes
        Tensor expected = x.sin().sum(1).neg().add(2);
        assertArrayEquals(expected.toDoubleArray(), trace.toDoubleArray(), 1e-12);
        assertArrayEquals(expected.toDoubleArray(), est.toDoubleArray(), 1e-12);
        assertArrayEquals(x.add(x.cos()).neg().toDoubleArray(), score.value().toDoubleArray(), 1e-12);
        assertArrayEquals(x.mul(x.sin().neg().add(1)).toDoubleArray(), hv.toDoubleArray(), 1e-12);
        assertTrue(score.requiresGrad(), "recorded with createGraph, so it can be differentiated again");
    }

    /**
     * The images example with its step counts cut (2 training steps, 3 sampler steps per level, 8 samples)
     * so that it runs in seconds; it needs Debian's dataset-fashion-mnist.
     */
    @Test
    void images() {
        assumeTrue(FashionMnist.isInstalled(), "Fashion-MNIST is not installed");
        Tensor images = FashionMnist.centred(FashionMnist.load(FashionMnist.Split.TRAIN).images(DType.FLOAT32,
                new RandomStream(1))).reshape(-1, 1, 28, 28);
        UNet unet = new UNet(UNet.Config.fashionMnist(), DType.FLOAT32, new RandomStream(2));
        double[] sigmas = AnnealedLangevin.geometricSigmas(1, 0.01, 10);
        Loss ncsn = new MultiLevelDenoisingScoreMatching(unet, sigmas);
        Trainer.Result result = new Trainer(ncsn, new Adam(ncsn.parameters(), 1e-3), images,
                Trainer.Options.defaults().withSteps(2).withBatchSize(8)).run();

        Tensor noise = new RandomStream(3).normal(DType.FLOAT32, 8, 1, 28, 28);
        Tensor samples = new AnnealedLangevin(sigmas, 5e-6, 3, true).sample(unet, noise, new RandomStream(4)).state();

        assertArrayEquals(new int[] {60000, 1, 28, 28}, images.shape());
        assertEquals(2, result.steps().size());
        assertArrayEquals(new int[] {8, 1, 28, 28}, samples.shape());
        assertTrue(Double.isFinite(samples.sum().item()));
    }

    @Test
    void trainAndSample() {
        Tensor data = ToyDataset.TWO_MOONS.sample(8000, DType.FLOAT32, new RandomStream(1));
        NeuralEnergy energy = new MLP(Activation.SILU, DType.FLOAT32, new RandomStream(2), 2, 128, 128, 1).asEnergy();
        Loss loss = new SlicedScoreMatching(energy, 1, Projection.RADEMACHER, true);
        new Trainer(loss, new Adam(loss.parameters(), 2e-3), data, Trainer.Options.defaults().withSteps(1500)).run();

        Tensor start = GaussianNoise.fit(data, 1.0).sample(1000, new RandomStream(3));
        Tensor samples = new UnadjustedLangevin(0.003).sample(energy, start, 600, new RandomStream(4)).state();
        double mmd2 = Mmd.mmd2(samples, ToyDataset.TWO_MOONS.sample(2000, DType.FLOAT32, new RandomStream(5)));

        double gaussian = Mmd.mmd2(start, ToyDataset.TWO_MOONS.sample(2000, DType.FLOAT32, new RandomStream(5)));
        assertTrue(mmd2 < gaussian / 2, "samples " + mmd2 + " must beat the Gaussian they started from " + gaussian);
    }
}
