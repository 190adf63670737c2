package joule.autograd;

import static joule.autograd.OpInputs.ABOVE_MINUS_ONE;
import static joule.autograd.OpInputs.ANY;
import static joule.autograd.OpInputs.NONZERO;
import static joule.autograd.OpInputs.POSITIVE;
import static joule.autograd.OpInputs.axes;
import static joule.autograd.OpInputs.axis;
import static joule.autograd.OpInputs.between;
import static joule.autograd.OpInputs.broadcastSource;
import static joule.autograd.OpInputs.broadcasting;
import static joule.autograd.OpInputs.distinct;
import static joule.autograd.OpInputs.lattice;
import static joule.autograd.OpInputs.mask;
import static joule.autograd.OpInputs.reshapeTarget;
import static joule.autograd.OpInputs.shape;
import static joule.autograd.OpInputs.uniform;
import static joule.autograd.OpInputs.values;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import joule.autograd.GradCheck.Tolerance;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.Tensor;
import joule.testing.Domain;
import joule.testing.TensorSamples;

/**
 * Every differentiable op of {@link Var}, with a generator of valid inputs from its domain: the
 * table behind {@link OpGradientPropertiesTest} (in the manner of JAX's {@code grad_test_spec} and
 * PyTorch's OpInfo). An entry is named by its method signature, {@code name(ParamType,...)} with
 * simple type names, so that an overload is an op of its own; a public {@code Var} method that
 * returns a {@code Var} and has no entry here fails the tests.
 *
 * <p>Inputs are float64, of random shapes (rank 0..3, sizes 1..4, broadcasting tuples for ops that
 * broadcast), with values from the op's domain kept away from kinks, ties, poles and clamp bounds
 * (see {@link OpInputs}); non-tensor arguments (axes, slice bounds, target shapes, constants) are
 * drawn valid for the drawn shapes.
 */
final class OpTable {
    private OpTable() {
    }

    /** An op applied to its Var inputs with its drawn non-tensor arguments. */
    @FunctionalInterface
    interface Op {
        Var apply(Var[] x, Args a);
    }

    /** Draws one case from an op's domain. */
    @FunctionalInterface
    interface Sampler {
        Case draw(Random r);
    }

    /**
     * The non-tensor arguments of one case: integers (axes, slice bounds), a shape, real constants,
     * a keepdim flag and a mask, each used by the ops that take one.
     */
    record Args(int[] ints, int[] shape, double[] reals, boolean keepdim, Tensor mask) {
        static final Args NONE = new Args(new int[0], null, new double[0], false, null);

        static Args ints(int... ints) {
            return new Args(ints, null, new double[0], false, null);
        }

        static Args reals(double... reals) {
            return new Args(new int[0], null, reals, false, null);
        }

        static Args mask(Tensor mask) {
            return new Args(new int[0], null, new double[0], false, mask);
        }

        Args withShape(int[] s) {
            return new Args(ints, s, reals, keepdim, mask);
        }

        Args withKeepdim(boolean k) {
            return new Args(ints, shape, reals, k, mask);
        }

        int i(int k) {
            return ints[k];
        }

        double r(int k) {
            return reals[k];
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            if (ints.length > 0) {
                parts.add("ints " + Arrays.toString(ints));
            }
            if (shape != null) {
                parts.add("shape " + Arrays.toString(shape));
            }
            if (reals.length > 0) {
                parts.add("reals " + Arrays.toString(reals));
            }
            if (keepdim) {
                parts.add("keepdim");
            }
            if (mask != null) {
                parts.add("mask " + Arrays.toString(mask.toDoubleArray()) + " of " + Arrays.toString(mask.shape()));
            }
            return String.join(", ", parts);
        }
    }

    /** Float64 inputs and arguments for one call of an op. */
    record Case(Tensor[] inputs, Args args) {
        static Case of(Args args, Tensor... inputs) {
            return new Case(inputs, args);
        }

        static Case of(Tensor... inputs) {
            return new Case(inputs, Args.NONE);
        }

        /** Input shapes and arguments, e.g. {@code inputs [3, 1] [4]; ints [0]}. */
        String describe() {
            StringBuilder sb = new StringBuilder("inputs");
            for (Tensor t : inputs) {
                sb.append(' ').append(Arrays.toString(t.shape()));
            }
            String a = args.toString();
            return a.isEmpty() ? sb.toString() : sb + "; " + a;
        }
    }

    /**
     * One op: its signature, the number of Var inputs, the op, where its inputs come from, and
     * the gradcheck tolerance (the default everywhere so far).
     */
    record Entry(String signature, int arity, Op op, Sampler sampler, Tolerance tolerance) {
        Case draw(Random r) {
            Case c = sampler.draw(r);
            if (c.inputs().length != arity) {
                throw new IllegalStateException(signature + ": sampler drew " + c.inputs().length + " inputs, arity is "
                        + arity);
            }
            return c;
        }

        /** The op as a function of its inputs alone, for {@link GradCheck}. */
        Function<Var[], Var> function(Args a) {
            return x -> op.apply(x, a);
        }

        @Override
        public String toString() {
            return signature;
        }
    }

    /** The table. */
    static final List<Entry> ENTRIES = List.of(
            // ------------------------------------------------------------ arithmetic
            binary("add(Var)", Var::add, ANY, ANY),
            withConstant("add(double)", Var::add, ANY, ANY),
            binary("sub(Var)", Var::sub, ANY, ANY),
            withConstant("sub(double)", Var::sub, ANY, ANY),
            binary("mul(Var)", Var::mul, ANY, ANY),
            withConstant("mul(double)", Var::mul, ANY, ANY),
            binary("div(Var)", Var::div, ANY, NONZERO),
            withConstant("div(double)", Var::div, ANY, NONZERO),
            unary("neg()", Var::neg, ANY),
            // p drawn in [-2, 3], or one of the special cases: 2 (→ square), 1 (copy), 0, 0.5, -1
            entry("pow(double)", 1, (x, a) -> x[0].pow(a.r(0)), r -> Case.of(
                    Args.reals(r.nextInt(3) == 0 ? new double[] {2, 1, 0, 0.5, -1}[r.nextInt(5)] : uniform(r, -2, 3)),
                    values(r, POSITIVE, shape(r, 0, 3)))),
            binary("pow(Var)", Var::pow, POSITIVE, ANY),
            unary("square()", Var::square, ANY),
            unary("reciprocal()", Var::reciprocal, NONZERO),
            unary("abs()", Var::abs, NONZERO),
            unary("sqrt()", Var::sqrt, POSITIVE),
            unary("rsqrt()", Var::rsqrt, POSITIVE),
            unary("exp()", Var::exp, ANY),
            unary("expm1()", Var::expm1, ANY),
            unary("log()", Var::log, POSITIVE),
            unary("log1p()", Var::log1p, ABOVE_MINUS_ONE),
            unary("sin()", Var::sin, ANY),
            unary("cos()", Var::cos, ANY),
            unary("tanh()", Var::tanh, ANY),
            unary("sigmoid()", Var::sigmoid, ANY),
            unary("softplus()", Var::softplus, ANY),
            unary("silu()", Var::silu, ANY),
            unary("siluGrad()", Var::siluGrad, ANY),
            unary("siluGrad2()", Var::siluGrad2, ANY),
            unary("relu()", Var::relu, NONZERO),
            entry("maximum(Var)", 2, (x, a) -> x[0].maximum(x[1]), OpTable::latticePair),
            entry("minimum(Var)", 2, (x, a) -> x[0].minimum(x[1]), OpTable::latticePair),
            entry("clamp(double,double)", 1, (x, a) -> x[0].clamp(a.r(0), a.r(1)), r -> {
                double lo = uniform(r, -1.5, 0);
                double hi = lo + uniform(r, 0.3, 2);
                return Case.of(Args.reals(lo, hi), values(r, ANY.avoiding(lo, hi), shape(r, 0, 3)));
            }),
            entry("where(Tensor,Var,Var)", 2, (x, a) -> Var.where(a.mask(), x[0], x[1]), r -> {
                int[][] s = broadcasting(r, 3);
                return Case.of(Args.mask(mask(r, s[0])), values(r, ANY, s[1]), values(r, ANY, s[2]));
            }),

            // ------------------------------------------------------------ reductions
            unary("sum()", Var::sum, ANY),
            withAxes("sum(int[])", (x, a) -> x[0].sum(a.ints()), ANY, false),
            withAxes("sum(int[],boolean)", (x, a) -> x[0].sum(a.ints(), a.keepdim()), ANY, true),
            unary("mean()", Var::mean, ANY),
            withAxes("mean(int[])", (x, a) -> x[0].mean(a.ints()), ANY, false),
            withAxes("mean(int[],boolean)", (x, a) -> x[0].mean(a.ints(), a.keepdim()), ANY, true),
            // pairwise distinct values: no ties within a reduction
            entry("max(int[],boolean)", 1, (x, a) -> x[0].max(a.ints(), a.keepdim()), OpTable::distinctWithAxes),
            entry("min(int[],boolean)", 1, (x, a) -> x[0].min(a.ints(), a.keepdim()), OpTable::distinctWithAxes),
            withAxes("logsumexp(int[],boolean)", (x, a) -> x[0].logsumexp(a.ints(), a.keepdim()), ANY, true),
            // every element ±[0.2, 2], so every norm is ≥ 0.2, away from the kink at 0
            withAxes("norm(int[],boolean)", (x, a) -> x[0].norm(a.ints(), a.keepdim()), NONZERO, true),

            // ------------------------------------------------------------ matmul
            entry("matmul(Var)", 2, (x, a) -> x[0].matmul(x[1]), OpTable::matmulOperands),

            // ------------------------------------------------------------ images
            // ints: stride, padding, dilation (each height then width), groups, then the op's own sizes
            entry("conv2d(Var,Conv2dSpec)", 2, (x, a) -> x[0].conv2d(x[1], convSpec(a)), r -> {
                ConvCase c = ConvCase.draw(r);
                return Case.of(c.args(), values(r, ANY, c.input()), values(r, ANY, c.weight()));
            }),
            entry("conv2d(Var,Var,Conv2dSpec)", 3, (x, a) -> x[0].conv2d(x[1], x[2], convSpec(a)), r -> {
                ConvCase c = ConvCase.draw(r);
                return Case.of(c.args(), values(r, ANY, c.input()), values(r, ANY, c.weight()),
                        values(r, ANY, new int[] {c.weight()[0]}));
            }),
            entry("conv2dTranspose(Var,Conv2dSpec,int,int)", 2,
                    (x, a) -> x[0].conv2dTranspose(x[1], convSpec(a), a.i(7), a.i(8)), r -> {
                        ConvCase c = ConvCase.draw(r);
                        return Case.of(c.args(c.input()[2], c.input()[3]), values(r, ANY, c.output()),
                                values(r, ANY, c.weight()));
                    }),
            // the weight read as that of a convolution from the output's channels to the input's
            entry("convTranspose2d(Var,Conv2dSpec,int,int)", 2,
                    (x, a) -> x[0].convTranspose2d(x[1], convSpec(a), a.i(7), a.i(8)), r -> {
                        ConvCase c = ConvCase.draw(r);
                        Conv2dSpec spec = c.spec();
                        // the rows the stride skipped at the end become output padding (always below the stride)
                        return Case.of(c.args(c.input()[2] - spec.transposedHeight(c.output()[2], c.weight()[2]),
                                c.input()[3] - spec.transposedWidth(c.output()[3], c.weight()[3])),
                                values(r, ANY, c.output()), values(r, ANY, c.weight()));
                    }),
            entry("conv2dWeightGrad(Var,Conv2dSpec,int,int)", 2,
                    (x, a) -> x[0].conv2dWeightGrad(x[1], convSpec(a), a.i(7), a.i(8)), r -> {
                        ConvCase c = ConvCase.draw(r);
                        return Case.of(c.args(c.weight()[2], c.weight()[3]), values(r, ANY, c.input()),
                                values(r, ANY, c.output()));
                    }),
            entry("pad(int[],int[])", 1, (x, a) -> {
                int n = a.ints().length / 2;
                return x[0].pad(Arrays.copyOf(a.ints(), n), Arrays.copyOfRange(a.ints(), n, 2 * n));
            }, r -> {
                int[] s = shape(r, 0, 3);
                int[] sizes = new int[2 * s.length];
                Arrays.setAll(sizes, i -> between(r, 0, 2));
                return Case.of(Args.ints(sizes), values(r, ANY, s));
            }),
            entry("avgPool2d(int,int,int)", 1, (x, a) -> x[0].avgPool2d(a.i(0), a.i(1), a.i(2)), r -> {
                int k = between(r, 1, 3);
                int pad = between(r, 0, k / 2);
                int[] s = {between(r, 1, 2), between(r, 1, 3), between(r, Math.max(1, k - 2 * pad), 5),
                    between(r, Math.max(1, k - 2 * pad), 5)};
                return Case.of(Args.ints(k, between(r, 1, 3), pad), values(r, ANY, s));
            }),
            entry("upsampleNearest2d(int)", 1, (x, a) -> x[0].upsampleNearest2d(a.i(0)), r -> Case.of(
                    Args.ints(between(r, 1, 3)),
                    values(r, ANY, new int[] {between(r, 1, 2), between(r, 1, 3), between(r, 1, 3), between(r, 1, 3)}))),

            // ------------------------------------------------------------ views and shapes
            entry("reshape(int[])", 1, (x, a) -> x[0].reshape(a.ints()), r -> {
                int[] s = shape(r, 0, 3);
                return Case.of(Args.ints(reshapeTarget(r, TensorSamples.numel(s))), values(r, ANY, s));
            }),
            unary("flatten()", Var::flatten, ANY),
            entry("permute(int[])", 1, (x, a) -> x[0].permute(a.ints()), r -> {
                int[] s = shape(r, 0, 3);
                int[] order = TensorSamples.permutation(s.length, r);
                for (int i = 0; i < order.length; i++) {
                    order[i] = r.nextBoolean() ? order[i] : order[i] - s.length;
                }
                return Case.of(Args.ints(order), values(r, ANY, s));
            }),
            entry("transpose(int,int)", 1, (x, a) -> x[0].transpose(a.i(0), a.i(1)), r -> {
                int[] s = shape(r, 1, 3);
                return Case.of(Args.ints(axis(r, s.length), axis(r, s.length)), values(r, ANY, s));
            }),
            unary("mT()", Var::mT, r -> shape(r, 2, 3), ANY),
            entry("slice(int,int,int,int)", 1, (x, a) -> x[0].slice(a.i(0), a.i(1), a.i(2), a.i(3)), r -> {
                int[] s = shape(r, 1, 3);
                return Case.of(sliceArgs(r, s), values(r, ANY, s));
            }),
            // the input has the shape of the slice of the drawn target shape
            entry("sliceScatter(int[],int,int,int,int)", 1,
                    (x, a) -> x[0].sliceScatter(a.shape(), a.i(0), a.i(1), a.i(2), a.i(3)), r -> {
                        int[] target = shape(r, 1, 3);
                        Args a = sliceArgs(r, target).withShape(target);
                        int[] in = Tensor.zeros(DType.FLOAT64, target).slice(a.i(0), a.i(1), a.i(2), a.i(3)).shape();
                        return Case.of(a, values(r, ANY, in));
                    }),
            entry("narrow(int,int,int)", 1, (x, a) -> x[0].narrow(a.i(0), a.i(1), a.i(2)), r -> {
                int[] s = shape(r, 1, 3);
                int ax = axis(r, s.length);
                int n = s[Math.floorMod(ax, s.length)];
                int start = between(r, 0, n - 1);
                return Case.of(Args.ints(ax, start, between(r, 1, n - start)), values(r, ANY, s));
            }),
            entry("select(int,int)", 1, (x, a) -> x[0].select(a.i(0), a.i(1)), r -> {
                int[] s = shape(r, 1, 3);
                int ax = axis(r, s.length);
                int n = s[Math.floorMod(ax, s.length)];
                return Case.of(Args.ints(ax, between(r, -n, n - 1)), values(r, ANY, s));
            }),
            // a shape that broadcasts to a random target; sizes kept are sometimes written -1
            entry("expand(int[])", 1, (x, a) -> x[0].expand(a.ints()), r -> {
                int[] out = shape(r, 0, 3);
                int[] in = broadcastSource(r, out);
                int[] target = out.clone();
                for (int i = 0; i < in.length; i++) {
                    int at = out.length - in.length + i;
                    if (in[i] == out[at] && r.nextInt(3) == 0) {
                        target[at] = -1;
                    }
                }
                return Case.of(Args.ints(target), values(r, ANY, in));
            }),
            // the target is a shape the input could have been broadcast from
            entry("sumToShape(int[])", 1, (x, a) -> x[0].sumToShape(a.ints()), r -> {
                int[] s = shape(r, 0, 3);
                return Case.of(Args.ints(broadcastSource(r, s)), values(r, ANY, s));
            }),
            unary("squeeze()", Var::squeeze, r -> {
                int[] s = shape(r, 0, 3);
                for (int i = 0; i < s.length; i++) {
                    s[i] = r.nextBoolean() ? 1 : s[i];
                }
                return s;
            }, ANY),
            entry("squeeze(int)", 1, (x, a) -> x[0].squeeze(a.i(0)), r -> {
                int[] s = shape(r, 1, 3);
                int ax = axis(r, s.length);
                s[Math.floorMod(ax, s.length)] = 1;
                return Case.of(Args.ints(ax), values(r, ANY, s));
            }),
            entry("unsqueeze(int)", 1, (x, a) -> x[0].unsqueeze(a.i(0)), r -> {
                int[] s = shape(r, 0, 3);
                return Case.of(Args.ints(axis(r, s.length + 1)), values(r, ANY, s));
            }),
            // three parts of different sizes along the axis
            entry("cat(int,Var[])", 3, (x, a) -> Var.cat(a.i(0), x), r -> {
                int[] s = shape(r, 1, 3);
                int ax = axis(r, s.length);
                Tensor[] parts = new Tensor[3];
                for (int k = 0; k < parts.length; k++) {
                    s[Math.floorMod(ax, s.length)] = between(r, 1, 3);
                    parts[k] = values(r, ANY, s);
                }
                return Case.of(Args.ints(ax), parts);
            }),
            entry("stack(int,Var[])", 3, (x, a) -> Var.stack(a.i(0), x), r -> {
                int[] s = shape(r, 0, 3);
                return Case.of(Args.ints(axis(r, s.length + 1)), values(r, ANY, s), values(r, ANY, s),
                        values(r, ANY, s));
            }),
            // float64 → float64 only: a float32 result has too few digits for central differences;
            // conversions to and from float32 are tested separately
            unary("to(DType)", x -> x.to(DType.FLOAT64), ANY));

    /** The entry with this signature, or null. */
    static Entry find(String signature) {
        for (Entry e : ENTRIES) {
            if (e.signature().equals(signature)) {
                return e;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- entry builders

    private static Entry entry(String signature, int arity, Op op, Sampler sampler) {
        return new Entry(signature, arity, op, sampler, Tolerance.DEFAULT);
    }

    /** An elementwise or shape-only op of one input of any shape (rank 0..3). */
    private static Entry unary(String signature, UnaryOperator<Var> f, Domain domain) {
        return unary(signature, f, r -> shape(r, 0, 3), domain);
    }

    private static Entry unary(String signature, UnaryOperator<Var> f, Function<Random, int[]> shapes,
                               Domain domain) {
        return entry(signature, 1, (x, a) -> f.apply(x[0]), r -> Case.of(values(r, domain, shapes.apply(r))));
    }

    /** A broadcasting binary op. */
    private static Entry binary(String signature, BinaryOperator<Var> f, Domain left, Domain right) {
        return entry(signature, 2, (x, a) -> f.apply(x[0], x[1]), r -> {
            int[][] s = broadcasting(r, 2);
            return Case.of(values(r, left, s[0]), values(r, right, s[1]));
        });
    }

    /** An op of one input and a real constant drawn from {@code constant}. */
    private static Entry withConstant(String signature, BiFunction<Var, Double, Var> f, Domain input,
                                      Domain constant) {
        return entry(signature, 1, (x, a) -> f.apply(x[0], a.r(0)),
                r -> Case.of(Args.reals(constant.next(r)), values(r, input, shape(r, 0, 3))));
    }

    /** A reduction over random axes (none: all), with a random keepdim when the op takes one. */
    private static Entry withAxes(String signature, Op op, Domain domain, boolean takesKeepdim) {
        return entry(signature, 1, op, r -> {
            int[] s = shape(r, 0, 3);
            Args a = Args.ints(axes(r, s.length)).withKeepdim(takesKeepdim && r.nextBoolean());
            return Case.of(a, values(r, domain, s));
        });
    }

    // ---------------------------------------------------------------- samplers

    /** Broadcasting operands from interleaved lattices, so that no pair is within 0.1 of a tie. */
    private static Case latticePair(Random r) {
        int[][] s = broadcasting(r, 2);
        double shift = r.nextBoolean() ? 0.2 : 0;
        return Case.of(lattice(r, s[0], shift), lattice(r, s[1], 0.2 - shift));
    }

    private static Case distinctWithAxes(Random r) {
        int[] s = shape(r, 0, 3);
        return Case.of(Args.ints(axes(r, s.length)).withKeepdim(r.nextBoolean()), distinct(r, s));
    }

    /**
     * Operands of rank 1..3 each: {@code [k]}, {@code [n, k]} or {@code [b, n, k]} on the left,
     * {@code [k]}, {@code [k, m]} or {@code [b', k, m]} on the right, the batch sizes equal or 1
     * (broadcast).
     */
    private static Case matmulOperands(Random r) {
        int n = between(r, 1, 4);
        int k = between(r, 1, 4);
        int m = between(r, 1, 4);
        int batch = between(r, 1, 4);
        int[] a = switch (between(r, 1, 3)) {
            case 1 -> new int[] {k};
            case 2 -> new int[] {n, k};
            default -> new int[] {r.nextBoolean() ? batch : 1, n, k};
        };
        int[] b = switch (between(r, 1, 3)) {
            case 1 -> new int[] {k};
            case 2 -> new int[] {k, m};
            default -> new int[] {r.nextBoolean() ? batch : 1, k, m};
        };
        return Case.of(values(r, ANY, a), values(r, ANY, b));
    }

    /** The convolution geometry in the first seven ints of a case's arguments. */
    private static Conv2dSpec convSpec(Args a) {
        return new Conv2dSpec(a.i(0), a.i(1), a.i(2), a.i(3), a.i(4), a.i(5), a.i(6));
    }

    /**
     * A random convolution with every kind of edge: 1–3 groups of 1–2 channels each way, kernels 1–3 high and wide,
     * strides 1–3, padding 0–2, dilation 1–2, and inputs from the smallest that give one output pixel (size-1
     * images included) to a few pixels more, so that some input rows are never read when the stride skips them.
     */
    private record ConvCase(int[] input, int[] weight, int[] output, Conv2dSpec spec) {
        static ConvCase draw(Random r) {
            int groups = between(r, 1, 3);
            int[] weight = {groups * between(r, 1, 2), between(r, 1, 2), between(r, 1, 3), between(r, 1, 3)};
            Conv2dSpec spec = new Conv2dSpec(between(r, 1, 3), between(r, 1, 3), between(r, 0, 2), between(r, 0, 2),
                    between(r, 1, 2), between(r, 1, 2), groups);
            int minH = Math.max(1, spec.dilationH() * (weight[2] - 1) + 1 - 2 * spec.padH());
            int minW = Math.max(1, spec.dilationW() * (weight[3] - 1) + 1 - 2 * spec.padW());
            int[] input = {between(r, 1, 2), weight[1] * groups, minH + between(r, 0, 3), minW + between(r, 0, 3)};
            return new ConvCase(input, weight, spec.outputShape("conv2d", input, weight), spec);
        }

        Args args(int... extra) {
            int[] ints = {spec.strideH(), spec.strideW(), spec.padH(), spec.padW(), spec.dilationH(), spec.dilationW(),
                spec.groups(), 0, 0};
            System.arraycopy(extra, 0, ints, 7, extra.length);
            return Args.ints(ints);
        }
    }

    /**
     * Axis, start, end and step of a non-empty slice of {@code shape}: Python-style bounds that
     * may be negative or past the end, step 1..3.
     */
    private static Args sliceArgs(Random r, int[] shape) {
        int ax = axis(r, shape.length);
        int n = shape[Math.floorMod(ax, shape.length)];
        while (true) {
            int start = between(r, -n - 1, n);
            int end = between(r, -n - 1, n + 1);
            int step = between(r, 1, 3);
            if (Tensor.zeros(DType.FLOAT64, shape).slice(ax, start, end, step).numel() > 0) {
                return Args.ints(ax, start, end, step);
            }
        }
    }
}
