package joule.tensor.cpu;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.tensor.random.Distribution;

/**
 * Results of ops large enough to be split into several parallel tasks (elementwise over more
 * than one 16384-element block, long-row and leading-axis reductions, batched and plain matmul,
 * convolutions of several blocks of images and of images cut into several blocks, random draws), as
 * SHA-256 digests of their bits. {@link DeterminismTest} runs it in this JVM
 * and in JVMs with other {@code -Djoule.threads}; run as a main class it prints the digests.
 */
public final class DeterminismProbe {
    private DeterminismProbe() {
    }

    public static void main(String[] args) {
        results().forEach((name, digest) -> System.out.println(name + "=" + digest));
    }

    /** Digest of each case, by name, in a fixed order. */
    public static Map<String, String> results() {
        Map<String, String> out = new LinkedHashMap<>();
        for (DType dt : DType.values()) {
            RandomStream rs = new RandomStream(20_26);
            Tensor x = rs.normal(dt, 300, 200);
            Tensor y = rs.uniform(dt, 200);
            Tensor wide = rs.normal(dt, 100, 1000);
            Tensor a = rs.normal(dt, 8, 64, 96);
            Tensor b = rs.normal(dt, 96, 80);
            // 900 (196 strided) output pixels per image: blocks of whole images; 2500: each image cut into blocks
            Tensor images = rs.normal(dt, 12, 6, 30, 30);
            Tensor kernel = rs.normal(dt, 8, 3, 3, 3);
            Tensor dense = rs.normal(dt, 8, 6, 3, 3);
            Tensor large = rs.normal(dt, 2, 4, 50, 50);
            Tensor pointwise = rs.normal(dt, 6, 4, 1, 1);
            Conv2dSpec grouped = Conv2dSpec.of(1, 1).withGroups(2);
            Conv2dSpec strided = Conv2dSpec.of(2, 1).withDilation(2);
            Tensor imagesGrad = rs.normal(dt, 12, 8, 30, 30);
            Tensor largeGrad = rs.normal(dt, 2, 6, 50, 50);
            Tensor stridedGrad = rs.normal(dt, 12, 8, 14, 14);
            Map<String, Supplier<Tensor>> cases = new LinkedHashMap<>();
            cases.put("random normal", () -> x);
            cases.put("random uniform", () -> Tensor.random(Distribution.UNIFORM, dt, 7, 3, 70_001));
            cases.put("random rademacher", () -> Tensor.random(Distribution.RADEMACHER, dt, 7, 3, 50_000));
            cases.put("exp", x::exp);
            cases.put("tanh of a transposed view", () -> x.mT().tanh());
            cases.put("silu", x::silu);
            cases.put("add broadcast", () -> x.add(y));
            cases.put("mul of views", () -> x.mT().mul(x.mT().contiguous()));
            cases.put("where", () -> Tensor.where(x.gt(0.0), x, y));
            cases.put("sum all", x::sum);
            cases.put("sum rows", () -> x.sum(1));
            cases.put("sum leading axis", () -> wide.sum(0));
            cases.put("sum long row", () -> wide.reshape(-1).sum(0));
            cases.put("max all", () -> x.max());
            cases.put("min columns", () -> wide.min(0));
            cases.put("mean", () -> x.mean(0));
            cases.put("logsumexp", () -> wide.logsumexp(1));
            cases.put("norm", () -> x.norm());
            cases.put("argmax", () -> wide.argmax(1, false));
            cases.put("matmul", () -> x.matmul(x.mT()));
            cases.put("matmul batched", () -> a.matmul(a.mT()));
            cases.put("matmul folded batch", () -> a.matmul(b));
            cases.put("conv2d", () -> images.conv2d(kernel, grouped));
            cases.put("conv2d strided", () -> images.conv2d(dense, strided));
            cases.put("conv2d pointwise", () -> large.conv2d(pointwise, Conv2dSpec.DEFAULT));
            cases.put("conv2dTranspose", () -> imagesGrad.conv2dTranspose(kernel, grouped, 30, 30));
            cases.put("conv2dTranspose strided", () -> stridedGrad.conv2dTranspose(dense, strided, 30, 30));
            cases.put("conv2dTranspose pointwise", () -> largeGrad.conv2dTranspose(pointwise, Conv2dSpec.DEFAULT, 50, 50));
            cases.put("conv2dWeightGrad", () -> images.conv2dWeightGrad(imagesGrad, grouped, 3, 3));
            cases.put("conv2dWeightGrad strided", () -> images.conv2dWeightGrad(stridedGrad, strided, 3, 3));
            cases.put("conv2dWeightGrad pointwise", () -> large.conv2dWeightGrad(largeGrad, Conv2dSpec.DEFAULT, 1, 1));
            cases.forEach((name, op) -> out.put(dt + " " + name, digest(op.get())));
        }
        return out;
    }

    static String digest(Tensor t) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(8);
            for (int d : t.shape()) {
                md.update(buf.clear().putLong(d).array());
            }
            for (double v : t.toDoubleArray()) {
                md.update(buf.clear().putLong(Double.doubleToRawLongBits(v)).array());
            }
            return HexFormat.of().formatHex(md.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
