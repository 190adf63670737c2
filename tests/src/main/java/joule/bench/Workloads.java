package joule.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import joule.ebm.loss.DenoisingScoreMatching;
import joule.ebm.loss.ExactScoreMatching;
import joule.ebm.loss.Loss;
import joule.ebm.loss.MultiLevelDenoisingScoreMatching;
import joule.ebm.loss.Projection;
import joule.ebm.loss.SlicedScoreMatching;
import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.ebm.nn.NeuralEnergy;
import joule.ebm.nn.UNet;
import joule.ebm.optim.Adam;
import joule.ebm.sample.AnnealedLangevin;
import joule.ebm.sample.UnadjustedLangevin;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.tensor.Workspace;

/**
 * The workloads of {@code bench/compare} ({@code bench/torch_workloads.py} and
 * {@code bench/torch_cuda_workloads.py} are PyTorch's side), on any device: sgemm, score-matching
 * training steps and Langevin sampling. All data float32, random normal with fixed seeds.
 */
final class Workloads {
    private Workloads() {
    }

    /** Every workload by name, made on the device it is given. */
    static Map<String, Function<Device, Workload>> all() {
        Map<String, Function<Device, Workload>> all = new LinkedHashMap<>();
        for (int n : new int[] {256, 1024}) {
            all.put("sgemm-" + n, d -> sgemm(n, d));
        }
        for (int d : new int[] {2, 784}) {
            all.put("ssm-d" + d, device -> ssm(d, device));
        }
        for (int d : new int[] {2, 16, 64}) {
            all.put("esm-d" + d, device -> esm(d, device));
        }
        all.put("dsm-d784", Workloads::dsm);
        all.put("langevin-2d", device -> langevin(10_000, device));
        all.put("unet-ncsn", Workloads::unetNcsn);
        return all;
    }

    /** {@code C = A·B}, n × n float32, 2n³ flops. */
    static Workload sgemm(int n, Device device) {
        RandomStream rng = new RandomStream(0, 0, device);
        Tensor a = rng.normal(DType.FLOAT32, n, n);
        Tensor b = rng.normal(DType.FLOAT32, n, n);
        return new Workload(() -> a.matmul(b), 2.0 * n * n * n / 1e9, "GFLOP/s");
    }

    /** MLP energy {@code sizes[0] → … → 1} with SiLU, float32, PyTorch's default initialisation, on {@code device}. */
    private static NeuralEnergy mlp(Device device, int... sizes) {
        MLP mlp = new MLP(Activation.SILU, DType.FLOAT32, new RandomStream(1), sizes);
        mlp.to(device);
        return mlp.asEnergy();
    }

    private static Tensor batch(int b, int d, Device device) {
        return new RandomStream(2, 0, device).normal(DType.FLOAT32, b, d);
    }

    /**
     * One training step of {@code loss} on a fixed batch: zero the gradients, loss, backward, Adam; in a
     * {@link Workspace} scope, as {@code Trainer} runs it, so steps reuse each other's buffers.
     */
    private static Workload trainStep(Loss loss, Tensor batch) {
        Adam adam = new Adam(loss.parameters(), 1e-3);
        RandomStream rng = new RandomStream(3);
        Workspace workspace = new Workspace("bench step");
        return new Workload(() -> {
            try (Workspace.Scope scope = workspace.open()) {
                adam.zeroGrad();
                loss.compute(batch, rng).backward();
                adam.step();
                adam.zeroGrad();
            }
            return adam.parameters().getFirst().value();
        }, 1, "steps/s");
    }

    /** SSM (not variance-reduced), 1 Rademacher projection, MLP D → 128 → 128 → 1, batch 1024. */
    static Workload ssm(int d, Device device) {
        return trainStep(new SlicedScoreMatching(mlp(device, d, 128, 128, 1), 1, Projection.RADEMACHER, false),
                batch(1024, d, device));
    }

    /** Exact score matching (score and Laplacian carried forward through the MLP), MLP D → 128 → 128 → 1, batch 256. */
    static Workload esm(int d, Device device) {
        return trainStep(new ExactScoreMatching(mlp(device, d, 128, 128, 1)), batch(256, d, device));
    }

    /** DSM at σ = 0.1, MLP 784 → 512 → 512 → 1, batch 256. */
    static Workload dsm(Device device) {
        return trainStep(new DenoisingScoreMatching(mlp(device, 784, 512, 512, 1), 0.1), batch(256, 784, device));
    }

    /**
     * NCSN step of a U-Net score network (base 32 channels, multipliers 1, 2, 2, one residual block per level:
     * {@code bin/joule train --model unet}'s default) on a batch {@code [128, 1, 28, 28]}, 10 geometric levels in
     * [0.01, 1].
     */
    static Workload unetNcsn(Device device) {
        UNet net = new UNet(new UNet.Config(1, 28, 28, 32, List.of(1, 2, 2), 1, UNet.Downsample.CONV, 16),
                DType.FLOAT32, new RandomStream(1, 0, device));
        Tensor images = new RandomStream(2, 0, device).normal(DType.FLOAT32, 128, 1, 28, 28);
        return trainStep(new MultiLevelDenoisingScoreMatching(net, AnnealedLangevin.geometricSigmas(1, 0.01, 10)),
                images);
    }

    /** 100 ULA steps (η = 0.01) of {@code chains} chains in 2-D on an MLP energy 2 → 128 → 128 → 1. */
    static Workload langevin(int chains, Device device) {
        int steps = 100;
        NeuralEnergy energy = mlp(device, 2, 128, 128, 1);
        Tensor init = batch(chains, 2, device);
        UnadjustedLangevin ula = new UnadjustedLangevin(0.01);
        RandomStream rng = new RandomStream(3);
        return new Workload(() -> ula.sample(energy, init, steps, rng).state(), (double) chains * steps,
                "chain-steps/s");
    }
}
