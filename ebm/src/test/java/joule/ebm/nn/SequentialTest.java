package joule.ebm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import joule.autograd.Var;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Sequential: layers in order, PyTorch's state_dict names by index, parameters and buffers collected. */
class SequentialTest {
    @Test
    void appliesTheLayersInOrderAndNamesThemByIndex() {
        RandomStream rng = new RandomStream(1);
        Sequential net = Sequential.builder("layers")
                .add(name -> new Conv2d(name, 1, 3, 3, Conv2dSpec.of(1, 1), true, DType.FLOAT64, rng))
                .addFunction(Activation.SILU::apply)
                .addFunction(x -> x.avgPool2d(2, 2, 0))
                .add(name -> new Conv2d(name, 3, 2, 1, Conv2dSpec.DEFAULT, false, DType.FLOAT64, rng))
                .build();
        assertEquals(List.of("layers.0.weight", "layers.0.bias", "layers.3.weight"),
                net.parameters().stream().map(Parameter::name).toList());
        Tensor x = new RandomStream(2).normal(DType.FLOAT64, 2, 1, 4, 6);
        Tensor y = net.forward(Var.constant(x)).value();
        assertArrayEquals(new int[] {2, 2, 2, 3}, y.shape());
        Conv2d first = (Conv2d) net.layers().get(0);
        Conv2d last = (Conv2d) net.layers().get(3);
        Var byHand = last.forward(first.forward(Var.constant(x)).silu().avgPool2d(2, 2, 0));
        assertArrayEquals(byHand.value().toDoubleArray(), y.toDoubleArray(), 0);
    }

    @Test
    void collectsBuffersAndNestsNames() {
        RandomStream rng = new RandomStream(3);
        Sequential net = Sequential.builder("embed")
                .add(name -> new GaussianFourierEmbedding(name, 2, 1.0, DType.FLOAT64, rng))
                .add(name -> Sequential.builder(name)
                        .add(inner -> new Linear(inner, 4, 3, DType.FLOAT64, rng))
                        .addFunction(Activation.TANH::apply)
                        .build())
                .build();
        assertEquals(List.of("embed.1.0.weight", "embed.1.0.bias"), net.parameters().stream().map(Parameter::name).toList());
        assertEquals(List.of("embed.0.W"), net.buffers().stream().map(Parameter::name).toList());
        assertEquals(List.of("embed.1.0.weight", "embed.1.0.bias", "embed.0.W"),
                net.state().stream().map(Parameter::name).toList());
        assertArrayEquals(new int[] {5, 3}, net.forward(Var.constant(Tensor.ones(DType.FLOAT64, 5))).shape());
    }

    @Test
    void layersMustBeNamedByTheirIndex() {
        RandomStream rng = new RandomStream(4);
        var misnamed = assertThrows(IllegalArgumentException.class, () -> Sequential.builder("layers")
                .addFunction(Activation.SILU::apply)
                .add(name -> new Linear("fc", 2, 2, DType.FLOAT64, rng)));
        assertEquals("Sequential layers: layer 1 has 'fc.weight', which should start with 'layers.1.'",
                misnamed.getMessage());
        var withParameters = assertThrows(IllegalArgumentException.class, () -> Sequential.builder("layers")
                .addFunction(new Linear("layers.0", 2, 2, DType.FLOAT64, rng)));
        assertTrue(withParameters.getMessage().startsWith("Sequential layers: layer 0 has parameters"),
                withParameters.getMessage());
    }
}
