package joule.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import joule.tensor.DType;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The reverse-mode engine: accumulation on leaves, {@link Autograd#grad} with gradOutputs and
 * createGraph, noGrad and detach, the errors a user can run into, diamonds and deep chains.
 */
class EngineTest {
    private static Tensor vec(double... v) {
        return Tensor.of(v);
    }

    private static void assertValues(double[] expected, Tensor actual) {
        assertArrayEquals(expected, actual.toDoubleArray(), 1e-12, () -> "got " + actual);
    }

    // ---------------------------------------------------------------- backward and leaves

    @Test
    void backwardAccumulatesOnLeavesUntilZeroGrad() {
        Var x = Var.leaf(vec(1, 2, 3));
        assertNull(x.grad());
        x.square().sum().backward();                          // d/dx Σx² = 2x
        assertValues(new double[] {2, 4, 6}, x.grad());
        x.mul(3).sum().backward();                            // + 3
        assertValues(new double[] {5, 7, 9}, x.grad());
        x.zeroGrad();
        assertNull(x.grad());
        x.mul(3).sum().backward();
        assertValues(new double[] {3, 3, 3}, x.grad());
    }

    @Test
    void backwardFillsOnlyLeavesThatRequireGrad() {
        Var x = Var.leaf(vec(1, 2));
        Var c = Var.constant(vec(10, 20));
        Var h = x.mul(c);                                     // intermediate
        h.sum().backward();
        assertValues(new double[] {10, 20}, x.grad());
        assertNull(c.grad(), "a constant gets no gradient");
        assertNull(h.grad(), "an intermediate result gets no accumulated gradient");
        assertFalse(h.isLeaf());
        assertTrue(h.requiresGrad());
    }

    @Test
    void backwardWithGradOutputForNonScalarOutput() {
        Var x = Var.leaf(vec(1, 2, 3));
        Var y = x.square();
        y.backward(vec(1, 10, 100), false);                   // Σ u_i 2x_i
        assertValues(new double[] {2, 40, 600}, x.grad());
    }

    @Test
    void retainGraphAllowsASecondBackward() {
        Var x = Var.leaf(vec(1, 2));
        Var y = x.exp().sum();
        y.backward(null, true);
        y.backward(null, false);
        assertValues(new double[] {2 * Math.exp(1), 2 * Math.exp(2)}, x.grad());
        assertTrue(y.node.isReleased(), "the last backward without retainGraph frees the graph");
    }

    // ---------------------------------------------------------------- grad(outputs, inputs, gradOutputs, createGraph)

    @Test
    void gradWithGradOutputsOverSeveralOutputsAndInputs() {
        Var x = Var.leaf(vec(1, 2, 3));
        Var w = Var.leaf(vec(4, 5, 6));
        Var y1 = x.mul(w);                                    // [3]
        Var y2 = x.sum().mul(2);                              // 0-d
        Var[] g = Autograd.grad(new Var[] {y1, y2}, new Var[] {x, w},
                new Tensor[] {vec(1, -1, 2), Tensor.scalar(0.5, DType.FLOAT64)}, false);
        // d/dx <u, x*w> + 0.5 * 2 Σx = u*w + 1; d/dw = u*x
        assertValues(new double[] {5, -4, 13}, g[0].value());
        assertValues(new double[] {1, -2, 6}, g[1].value());
        assertNull(x.grad(), "grad() returns gradients and leaves .grad() alone");
        assertNull(w.grad());
        assertFalse(g[0].requiresGrad(), "without createGraph the gradient is a plain value");
    }

    @Test
    void gradWithRespectToAnIntermediate() {
        Var x = Var.leaf(vec(0.5, -1));
        Var h = x.tanh();
        Var y = h.square().sum();
        Var[] g = Autograd.grad(new Var[] {y}, new Var[] {h, x}, null, false);
        double[] hv = h.value().toDoubleArray();
        assertValues(new double[] {2 * hv[0], 2 * hv[1]}, g[0].value());
        assertValues(new double[] {2 * hv[0] * (1 - hv[0] * hv[0]), 2 * hv[1] * (1 - hv[1] * hv[1])}, g[1].value());
    }

    @Test
    void createGraphMakesGradientsDifferentiable() {
        Var x = Var.leaf(vec(0.3, -0.7, 1.1));
        Var y = x.pow(3).sum();
        Var g = Autograd.grad(new Var[] {y}, new Var[] {x}, null, true)[0];   // 3x²
        assertTrue(g.requiresGrad());
        assertValues(new double[] {0.27, 1.47, 3.63}, g.value());
        Var gg = Autograd.grad(g.sum(), x)[0];                                 // 6x
        assertValues(new double[] {1.8, -4.2, 6.6}, gg.value());
        // a third order, through the second gradient's graph
        Var g2 = Autograd.grad(new Var[] {y.add(0)}, new Var[] {x}, null, true)[0];
        Var h2 = Autograd.grad(new Var[] {g2.sum()}, new Var[] {x}, null, true)[0];
        Var t3 = Autograd.grad(h2.sum(), x)[0];                                // 6
        assertValues(new double[] {6, 6, 6}, t3.value());
    }

    @Test
    void gradOutputsThatRequireGradAreDifferentiatedThrough() {
        // the double-VJP construction of a JVP: w(u) = Jᵀu is linear in u, and ∇_u <w(u), t> = J t
        Var x = Var.leaf(vec(1, 2));
        Var y = x.square();
        Var u = Var.leaf(Tensor.zeros(DType.FLOAT64, 2));
        Var w = Autograd.grad(new Var[] {y}, new Var[] {x}, new Var[] {u}, GradOptions.CREATE_GRAPH)[0];
        Var jt = Autograd.grad(new Var[] {w}, new Var[] {u}, new Var[] {Var.constant(vec(3, 5))},
                GradOptions.DEFAULT)[0];
        assertValues(new double[] {6, 20}, jt.value());      // diag(2x) t
    }

    // ---------------------------------------------------------------- noGrad and detach

    @Test
    void noGradRecordsNothing() {
        Var x = Var.leaf(vec(1, 2));
        assertTrue(Autograd.isGradEnabled());
        Var y = Autograd.noGrad(() -> {
            assertFalse(Autograd.isGradEnabled());
            return x.mul(x).exp().sum();
        });
        assertTrue(Autograd.isGradEnabled(), "the mode is restored after the scope");
        assertFalse(y.requiresGrad());
        assertTrue(y.isLeaf());
        assertNull(y.node);
        assertEquals(Math.exp(1) + Math.exp(4), y.item(), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    @Test
    void noGradRestoresTheModeAfterAnException() {
        assertThrows(IllegalStateException.class, () -> Autograd.noGrad(() -> {
            throw new IllegalStateException("boom");
        }));
        assertTrue(Autograd.isGradEnabled());
        // nested scopes restore the outer one
        Autograd.noGrad(() -> {
            Autograd.noGrad(() -> null);
            assertFalse(Autograd.isGradEnabled());
            return null;
        });
        assertTrue(Autograd.isGradEnabled());
    }

    @Test
    void detachCutsTheGraph() {
        Var x = Var.leaf(vec(1, -2, 3));
        Var d = x.detach();
        assertFalse(d.requiresGrad());
        assertSame(x.value(), d.value(), "detach shares the value");
        // x·detach(x): the value x², but only one factor carries gradient
        Var y = d.mul(x).sum();
        assertEquals(14, y.item(), 1e-12);
        y.backward();
        assertValues(new double[] {1, -2, 3}, x.grad());
        // a graph that only sees detached values does not require grad at all
        assertFalse(x.detach().square().sum().requiresGrad());
    }

    // ---------------------------------------------------------------- errors

    @Test
    void secondBackwardThroughAFreedGraphIsAnError() {
        Var x = Var.leaf(vec(1, 2));
        Var y = x.sin().sum();
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("already freed"), e.getMessage());
        assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
        // the same for grad(), on any op of the freed graph
        Var z = x.exp().mul(x).sum();
        Autograd.grad(z, x);
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> Autograd.grad(z, x));
        assertTrue(e2.getMessage().contains("already freed"), e2.getMessage());
    }

    @Test
    void nonScalarOutputWithoutGradOutputsIsAnError() {
        Var x = Var.leaf(vec(1, 2, 3));
        Var y = x.square();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(e.getMessage().contains("[3]"), e.getMessage());
        assertTrue(e.getMessage().contains("gradOutputs"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(new Var[] {y}, new Var[] {x}, null, false));
    }

    @Test
    void unusedInputIsAnErrorUnlessAllowed() {
        Var x = Var.leaf(vec(1, 2));
        Var unused = Var.leaf(Tensor.ones(DType.FLOAT64, 2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(new Var[] {x.square().sum()}, new Var[] {x, unused}, (Var[]) null,
                        GradOptions.DEFAULT));
        assertTrue(e.getMessage().contains("input 1"), e.getMessage());
        assertTrue(e.getMessage().contains("not used"), e.getMessage());
        assertTrue(e.getMessage().contains("allowUnused"), e.getMessage());

        Var[] g = Autograd.grad(new Var[] {x.square().sum()}, new Var[] {x, unused}, (Var[]) null,
                GradOptions.DEFAULT.withAllowUnused(true));
        assertValues(new double[] {2, 4}, g[0].value());
        assertArrayEquals(new int[] {2, 3}, g[1].shape());
        assertValues(new double[6], g[1].value());
    }

    @Test
    void gradOutputsOfTheWrongShapeDtypeOrCountAreErrors() {
        Var x = Var.leaf(vec(1, 2, 3));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(new Var[] {x.square()}, new Var[] {x}, new Tensor[] {vec(1, 1)}, false));
        assertTrue(shape.getMessage().contains("[2]") && shape.getMessage().contains("[3]"), shape.getMessage());
        IllegalArgumentException backwardShape = assertThrows(IllegalArgumentException.class,
                () -> x.square().backward(Tensor.ones(DType.FLOAT64, 3, 1), false));
        assertTrue(backwardShape.getMessage().contains("[3, 1]"), backwardShape.getMessage());
        IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(new Var[] {x.square()}, new Var[] {x},
                        new Tensor[] {Tensor.ones(DType.FLOAT32, 3)}, false));
        assertTrue(dtype.getMessage().contains("float32"), dtype.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(new Var[] {x.square()}, new Var[] {x}, new Tensor[] {vec(1, 1, 1), vec(1)}, false));
        assertTrue(count.getMessage().contains("2 gradOutputs for 1 outputs"), count.getMessage());
    }

    @Test
    void outputThatDoesNotRequireGradIsAnError() {
        Var x = Var.leaf(vec(1, 2));
        Var c = Var.constant(vec(1, 2)).square().sum();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(new Var[] {c}, new Var[] {x}, null, false));
        assertTrue(e.getMessage().contains("output 0 does not require grad"), e.getMessage());
        assertThrows(IllegalArgumentException.class, c::backward);
    }

    // ---------------------------------------------------------------- graph shapes

    @Test
    void diamondSumsGradientsOfEveryPath() {
        double x0 = 0.7;
        Var x = Var.leaf(Tensor.scalar(x0, DType.FLOAT64));
        // x used twice directly
        Var y = x.square().mul(x.sin());                      // x² sin x
        y.backward();
        assertEquals(2 * x0 * Math.sin(x0) + x0 * x0 * Math.cos(x0), x.grad().item(), 1e-12);
        // a shared intermediate used by two branches: e^{2x} + e^x
        x.zeroGrad();
        Var h = x.exp();
        h.mul(h).add(h).backward();
        assertEquals(2 * Math.exp(2 * x0) + Math.exp(x0), x.grad().item(), 1e-12);
        // x + x and x * x
        assertEquals(2, Autograd.grad(x.add(x), x)[0].item(), 0);
        assertEquals(2 * x0, Autograd.grad(x.mul(x), x)[0].item(), 1e-15);
    }

    @Test
    void stackedDiamondsRunEachNodeOnce() {
        // h_{k+1} = h_k + c·h_k: 2^60 paths from the output to x, 120 nodes. A node that ran before
        // all gradients reached it would give a wrong result; walking paths would never finish.
        Var x = Var.leaf(Tensor.scalar(1.0, DType.FLOAT64));
        Var h = x;
        double c = 0.01;
        for (int k = 0; k < 60; k++) {
            h = h.add(h.mul(c));
        }
        h.backward();
        assertEquals(Math.pow(1 + c, 60), x.grad().item(), 1e-12);
    }

    @Test
    void deepChainsDoNotOverflowTheStack() throws InterruptedException {
        // 20,000 steps of y ← y + 0.001·x², x used 20,001 times: y = x + 20x², dy/dx = 1 + 40x,
        // d²y/dx² = 40. Run on a thread with a 256 KiB stack, so that recursion anywhere in
        // recording, the backward pass, createGraph or freeing would overflow.
        int n = 20_000;
        double x0 = 0.5;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        double[] results = new double[3];
        Thread t = new Thread(null, () -> {
            try {
                Var x = Var.leaf(Tensor.scalar(x0, DType.FLOAT64));
                Var y = x;
                for (int k = 0; k < n; k++) {
                    y = y.add(x.square().mul(1e-3));
                }
                Var g = Autograd.grad(new Var[] {y}, new Var[] {x}, null, true)[0];
                results[0] = g.item();
                results[1] = Autograd.grad(g, x)[0].item();
                y.backward();                                 // the graph was retained by createGraph
                results[2] = x.grad().item();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "deep-chain", 256 * 1024);
        t.start();
        t.join();
        if (failure.get() != null) {
            throw new AssertionError("deep chain failed", failure.get());
        }
        assertEquals(1 + 40 * x0, results[0], 1e-9);
        assertEquals(40, results[1], 1e-9);
        assertEquals(1 + 40 * x0, results[2], 1e-9);
    }

    @Test
    void broadcastInputsGetGradientsOfTheirOwnShape() {
        Var x = Var.leaf(Tensor.ones(DType.FLOAT64, 2, 3));
        Var b = Var.leaf(vec(1, 2, 3));                       // [3], broadcast over rows
        Var s = Var.leaf(Tensor.scalar(2, DType.FLOAT64));    // 0-d
        x.mul(b).add(s).sum().backward();
        assertArrayEquals(new int[] {3}, b.grad().shape());
        assertValues(new double[] {2, 2, 2}, b.grad());
        assertArrayEquals(new int[0], s.grad().shape());
        assertEquals(6, s.grad().item(), 0);
    }
}
