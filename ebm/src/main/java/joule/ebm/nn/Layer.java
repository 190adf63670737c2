package joule.ebm.nn;

import joule.autograd.Var;

/**
 * One step of a network, {@code Var → Var}: a {@link Module} with parameters ({@link Conv2d},
 * {@link GroupNorm}, …) or a parameter-free function such as an activation
 * ({@code Activation.SILU::apply}) or a pooling ({@code x -> x.avgPool2d(2, 2, 0)}). What a
 * {@link Sequential} chains.
 */
@FunctionalInterface
public interface Layer {
    /** The layer's output for {@code x}; shapes are stated by each layer. */
    Var forward(Var x);
}
