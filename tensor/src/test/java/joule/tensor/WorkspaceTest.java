package joule.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WorkspaceTest {
    /** A few ops of a step: the result's bits, and the tensor it was made from. */
    private static double[] step(Tensor x, Tensor w) {
        return x.matmul(w).tanh().sum(new int[] {0}, false).mul(0.5).toDoubleArray();
    }

    @Test
    void stepsGiveTheSameBitsWithAndWithoutAWorkspaceAndReuseBuffersAfterTheFirst() {
        RandomStream rng = new RandomStream(1);
        Tensor x = rng.normal(DType.FLOAT32, 64, 32);
        Tensor w = rng.normal(DType.FLOAT32, 32, 16);
        double[] plain = step(x, w);
        Workspace ws = new Workspace("test");
        for (int i = 0; i < 3; i++) {
            try (Workspace.Scope scope = ws.open()) {
                assertArrayEquals(plain, step(x, w));
            }
        }
        long fresh = ws.freshBytes();
        try (Workspace.Scope scope = ws.open()) {
            step(x, w);
        }
        assertEquals(fresh, ws.freshBytes(), "a steady-state step should allocate nothing fresh");
        assertTrue(ws.reusedBytes() >= 3 * 64 * 16 * 4, "buffers should be handed out again: " + ws.reusedBytes());
    }

    @Test
    void recycledBuffersComeBackZeroed() {
        Workspace ws = new Workspace("test");
        try (Workspace.Scope scope = ws.open()) {
            Tensor.ones(Device.CPU, DType.FLOAT64, 100).mul(3);
        }
        try (Workspace.Scope scope = ws.open()) {
            assertEquals(0.0, Tensor.zeros(Device.CPU, DType.FLOAT64, 100).add(Tensor.zeros(Device.CPU, DType.FLOAT64, 100))
                    .abs().sum().item());
        }
    }

    @Test
    void aTensorUsedAfterItsScopeClosedFailsNamingTheWorkspace() {
        Workspace ws = new Workspace("train step");
        Tensor escaped;
        try (Workspace.Scope scope = ws.open()) {
            escaped = Tensor.ones(Device.CPU, DType.FLOAT32, 4, 4).mul(2);
        }
        try (Workspace.Scope scope = ws.open()) {
            Tensor.ones(Device.CPU, DType.FLOAT32, 4, 4).mul(5);   // takes the escaped tensor's buffer
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, escaped::toDoubleArray);
        assertTrue(e.getMessage().contains("train step") && e.getMessage().contains("recycled"), e.getMessage());
    }

    @Test
    void keptTensorsAndTensorsMadeOutsideSurvive() {
        Workspace ws = new Workspace("test");
        Tensor kept;
        Tensor outside;
        try (Workspace.Scope scope = ws.open()) {
            kept = Workspace.keep(Tensor.ones(Device.CPU, DType.FLOAT32, 3).mul(2));
            outside = Workspace.outside(() -> Tensor.ones(Device.CPU, DType.FLOAT32, 3).mul(4));
        }
        try (Workspace.Scope scope = ws.open()) {
            Tensor.ones(Device.CPU, DType.FLOAT32, 3).mul(7);
        }
        assertArrayEquals(new double[] {2, 2, 2}, kept.toDoubleArray());
        assertArrayEquals(new double[] {4, 4, 4}, outside.toDoubleArray());
    }

    @Test
    void scopesDoNotNest() {
        Workspace a = new Workspace("a");
        try (Workspace.Scope scope = a.open()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Workspace("b").open());
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
        }
        a.open().close();
    }
}
