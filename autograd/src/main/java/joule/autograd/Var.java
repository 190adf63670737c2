package joule.autograd;

import java.util.Arrays;
import java.util.function.Supplier;
import joule.tensor.BinaryOp;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import joule.tensor.UnaryOp;

/**
 * A tensor value in a differentiable computation. Ops on {@code Var}s compute their value with
 * {@link Tensor} ops and, while grad mode is on and some input requires a gradient, record a node
 * whose backward rule sits right below the forward. Backward rules are written in {@code Var} ops,
 * so gradients are themselves differentiable and any order works.
 *
 * <p>Shapes, broadcasting and errors are those of {@link Tensor}. Gradients of broadcast inputs
 * are summed back to the input's shape in one place, the engine ({@link Autograd}).
 *
 * <pre>{@code
 * Var x = Var.leaf(Tensor.of(new double[] {1, 2, 3}));      // requires grad
 * Var y = x.square().sum();                                   // 14
 * y.backward();
 * x.grad();                                                   // [2, 4, 6]
 * }</pre>
 */
public final class Var {
    private final Tensor value;
    private final boolean leafRequiresGrad;
    final Node node;
    private Tensor grad;

    private Var(Tensor value, boolean leafRequiresGrad, Node node) {
        this.value = value;
        this.leafRequiresGrad = leafRequiresGrad;
        this.node = node;
    }

    /** A leaf that requires a gradient (a parameter or an input to differentiate by). */
    public static Var leaf(Tensor value) {
        return new Var(value, true, null);
    }

    /** A constant: no gradient flows into it. */
    public static Var constant(Tensor value) {
        return new Var(value, false, null);
    }

    /** A constant 0-d value of this Var's dtype and device. */
    Var scalarLike(double c) {
        return constant(value.scalarLike(c));
    }

    /** The same value, cut off from the graph. */
    public Var detach() {
        return constant(value);
    }

    /** The value. */
    public Tensor value() {
        return value;
    }

    /** Whether gradients flow to this value: a leaf that requires grad, or the result of a recorded op. */
    public boolean requiresGrad() {
        return leafRequiresGrad || node != null;
    }

    /** Whether this Var was created by the user rather than by an op. */
    public boolean isLeaf() {
        return node == null;
    }

    /** The gradient accumulated by {@link #backward()} on a leaf, or null if none yet. */
    public Tensor grad() {
        return grad;
    }

    /** Clears the accumulated gradient. */
    public void zeroGrad() {
        grad = null;
    }

    /**
     * Replaces the accumulated gradient of a leaf that requires grad (for example with a clipped
     * one); {@code g} must have this Var's shape and dtype.
     */
    public void setGrad(Tensor g) {
        if (!isLeaf() || !leafRequiresGrad) {
            throw new IllegalArgumentException("setGrad: only a leaf that requires grad holds a gradient");
        }
        if (!Arrays.equals(g.shape(), shape()) || g.dtype() != dtype()) {
            throw new IllegalArgumentException("setGrad: gradient " + Shapes.format(g.shape()) + " " + g.dtype()
                    + " does not match " + Shapes.format(shape()) + " " + dtype());
        }
        grad = g;
    }

    void accumulateGrad(Tensor g) {
        grad = grad == null ? g : grad.add(g);
    }

    /** Shape of the value. */
    public int[] shape() {
        return value.shape();
    }

    /** Number of axes. */
    public int rank() {
        return value.rank();
    }

    /** Size of one axis. */
    public int size(int axis) {
        return value.size(axis);
    }

    /** The element type. */
    public DType dtype() {
        return value.dtype();
    }

    /** The single value of a one-element Var. */
    public double item() {
        return value.item();
    }

    /**
     * Reverse-mode pass from this scalar: accumulates {@code d this / d leaf} into {@link #grad()}
     * of every leaf that requires grad, then frees the graph.
     */
    public void backward() {
        Autograd.backward(this, null, false);
    }

    /** Like {@link #backward()}, with the gradient of the output given (for non-scalar outputs). */
    public void backward(Tensor gradOutput, boolean retainGraph) {
        Autograd.backward(this, gradOutput, retainGraph);
    }

    /** Records {@code value} as the result of op {@code name} when grad mode is on and an input needs grad. */
    static Var record(String name, Tensor value, Node.Backward backward, Var... inputs) {
        value.storage().label(name);
        if (GradMode.enabled()) {
            for (Var in : inputs) {
                if (in.requiresGrad()) {
                    return new Var(value, false, new Node(name, inputs, backward));
                }
            }
        }
        return constant(value);
    }

    /**
     * {@code g · u(x)} in a backward rule: one fused pass ({@link Tensor#binaryOfUnary}) when the product would
     * not be recorded anyway (no graph being built, or neither factor needs one), else {@code recorded}.
     */
    private static Var timesOf(Var g, UnaryOp u, Var x, Supplier<Var> recorded) {
        if (!GradMode.enabled() || (!g.requiresGrad() && !x.requiresGrad())) {
            return constant(g.value.binaryOfUnary(BinaryOp.MUL, u, x.value));
        }
        return recorded.get();
    }

    // ---------------------------------------------------------------- arithmetic

    /** {@code this + other}, broadcast. */
    public Var add(Var other) {
        return record("add", value.add(other.value), g -> new Var[] {g, g}, this, other);
    }

    /** {@code this + c}. */
    public Var add(double c) {
        return add(scalarLike(c));
    }

    /** {@code this - other}, broadcast. */
    public Var sub(Var other) {
        return record("sub", value.sub(other.value),
                g -> new Var[] {g, other.requiresGrad() ? g.neg() : null}, this, other);
    }

    /** {@code this - c}. */
    public Var sub(double c) {
        return sub(scalarLike(c));
    }

    /** {@code this * other}, broadcast. */
    public Var mul(Var other) {
        return record("mul", value.mul(other.value), g -> new Var[] {
            requiresGrad() ? g.mul(other) : null,
            other.requiresGrad() ? g.mul(this) : null}, this, other);
    }

    /** {@code this * c}. */
    public Var mul(double c) {
        return mul(scalarLike(c));
    }

    /** {@code this / other}, broadcast. */
    public Var div(Var other) {
        Var[] out = new Var[1];
        out[0] = record("div", value.div(other.value),
                g -> new Var[] {
                    requiresGrad() ? g.div(other) : null,
                    other.requiresGrad() ? g.mul(out[0]).div(other).neg() : null}, this, other);
        return out[0];
    }

    /** {@code this / c}. */
    public Var div(double c) {
        return div(scalarLike(c));
    }

    /** {@code -this}. */
    public Var neg() {
        return record("neg", value.neg(), g -> new Var[] {g.neg()}, this);
    }

    /** {@code this ^ p} for a constant exponent. */
    public Var pow(double p) {
        if (p == 2) {
            return square();
        }
        return record("pow", value.pow(p), g -> new Var[] {g.mul(pow(p - 1)).mul(p)}, this);
    }

    /**
     * {@code this ^ exponent}, broadcast. The gradient with respect to the exponent,
     * {@code y · log(base)}, is taken as 0 where the base is ≤ 0.
     */
    public Var pow(Var exponent) {
        Var[] out = new Var[1];
        out[0] = record("pow", value.pow(exponent.value), g -> {
            Var dBase = requiresGrad() ? g.mul(exponent).mul(pow(exponent.sub(1))) : null;
            Var dExponent = null;
            if (exponent.requiresGrad()) {
                Var safeLog = where(value.gt(0), this, scalarLike(1)).log();
                dExponent = g.mul(out[0]).mul(safeLog);
            }
            return new Var[] {dBase, dExponent};
        }, this, exponent);
        return out[0];
    }

    /** {@code this²}. */
    public Var square() {
        return record("square", value.square(), g -> new Var[] {g.mul(this).mul(2)}, this);
    }

    /** {@code 1 / this}. */
    public Var reciprocal() {
        Var[] out = new Var[1];
        out[0] = record("reciprocal", value.reciprocal(), g -> new Var[] {g.mul(out[0].square()).neg()}, this);
        return out[0];
    }

    /** {@code |this|}; its derivative at 0 is taken as 0. */
    public Var abs() {
        return record("abs", value.abs(), g -> new Var[] {g.mul(constant(value.sign()))}, this);
    }

    /** {@code √this}. */
    public Var sqrt() {
        Var[] out = new Var[1];
        out[0] = record("sqrt", value.sqrt(), g -> new Var[] {g.mul(out[0].reciprocal()).mul(0.5)}, this);
        return out[0];
    }

    /** {@code 1/√this}. */
    public Var rsqrt() {
        Var[] out = new Var[1];
        out[0] = record("rsqrt", value.rsqrt(), g -> new Var[] {g.mul(out[0]).div(this).mul(-0.5)}, this);
        return out[0];
    }

    /** {@code eˣ}. */
    public Var exp() {
        Var[] out = new Var[1];
        out[0] = record("exp", value.exp(), g -> new Var[] {g.mul(out[0])}, this);
        return out[0];
    }

    /** {@code eˣ - 1}. */
    public Var expm1() {
        Var[] out = new Var[1];
        out[0] = record("expm1", value.expm1(), g -> new Var[] {g.mul(out[0].add(1))}, this);
        return out[0];
    }

    /** Natural logarithm. */
    public Var log() {
        return record("log", value.log(), g -> new Var[] {g.div(this)}, this);
    }

    /** {@code log(1 + x)}. */
    public Var log1p() {
        return record("log1p", value.log1p(), g -> new Var[] {g.div(add(1))}, this);
    }

    /** Sine. */
    public Var sin() {
        return record("sin", value.sin(), g -> new Var[] {g.mul(cos())}, this);
    }

    /** Cosine. */
    public Var cos() {
        return record("cos", value.cos(), g -> new Var[] {g.mul(sin()).neg()}, this);
    }

    /** Hyperbolic tangent; derivative {@code 1 - y²}. */
    public Var tanh() {
        Var[] out = new Var[1];
        out[0] = record("tanh", value.tanh(), g -> new Var[] {g.sub(g.mul(out[0].square()))}, this);
        return out[0];
    }

    /** Logistic sigmoid; derivative {@code y (1 - y)}. */
    public Var sigmoid() {
        Var[] out = new Var[1];
        out[0] = record("sigmoid", value.sigmoid(), g -> new Var[] {g.mul(out[0]).mul(out[0].neg().add(1))}, this);
        return out[0];
    }

    /** {@code log(1 + eˣ)}; derivative {@code sigmoid(x)}. */
    public Var softplus() {
        return record("softplus", value.softplus(), g -> new Var[] {g.mul(sigmoid())}, this);
    }

    /** SiLU {@code x·sigmoid(x)}; derivative {@link #siluGrad()}. */
    public Var silu() {
        return record("silu", value.silu(), g -> new Var[] {timesOf(g, UnaryOp.SILU_GRAD, this, () -> g.mul(siluGrad()))},
                this);
    }

    /** The derivative of SiLU, {@code s (1 + x (1 - s))} with {@code s = sigmoid(x)}; derivative {@link #siluGrad2()}. */
    public Var siluGrad() {
        return record("siluGrad", value.siluGrad(),
                g -> new Var[] {timesOf(g, UnaryOp.SILU_GRAD2, this, () -> g.mul(siluGrad2()))}, this);
    }

    /**
     * The second derivative of SiLU, {@code q (2 + x (1 - 2s))} with {@code s = sigmoid(x)},
     * {@code q = s (1 - s)}; derivative {@code q ((1 - 2s)(3 + x (1 - 2s)) - 2 x q)}.
     */
    public Var siluGrad2() {
        return record("siluGrad2", value.siluGrad2(), g -> {
            Var s = sigmoid();
            Var q = s.mul(s.neg().add(1));
            Var r = s.mul(-2).add(1);
            return new Var[] {g.mul(q.mul(r.mul(mul(r).add(3)).sub(mul(q).mul(2))))};
        }, this);
    }

    /** {@code max(x, 0)}. Its second derivative is zero everywhere, which breaks score matching. */
    public Var relu() {
        return record("relu", value.relu(), g -> new Var[] {g.mul(constant(value.gt(0)))}, this);
    }

    /** Elementwise larger value; where equal, the gradient is split half and half. */
    public Var maximum(Var other) {
        return record("maximum", value.maximum(other.value), g -> {
            Tensor share = value.gt(other.value).add(value.eq(other.value).mul(0.5));
            return new Var[] {g.mul(constant(share)), g.mul(constant(share.neg().add(1)))};
        }, this, other);
    }

    /** Elementwise smaller value; where equal, the gradient is split half and half. */
    public Var minimum(Var other) {
        return record("minimum", value.minimum(other.value), g -> {
            Tensor share = value.lt(other.value).add(value.eq(other.value).mul(0.5));
            return new Var[] {g.mul(constant(share)), g.mul(constant(share.neg().add(1)))};
        }, this, other);
    }

    /** Values limited to {@code [lo, hi]}; the gradient passes where {@code lo ≤ x ≤ hi}. */
    public Var clamp(double lo, double hi) {
        return record("clamp", value.clamp(lo, hi), g -> {
            Tensor inside = value.ge(value.scalarLike(lo)).mul(value.le(value.scalarLike(hi)));
            return new Var[] {g.mul(constant(inside))};
        }, this);
    }

    /** {@code cond ≠ 0 ? a : b} elementwise (broadcast); {@code cond} is a constant mask. */
    public static Var where(Tensor cond, Var a, Var b) {
        return record("where", Tensor.where(cond, a.value, b.value), g -> {
            Var zero = g.scalarLike(0);
            return new Var[] {a.requiresGrad() ? where(cond, g, zero) : null, b.requiresGrad() ? where(cond, zero, g) : null};
        }, a, b);
    }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements, a 0-d Var. */
    public Var sum() {
        return sum(new int[0], false);
    }

    /** Sum over {@code axes} (all when none given), which are removed. */
    public Var sum(int... axes) {
        return sum(axes, false);
    }

    /** Sum over {@code axes} (all when empty), kept as size-1 axes when {@code keepdim}. */
    public Var sum(int[] axes, boolean keepdim) {
        int[] ax = Shapes.axes("sum", axes, rank());
        int[] inShape = shape();
        return record("sum", value.sum(ax, keepdim),
                g -> new Var[] {g.reshape(Shapes.reduced(inShape, ax, true)).expand(inShape)}, this);
    }

    /** Mean of all elements. */
    public Var mean() {
        return mean(new int[0], false);
    }

    /** Mean over {@code axes} (all when none given), which are removed. */
    public Var mean(int... axes) {
        return mean(axes, false);
    }

    /** Mean over {@code axes} (all when empty). */
    public Var mean(int[] axes, boolean keepdim) {
        int[] ax = Shapes.axes("mean", axes, rank());
        long count = 1;
        for (int a : ax) {
            count *= size(a);
        }
        if (count == 0) {
            throw new IllegalArgumentException("mean: no elements to average over axes " + Arrays.toString(axes)
                    + " of " + Shapes.format(shape()));
        }
        return sum(ax, keepdim).div((double) count);
    }

    /** Largest element over {@code axes} (all when empty); the gradient is shared equally among ties. */
    public Var max(int[] axes, boolean keepdim) {
        return extremum("max", value.max(axes, true), axes, keepdim);
    }

    /** Smallest element over {@code axes} (all when empty); the gradient is shared equally among ties. */
    public Var min(int[] axes, boolean keepdim) {
        return extremum("min", value.min(axes, true), axes, keepdim);
    }

    private Var extremum(String name, Tensor kept, int[] axes, boolean keepdim) {
        int[] ax = Shapes.axes(name, axes, rank());
        int[] inShape = shape();
        Tensor out = keepdim ? kept : kept.reshape(Shapes.reduced(inShape, ax, false));
        return record(name, out, g -> {
            Tensor hits = value.eq(kept);
            Tensor share = hits.div(hits.sum(ax, true));
            return new Var[] {g.reshape(Shapes.reduced(inShape, ax, true)).mul(constant(share))};
        }, this);
    }

    /**
     * {@code log Σ exp(x)} over {@code axes} (all when empty), stable: the maximum is subtracted as
     * a constant, which changes neither the value nor any derivative.
     */
    public Var logsumexp(int[] axes, boolean keepdim) {
        int[] ax = Shapes.axes("logsumexp", axes, rank());
        Tensor m = value.max(ax, true);
        Var shift = constant(Tensor.where(m.abs().eq(Double.POSITIVE_INFINITY), m.scalarLike(0), m));
        Var out = sub(shift).exp().sum(ax, true).log().add(shift);
        return keepdim ? out : out.reshape(Shapes.reduced(shape(), ax, false));
    }

    /** Euclidean norm over {@code axes} (all when empty); not differentiable at 0. */
    public Var norm(int[] axes, boolean keepdim) {
        return square().sum(axes, keepdim).sqrt();
    }

    // ---------------------------------------------------------------- matmul

    /** Matrix product with {@link Tensor#matmul} rules (batched, broadcast, 1-d operands). */
    public Var matmul(Var other) {
        if (rank() == 1) {
            // the row axis added here is the last one left when other is 1-d too (its column axis is gone)
            return unsqueeze(0).matmul(other).squeeze(other.rank() == 1 ? -1 : -2);
        }
        if (other.rank() == 1) {
            return matmul(other.unsqueeze(1)).squeeze(-1);
        }
        return record("matmul", value.matmul(other.value),
                g -> new Var[] {
                    requiresGrad() ? g.matmul(other.mT()) : null,
                    other.requiresGrad() ? mT().matmul(g) : null}, this, other);
    }

    // ---------------------------------------------------------------- images

    /**
     * 2-d convolution of this {@code [N, C, H, W]} input with {@code weight} {@code [O, C/G, kh, kw]} (see
     * {@link Tensor#conv2d}). The three convolution ops are each other's adjoints: the input's gradient is a
     * {@link #conv2dTranspose} of the output's, the weight's a {@link #conv2dWeightGrad}, so gradients of
     * gradients go through convolutions too.
     */
    public Var conv2d(Var weight, Conv2dSpec spec) {
        int h = size(2);
        int w = size(3);
        int kh = weight.size(2);
        int kw = weight.size(3);
        return record("conv2d", value.conv2d(weight.value, spec), g -> new Var[] {
            requiresGrad() ? g.conv2dTranspose(weight, spec, h, w) : null,
            weight.requiresGrad() ? conv2dWeightGrad(g, spec, kh, kw) : null}, this, weight);
    }

    /** {@link #conv2d} plus {@code bias} {@code [O]} on every output channel. */
    public Var conv2d(Var weight, Var bias, Conv2dSpec spec) {
        if (bias.rank() != 1 || weight.rank() != 4 || bias.size(0) != weight.size(0)) {
            throw new IllegalArgumentException("conv2d: bias must be [O] for weight " + Shapes.format(weight.shape())
                    + ", got " + Shapes.format(bias.shape()));
        }
        return conv2d(weight, spec).add(bias.reshape(1, bias.size(0), 1, 1));
    }

    /**
     * The transposed convolution of this gradient-shaped {@code [N, O, Ho, Wo]} value with {@code weight}
     * {@code [O, C/G, kh, kw]}, giving {@code [N, C, h, w]} (see {@link Tensor#conv2dTranspose}).
     */
    public Var conv2dTranspose(Var weight, Conv2dSpec spec, int h, int w) {
        int kh = weight.size(2);
        int kw = weight.size(3);
        return record("conv2dTranspose", value.conv2dTranspose(weight.value, spec, h, w), g -> new Var[] {
            requiresGrad() ? g.conv2d(weight, spec) : null,
            weight.requiresGrad() ? g.conv2dWeightGrad(this, spec, kh, kw) : null}, this, weight);
    }

    /**
     * PyTorch's {@code conv_transpose2d}: this {@code [N, Cin, H, W]}, {@code weight} {@code [Cin, Cout/G, kh, kw]}
     * (see {@link Tensor#convTranspose2d}).
     */
    public Var convTranspose2d(Var weight, Conv2dSpec spec, int outputPaddingH, int outputPaddingW) {
        int[] out = spec.transposedShape("convTranspose2d", shape(), weight.shape(), outputPaddingH, outputPaddingW);
        return conv2dTranspose(weight, spec, out[2], out[3]);
    }

    /**
     * The weight gradient of a convolution of this input {@code [N, C, H, W]} whose output has gradient
     * {@code grad} {@code [N, O, Ho, Wo]}: {@code [O, C/G, kh, kw]} (see {@link Tensor#conv2dWeightGrad}).
     */
    public Var conv2dWeightGrad(Var grad, Conv2dSpec spec, int kh, int kw) {
        int h = size(2);
        int w = size(3);
        return record("conv2dWeightGrad", value.conv2dWeightGrad(grad.value, spec, kh, kw), g -> new Var[] {
            requiresGrad() ? grad.conv2dTranspose(g, spec, h, w) : null,
            grad.requiresGrad() ? conv2d(g, spec) : null}, this, grad);
    }

    /** Zero padding, {@code before[i]} and {@code after[i]} along axis {@code i} (see {@link Tensor#pad}). */
    public Var pad(int[] before, int[] after) {
        int[] inShape = shape();
        return record("pad", value.pad(before, after), g -> {
            Var inner = g;
            for (int i = 0; i < inShape.length; i++) {
                inner = inner.narrow(i, before[i], inShape[i]);
            }
            return new Var[] {inner};
        }, this);
    }

    /** Average pooling (see {@link Tensor#avgPool2d}): a depthwise convolution with constant weights. */
    public Var avgPool2d(int kernel, int stride, int padding) {
        if (rank() != 4) {
            throw new IllegalArgumentException("avgPool2d: input must be [N, C, H, W], got " + Shapes.format(shape()));
        }
        Conv2dSpec spec = Conv2dSpec.of(stride, padding).withGroups(Math.max(1, size(1)));
        return conv2d(constant(value.averagingKernel(size(1), kernel)), spec);
    }

    /**
     * Nearest-neighbour upsampling by {@code factor} (see {@link Tensor#upsampleNearest2d}). Its adjoint sums each
     * {@code factor × factor} block: a depthwise convolution with a kernel of ones and stride {@code factor}.
     */
    public Var upsampleNearest2d(int factor) {
        int channels = Tensor.upsampleBlocks("upsampleNearest2d", shape(), factor)[1];
        Conv2dSpec blocks = Conv2dSpec.of(factor, 0).withGroups(Math.max(1, channels));
        return record("upsampleNearest2d", value.upsampleNearest2d(factor), g -> new Var[] {
            g.conv2d(constant(Tensor.ones(value.device(), dtype(), channels, 1, factor, factor)), blocks)}, this);
    }

    // ---------------------------------------------------------------- views and shapes

    /** Same elements in another shape (see {@link Tensor#reshape}). */
    public Var reshape(int... newShape) {
        int[] inShape = shape();
        return record("reshape", value.reshape(newShape), g -> new Var[] {g.reshape(inShape)}, this);
    }

    /** All elements as one axis. */
    public Var flatten() {
        return reshape(-1);
    }

    /** Axes reordered (see {@link Tensor#permute}). */
    public Var permute(int... order) {
        Tensor out = value.permute(order);
        int[] inverse = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            inverse[Shapes.axis("permute", order[i], rank())] = i;
        }
        return record("permute", out, g -> new Var[] {g.permute(inverse)}, this);
    }

    /** Two axes swapped. */
    public Var transpose(int axis0, int axis1) {
        int[] order = new int[rank()];
        Arrays.setAll(order, i -> i);
        int a = Shapes.axis("transpose", axis0, rank());
        int b = Shapes.axis("transpose", axis1, rank());
        order[a] = b;
        order[b] = a;
        return permute(order);
    }

    /** The last two axes swapped. */
    public Var mT() {
        if (rank() < 2) {
            throw new IllegalArgumentException("mT: needs rank ≥ 2, got " + Shapes.format(shape()));
        }
        return transpose(-2, -1);
    }

    /** Python's {@code start:end:step} along {@code axis} (see {@link Tensor#slice}). */
    public Var slice(int axis, int start, int end, int step) {
        int[] inShape = shape();
        return record("slice", value.slice(axis, start, end, step),
                g -> new Var[] {g.sliceScatter(inShape, axis, start, end, step)}, this);
    }

    /**
     * Zeros of {@code shape} with this Var written at {@code slice(axis, start, end, step)} (see
     * {@link Tensor#sliceScatter}): the adjoint of {@link #slice}.
     */
    public Var sliceScatter(int[] shape, int axis, int start, int end, int step) {
        return record("sliceScatter", value.sliceScatter(shape, axis, start, end, step),
                g -> new Var[] {g.slice(axis, start, end, step)}, this);
    }

    /** Elements {@code start .. start+length-1} along {@code axis}. */
    public Var narrow(int axis, int start, int length) {
        value.narrow(axis, start, length);
        return slice(axis, start, start + length, 1);
    }

    /** The slice at {@code index} along {@code axis}, that axis removed. */
    public Var select(int axis, int index) {
        int a = Shapes.axis("select", axis, rank());
        value.select(a, index);
        int i = index < 0 ? index + size(a) : index;
        return narrow(a, i, 1).squeeze(a);
    }

    /** Broadcast to {@code newShape} (see {@link Tensor#expand}); the gradient is summed back. */
    public Var expand(int... newShape) {
        int[] inShape = shape();
        return record("expand", value.expand(newShape), g -> new Var[] {g.sumToShape(inShape)}, this);
    }

    /**
     * Sums this Var down to {@code target}, a shape it was broadcast from: leading axes are
     * summed away and axes where {@code target} has size 1 are summed with keepdim.
     */
    public Var sumToShape(int[] target) {
        int[] s = shape();
        if (Arrays.equals(s, target)) {
            return this;
        }
        int lead = s.length - target.length;
        if (lead < 0) {
            throw new IllegalArgumentException("sumToShape: " + Shapes.format(target) + " has more axes than "
                    + Shapes.format(s));
        }
        int[] axes = new int[s.length];
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (i < lead || target[i - lead] == 1 && s[i] != 1) {
                axes[n++] = i;
            } else if (target[i - lead] != s[i]) {
                throw new IllegalArgumentException("sumToShape: " + Shapes.format(target) + " is not a shape that "
                        + Shapes.format(s) + " was broadcast from");
            }
        }
        return n == 0 ? reshape(target) : sum(Arrays.copyOf(axes, n), true).reshape(target);
    }

    /** Every size-1 axis removed. */
    public Var squeeze() {
        int[] inShape = shape();
        return record("squeeze", value.squeeze(), g -> new Var[] {g.reshape(inShape)}, this);
    }

    /** Size-1 axis {@code axis} removed. */
    public Var squeeze(int axis) {
        int[] inShape = shape();
        return record("squeeze", value.squeeze(axis), g -> new Var[] {g.reshape(inShape)}, this);
    }

    /** A size-1 axis inserted at {@code axis}. */
    public Var unsqueeze(int axis) {
        int[] inShape = shape();
        return record("unsqueeze", value.unsqueeze(axis), g -> new Var[] {g.reshape(inShape)}, this);
    }

    /** Joined along {@code axis} (see {@link Tensor#cat}). */
    public static Var cat(int axis, Var... parts) {
        Tensor[] values = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = parts[i].value;
        }
        Tensor out = Tensor.cat(axis, values);
        int ax = Shapes.axis("cat", axis, out.rank());
        return record("cat", out, g -> {
            Var[] grads = new Var[parts.length];
            int at = 0;
            for (int i = 0; i < parts.length; i++) {
                int len = parts[i].size(ax);
                grads[i] = g.narrow(ax, at, len);
                at += len;
            }
            return grads;
        }, parts);
    }

    /** Stacked along a new axis {@code axis} (see {@link Tensor#stack}). */
    public static Var stack(int axis, Var... parts) {
        Var[] lifted = new Var[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!Arrays.equals(parts[i].shape(), parts[0].shape())) {
                throw new IllegalArgumentException("stack: shapes " + Shapes.format(parts[0].shape()) + " and "
                        + Shapes.format(parts[i].shape()) + " differ");
            }
            lifted[i] = parts[i].unsqueeze(axis);
        }
        return cat(axis, lifted);
    }

    /** Converted to {@code dtype}; the gradient is converted back. */
    public Var to(DType dtype) {
        DType from = dtype();
        return record("to", value.to(dtype), g -> new Var[] {g.to(from)}, this);
    }

    @Override
    public String toString() {
        return "Var(" + value + (requiresGrad() ? ", requiresGrad" : "") + (node != null ? ", op=" + node.op : "") + ")";
    }
}
