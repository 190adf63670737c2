package joule.ebm.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.ebm.nn.MLP;
import joule.ebm.nn.Parameter;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Parameters live on one device: modules move them with {@code to(Device)}, and nothing else may. */
class ParametersOnDeviceTest {
    @Test
    void aModuleMovesEveryParameterAndDropsTheGradients() {
        MLP mlp = DeviceParity.mlp(Device.CPU, 81, 2, 4, 1);
        mlp.parameters().getFirst().setGrad(Tensor.ones(DType.FLOAT32, 4, 2));
        mlp.to(Device.CUDA);
        for (Parameter p : mlp.parameters()) {
            assertEquals(Device.CUDA, p.value().device(), p.name());
            assertNull(p.grad(), p.name());
        }
        mlp.to(Device.CUDA);
        assertEquals(Device.CUDA, mlp.parameters().getLast().value().device());
    }

    @Test
    void aValueOrGradientFromAnotherDeviceIsAnError() {
        Parameter p = new Parameter("w", Tensor.zeros(Device.CUDA, DType.FLOAT32, 2));
        IllegalArgumentException set = assertThrows(IllegalArgumentException.class,
                () -> p.set(Tensor.zeros(DType.FLOAT32, 2)));
        assertEquals("parameter w: new value [2] float32 on cpu does not match [2] float32 on cuda (move it with "
                + "to(Device))", set.getMessage());
        IllegalArgumentException grad = assertThrows(IllegalArgumentException.class,
                () -> p.setGrad(Tensor.zeros(DType.FLOAT32, 2)));
        assertTrue(grad.getMessage().startsWith("parameter w: gradient [2] float32 on cpu"), grad.getMessage());
    }
}
