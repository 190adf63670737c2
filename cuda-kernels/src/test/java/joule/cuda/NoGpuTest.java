package joule.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import joule.tensor.Backends;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Without a GPU, the CUDA device fails with an IllegalStateException that says why. Skipped where a GPU works. */
class NoGpuTest {
    private static final String WHY = "(?s).*(no NVIDIA driver on this machine: libcuda\\.so\\.1 cannot be loaded"
            + "|the NVIDIA driver \\(libcuda\\.so\\.1\\) is installed, but it finds no CUDA device).*";

    @BeforeEach
    void noWorkingGpu() {
        boolean works;
        try {
            Backends.of(Device.CUDA);
            works = true;
        } catch (IllegalStateException e) {
            works = false;
        }
        assumeTrue(!works, "a CUDA device works here; this test is for machines without one");
    }

    @Test
    void backendLookupSaysWhy() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.of(Device.CUDA));
        assertTrue(e.getMessage().matches(WHY), e.getMessage());
    }

    @Test
    void movingATensorSaysWhy() {
        Tensor x = Tensor.ones(DType.FLOAT32, 2, 3);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.to(Device.CUDA));
        assertTrue(e.getMessage().matches(WHY), e.getMessage());
    }
}
