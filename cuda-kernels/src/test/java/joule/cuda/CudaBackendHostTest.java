package joule.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import joule.tensor.BinaryOp;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.ReduceOp;
import joule.tensor.Tensor;
import joule.tensor.UnaryOp;
import joule.tensor.random.Distribution;
import org.junit.jupiter.api.Test;

/**
 * The backend's host side on a {@link FakeGpu}: every method launches kernels whose arguments match the PTX
 * signatures, picks the kernels it should, moves data, and turns a kernel's error record into the CPU's exception.
 * Nothing here computes on a GPU.
 */
class CudaBackendHostTest {
    private final FakeGpu gpu = new FakeGpu();
    private final CudaBackend cuda = new CudaBackend(gpu, false, false);

    private Tensor onGpu(Tensor cpu) {
        return cuda.transferFrom(cpu);
    }

    private List<Kernel> kernels() {
        return gpu.takeLaunches().stream().map(FakeGpu.Launch::kernel).toList();
    }

    @Test
    void everyMethodLaunchesKernelsThatMatchTheirSignatures() {
        RandomStream rng = new RandomStream(3);
        for (DType dtype : DType.values()) {
            Tensor x = onGpu(rng.normal(dtype, 3, 4));
            Tensor row = onGpu(rng.normal(dtype, 4));
            Tensor batch = onGpu(rng.normal(dtype, 2, 4, 5));
            cuda.full(dtype, new int[] {2, 2}, 1.5);
            cuda.fromDoubles(dtype, new int[] {2}, new double[] {1, 2});
            for (Distribution d : Distribution.values()) {
                cuda.random(d, dtype, new int[] {5, 3}, 7, 11);
            }
            for (UnaryOp op : UnaryOp.values()) {
                cuda.unary(op, x.mT());
            }
            for (BinaryOp op : BinaryOp.values()) {
                cuda.binary(op, x, row);
            }
            cuda.binaryThenUnary(BinaryOp.ADD, x, row, UnaryOp.SILU);
            cuda.binaryOfUnary(BinaryOp.MUL, x, UnaryOp.SILU_GRAD, row);
            cuda.langevinStep(x, x.mT().mT(), x, 0.01, 0.1);
            cuda.where(x, row, x.narrow(0, 1, 1));
            for (ReduceOp op : ReduceOp.values()) {
                cuda.reduce(op, batch, new int[] {1}, true);
                cuda.reduce(op, batch, new int[] {0, 2}, false);
                cuda.reduce(op, batch.permute(2, 0, 1), new int[] {0, 1, 2}, false);
            }
            cuda.argmax(batch, 2, false);
            cuda.argmax(batch.mT(), 0, true);
            cuda.matmul(x, x.mT());
            cuda.matmul(batch.mT(), x.mT().narrow(0, 0, 4).mT().mT());
            cuda.copy(x.mT(), cuda.empty(dtype == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32, new int[] {4, 3}));
            Tensor image = onGpu(rng.normal(dtype, 3, 4, 5, 6)).narrow(0, 1, 2);
            Tensor kernel = onGpu(rng.normal(dtype, 6, 2, 3, 2));
            Conv2dSpec spec = new Conv2dSpec(2, 1, 1, 0, 1, 2, 2);
            Tensor conv = cuda.conv2d(image, kernel, spec);
            cuda.conv2dTranspose(conv, kernel, spec, 6, 6);
            cuda.conv2dWeightGrad(image, conv, spec, 3, 2);
            cuda.toDoubleArray(batch.permute(1, 2, 0));
        }
        assertTrue(kernels().size() > 100);
    }

    @Test
    void theFakeRejectsLaunchesThatDoNotMatchTheSignature() {
        KernelArgs fill = new KernelArgs().i32(3).f64(0.0);
        assertThrows(AssertionError.class, () -> gpu.launch(Kernel.FILL_F32, "test", 1, 1, 256, fill));
        KernelArgs swapped = new KernelArgs().f64(0.0).i32(3).u64(0x1000);
        assertThrows(AssertionError.class, () -> gpu.launch(Kernel.FILL_F32, "test", 1, 1, 256, swapped));
        KernelArgs right = new KernelArgs().i32(3).f64(0.0).u64(0x1000);
        assertThrows(AssertionError.class, () -> gpu.launch(Kernel.FILL_F32, "test", 1, 1, 512, right));
        gpu.launch(Kernel.FILL_F32, "test", 1, 1, 256, right);
    }

    @Test
    void dataRoundTripsWithRoundingToFloat32() {
        double[] values = {1.0 / 3, -2.5, 1e-50, 7};
        Tensor f = cuda.fromDoubles(DType.FLOAT32, new int[] {2, 2}, values);
        assertEquals(DType.FLOAT32, f.dtype());
        double[] back = cuda.toDoubleArray(f);
        for (int i = 0; i < values.length; i++) {
            assertEquals((float) values[i], back[i]);
        }
        Tensor d = onGpu(Tensor.of(values, 4));
        assertArrayEquals(values, cuda.toDoubleArray(d));
        assertArrayEquals(new double[] {-2.5, 1e-50}, cuda.toDoubleArray(d.narrow(0, 1, 2)), "a view at an offset");
        assertTrue(kernels().isEmpty(), "contiguous data needs no kernel to move");
    }

    @Test
    void opCodesAreOrdinalsAndOnlyOpsWithADomainAreChecked() {
        Tensor x = onGpu(Tensor.of(new double[] {1, 2}, 2));
        cuda.unary(UnaryOp.LOG, x);
        cuda.unary(UnaryOp.NEG, x);
        cuda.binary(BinaryOp.DIV, x, x);
        cuda.binary(BinaryOp.ADD, x, x);
        List<FakeGpu.Launch> launches = gpu.takeLaunches();
        assertEquals(UnaryOp.LOG.ordinal(), launches.get(0).args().get(2));
        assertTrue((Integer) launches.get(0).args().get(6) >= 0);
        assertEquals(-1, launches.get(1).args().get(6));
        assertEquals(BinaryOp.DIV.ordinal(), launches.get(2).args().get(2));
        assertTrue((Integer) launches.get(2).args().get(7) >= 0);
        assertEquals(-1, launches.get(3).args().get(7));
    }

    @Test
    void fusedOpsAreFusedOnlyWithoutRestrictedDomains() {
        Tensor a = onGpu(Tensor.of(new double[] {1, 2}, 2));
        cuda.binaryThenUnary(BinaryOp.ADD, a, a, UnaryOp.SILU);
        assertEquals(List.of(Kernel.BINARY_THEN_UNARY_F64), kernels());
        cuda.binaryThenUnary(BinaryOp.DIV, a, a, UnaryOp.SILU);
        assertEquals(List.of(Kernel.BINARY_F64, Kernel.UNARY_F64), kernels());
        cuda.binaryThenUnary(BinaryOp.ADD, a, a, UnaryOp.SQRT);
        assertEquals(List.of(Kernel.BINARY_F64, Kernel.UNARY_F64), kernels());
        cuda.binaryOfUnary(BinaryOp.MUL, a, UnaryOp.SILU_GRAD, a);
        assertEquals(List.of(Kernel.BINARY_OF_UNARY_F64), kernels());
        cuda.binaryOfUnary(BinaryOp.MUL, a, UnaryOp.LOG, a);
        assertEquals(List.of(Kernel.UNARY_F64, Kernel.BINARY_F64), kernels());
    }

    @Test
    void aDomainErrorIsThrownAtTheNextReadThenCleared() {
        Tensor x = onGpu(Tensor.of(DType.FLOAT32, new double[] {1, -2}, 1, 2));
        Tensor y = cuda.unary(UnaryOp.LOG, x);
        List<Object> args = gpu.takeLaunches().getFirst().args();
        ByteBuffer record = ByteBuffer.wrap(DomainErrors.emptyRecord()).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt(12, (Integer) args.get(6)).putInt(16, 1).putDouble(24, -2.0);
        gpu.write((Long) args.get(5), record.array());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cuda.toDoubleArray(y));
        assertEquals("log: input -2.0 at index [0, 1] is outside the domain x ≥ 0 (found on the GPU, reported at the "
                + "next read to the host)", e.getMessage());
        cuda.toDoubleArray(y);
        cuda.synchronize();
    }

    @Test
    void longRowsAreReducedInTwoPasses() {
        Tensor x = onGpu(Tensor.zeros(DType.FLOAT32, 2, 20_000));
        Tensor sum = cuda.reduce(ReduceOp.SUM, x, new int[] {1}, true);
        assertArrayEquals(new int[] {2, 1}, sum.shape());
        List<FakeGpu.Launch> launches = gpu.takeLaunches();
        assertEquals(List.of(Kernel.REDUCE_F32_F64, Kernel.REDUCE_F64_F32),
                launches.stream().map(FakeGpu.Launch::kernel).toList());
        assertEquals(6, launches.get(0).gridX(), "3 chunks of each of 2 rows");
    }

    @Test
    void reducingNothingGivesTheIdentity() {
        Tensor empty = onGpu(Tensor.zeros(DType.FLOAT64, 0, 3));
        Tensor sum = cuda.reduce(ReduceOp.SUM, empty, new int[] {0}, false);
        assertArrayEquals(new int[] {3}, sum.shape());
        FakeGpu.Launch fill = gpu.takeLaunches().getFirst();
        assertEquals(Kernel.FILL_F64, fill.kernel());
        assertEquals(List.of(3, 0.0), fill.args().subList(0, 2));
    }

    @Test
    void argmaxGivesFloat64() {
        Tensor x = onGpu(Tensor.zeros(DType.FLOAT32, 4, 5));
        Tensor i = cuda.argmax(x, 1, true);
        assertEquals(DType.FLOAT64, i.dtype());
        assertArrayEquals(new int[] {4, 1}, i.shape());
        assertEquals(List.of(Kernel.ARGMAX_F32), kernels());
    }

    @Test
    void matmulUsesTf32OnlyWhenAskedAndOnlyForFloat32() {
        CudaBackend tf32 = new CudaBackend(gpu, false, true);
        Tensor a32 = tf32.transferFrom(Tensor.zeros(DType.FLOAT32, 3, 70, 5));
        Tensor b32 = tf32.transferFrom(Tensor.zeros(DType.FLOAT32, 5, 130));
        Tensor a64 = tf32.transferFrom(Tensor.zeros(DType.FLOAT64, 70, 5));
        Tensor b64 = tf32.transferFrom(Tensor.zeros(DType.FLOAT64, 5, 130));
        assertArrayEquals(new int[] {3, 70, 130}, tf32.matmul(a32, b32).shape());
        tf32.matmul(a64, b64);
        cuda.matmul(a32, b32);
        List<FakeGpu.Launch> launches = gpu.takeLaunches();
        assertEquals(List.of(Kernel.MATMUL_TF32, Kernel.MATMUL_F64, Kernel.MATMUL_F32),
                launches.stream().map(FakeGpu.Launch::kernel).toList());
        assertEquals(2 * 3, launches.get(0).gridX(), "64 × 64 tiles");
        assertEquals(3, launches.get(0).gridY(), "one row of the grid per product of the batch");
        assertEquals(1 * 2, launches.get(2).gridX(), "128 × 128 tiles");
    }

    @Test
    void matmulOverAnEmptySumIsZeros() {
        Tensor a = onGpu(Tensor.zeros(DType.FLOAT32, 3, 0));
        Tensor b = onGpu(Tensor.zeros(DType.FLOAT32, 0, 2));
        assertArrayEquals(new int[] {3, 2}, cuda.matmul(a, b).shape());
        assertEquals(List.of(Kernel.FILL_F32), kernels());
    }

    @Test
    void convolutionsPassTheirGeometryAndOffsets() {
        Tensor x = onGpu(Tensor.zeros(DType.FLOAT32, 3, 4, 5, 6)).narrow(0, 1, 2);
        Tensor w = onGpu(Tensor.zeros(DType.FLOAT32, 6, 2, 3, 2));
        Tensor g = onGpu(Tensor.zeros(DType.FLOAT32, 2, 6, 3, 4));
        Conv2dSpec spec = new Conv2dSpec(2, 1, 1, 0, 1, 2, 2);
        int[] geometry = {2, 4, 5, 6, 6, 3, 2, 3, 4, 2, 1, 1, 0, 1, 2, 2};
        assertArrayEquals(new int[] {2, 6, 3, 4}, cuda.conv2d(x, w, spec).shape());
        assertArrayEquals(new int[] {2, 4, 5, 6}, cuda.conv2dTranspose(g, w, spec, 5, 6).shape());
        List<FakeGpu.Launch> launches = gpu.takeLaunches();
        assertEquals(List.of(Kernel.CONV2D_F32, Kernel.CONV2D_TRANSPOSE_F32),
                launches.stream().map(FakeGpu.Launch::kernel).toList());
        assertArrayEquals(geometry, (int[]) launches.get(0).args().get(0));
        assertEquals(List.of(120, 0), launches.get(0).args().subList(1, 3), "x starts at its second image");
        assertArrayEquals(geometry, (int[]) launches.get(1).args().get(0), "the geometry of the forward convolution");
    }

    @Test
    void weightGradientsAddTheirChunksInASecondPass() {
        Tensor x = onGpu(Tensor.zeros(DType.FLOAT32, 3, 2, 64, 64));
        Tensor g = onGpu(Tensor.zeros(DType.FLOAT32, 3, 2, 64, 64));
        assertArrayEquals(new int[] {2, 2, 3, 3}, cuda.conv2dWeightGrad(x, g, Conv2dSpec.of(1, 1), 3, 3).shape());
        List<FakeGpu.Launch> launches = gpu.takeLaunches();
        assertEquals(List.of(Kernel.CONV2D_WEIGHT_GRAD_F32, Kernel.REDUCE_F64_F32),
                launches.stream().map(FakeGpu.Launch::kernel).toList());
        assertEquals(List.of(ReducePlan.CHUNK, 2, 256), launches.get(0).args().subList(3, 6),
                "3·64·64 products per weight: two chunks, 256 lanes");
        assertEquals(2 * 36, launches.get(0).gridX(), "two chunks of each of 36 weights");

        Tensor x64 = onGpu(Tensor.zeros(DType.FLOAT64, 1, 1, 2, 2));
        Tensor g64 = onGpu(Tensor.zeros(DType.FLOAT64, 1, 3, 1, 1));
        cuda.conv2dWeightGrad(x64, g64, Conv2dSpec.DEFAULT, 2, 2);
        assertEquals(List.of(Kernel.CONV2D_WEIGHT_GRAD_F64), kernels(), "one chunk in float64: no second pass");
    }

    @Test
    void manyWeightsCutTheirSumsIntoFewerLongerChunks() {
        Tensor x = cuda.empty(DType.FLOAT32, new int[] {1, 1024, 1024, 1024});
        Tensor g = cuda.empty(DType.FLOAT32, new int[] {1, 1024, 1024, 1024});
        cuda.conv2dWeightGrad(x, g, Conv2dSpec.DEFAULT, 1, 1);
        FakeGpu.Launch launch = gpu.takeLaunches().getFirst();
        assertEquals(List.of(65536, 16), launch.args().subList(3, 5), "2^20 weights × 16 chunks: 2^24 partial sums");
        assertEquals(1 << 24, launch.gridX());
    }

    @Test
    void poisonFillsEveryNewBufferWithNaN() {
        CudaBackend poisoned = new CudaBackend(gpu, true, false);
        int before = gpu.fills().size();
        poisoned.empty(DType.FLOAT64, new int[] {3});
        poisoned.empty(DType.FLOAT32, new int[] {5});
        List<FakeGpu.Fill> fills = gpu.fills().subList(before, gpu.fills().size());
        assertEquals(List.of(6L, 5L), fills.stream().map(FakeGpu.Fill::count).toList());
        for (FakeGpu.Fill f : fills) {
            assertTrue(Float.isNaN(Float.intBitsToFloat(f.word())));
            assertTrue(Double.isNaN(Double.longBitsToDouble((long) f.word() << 32 | f.word())));
        }
        cuda.empty(DType.FLOAT64, new int[] {3});
        assertEquals(before + 2, gpu.fills().size(), "no poison unless asked");
    }

    @Test
    void copiesConvertIntoStridedViews() {
        Tensor src = onGpu(Tensor.zeros(DType.FLOAT32, 3));
        Tensor dst = cuda.empty(DType.FLOAT64, new int[] {3, 2});
        cuda.copy(src, dst.select(1, 1));
        FakeGpu.Launch launch = gpu.takeLaunches().getFirst();
        assertEquals(Kernel.COPY_F32_F64, launch.kernel());
        int[] layout = (int[]) launch.args().get(0);
        assertEquals(1, layout[0], "one axis");
        assertEquals(1, layout[1 + Layouts.MAX_RANK + 1], "the view starts at element 1");
        assertEquals(2, Layouts.innerStride(layout, 1));
    }
}
