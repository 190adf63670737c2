package joule.ebm.device;

import static joule.ebm.device.DeviceParity.assertSameOnCpuAndCuda;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.loss.MultiLevelDenoisingScoreMatching;
import joule.ebm.nn.Conv2d;
import joule.ebm.nn.Parameter;
import joule.ebm.nn.SpectralNorm;
import joule.ebm.nn.UNet;
import joule.ebm.sample.AnnealedLangevin;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The image models on the (emulated) CUDA device: buffers move with parameters, and a UNet trains and samples as on the CPU. */
class ImageModelsOnDeviceTest {
    private static final UNet.Config TINY = new UNet.Config(1, 8, 8, 4, List.of(1, 2), 1, UNet.Downsample.CONV, 16);

    @Test
    void buffersMoveWithTheParameters() {
        UNet net = new UNet(TINY, DType.FLOAT32, new RandomStream(1));
        RandomStream rng = new RandomStream(2);
        SpectralNorm sn = new SpectralNorm(new Conv2d("conv", 1, 2, 3, Conv2dSpec.DEFAULT, true, DType.FLOAT32, rng), rng);
        net.to(Device.CUDA);
        sn.to(Device.CUDA);
        for (Parameter p : List.of(net.state(), sn.state()).stream().flatMap(List::stream).toList()) {
            assertEquals(Device.CUDA, p.value().device(), p.name());
        }
        sn.forward(Var.constant(rng.normal(Device.CUDA, DType.FLOAT32, 1, 1, 4, 4)));
        assertEquals(Device.CUDA, sn.buffers().getFirst().value().device(), "u after a power iteration");
    }

    @Test
    void aUNetGivesTheCpuLossGradientsAndSamplesOnTheDevice() {
        double[] sigmas = {1, 0.3, 0.1};
        assertSameOnCpuAndCuda("UNet", d -> {
            UNet net = new UNet(TINY, DType.FLOAT32, new RandomStream(3));
            net.to(d);
            Tensor images = new RandomStream(4).normal(DType.FLOAT32, 3, 1, 8, 8).to(d);
            MultiLevelDenoisingScoreMatching ncsn = new MultiLevelDenoisingScoreMatching(net, sigmas);
            Var loss = ncsn.compute(images, new RandomStream(5));
            loss.backward();
            DeviceParity.Results results = new DeviceParity.Results().tensor("loss", loss.value());
            for (Parameter p : net.parameters()) {
                results.tensor("gradient of " + p.name(), p.grad());
            }
            Tensor init = new RandomStream(6).normal(DType.FLOAT32, 2, 1, 8, 8).to(d);
            return results.tensor("samples", new AnnealedLangevin(sigmas, 1e-3, 2, true).sample(net, init,
                    new RandomStream(7)).state());
        });
    }
}
