using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Thestage.Models.Tests.Layers;

/// <summary>The plain evaluation of every layer against hand-computed answers, and the linear layers' matrices against their evaluation.</summary>
public sealed class ReferenceEvaluatorTests
{
    [Fact]
    public void Dense_conv_and_pools_have_known_answers()
    {
        var dense = new Dense(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }, [0.5, -0.5]);
        Assert.Equal(new[] { 1 + 6 + 15 + 0.5, 2 + 8 + 18 - 0.5 }, dense.Evaluate([1, 2, 3], [3]));
        Assert.Equal(dense.Weights, Dense.FromOutputMajor(3, 2, [1, 3, 5, 2, 4, 6], [0.5, -0.5]).Weights);

        // 1×3×3 input, one 2×2 kernel of ones, stride 1, padding 0: sums of 2×2 windows.
        var conv = new Conv2d(new double[1, 1, 2, 2] { { { { 1, 1 }, { 1, 1 } } } }, [1.0]);
        Assert.Equal(new[] { 12.0 + 1, 16 + 1, 24 + 1, 28 + 1 }, conv.Evaluate([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3]));
        Assert.Equal([1, 2, 2], conv.OutputShape([1, 3, 3]));

        // Padding 1, stride 2 on a 1×3×3 input: a 2×2 output of the corners' windows.
        var padded = Conv2d.FromFlatKernels(1, 1, 3, 3, 2, 1, [0, 0, 0, 0, 1, 0, 0, 0, 0], []);
        Assert.Equal(new[] { 1.0, 3, 7, 9 }, padded.Evaluate([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3]));

        Assert.Equal(new[] { (1 + 2 + 5 + 6) / 4.0, (3 + 4 + 7 + 8) / 4.0 }, new AvgPool2d(2).Evaluate([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 4]));
        Assert.Equal(new[] { 6.0, 8 }, new MaxPool2d(2).Evaluate([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 4]));
        Assert.Equal(new[] { -1.0, -1 }, new MaxPool2d(2, 1).Evaluate([-4, -1, -3, -7, -5, -2], [1, 2, 3]));
        Assert.Equal([1, 1, 2], new MaxPool2d(2, 1).OutputShape([1, 2, 3]));
        Assert.Equal(new[] { 5.0, 5 }, new MaxPool2d(2, 1).Evaluate([1, 5, 2, 3, 4, -1], [1, 2, 3]));
        Assert.Equal(new[] { 0.0, 1, 4 }, Activation.Square().Evaluate([0, -1, 2], [3]));
    }

    [Fact]
    public void Exact_activations_are_the_functions()
    {
        double[] x = [-3, -0.5, 0, 0.25, 2];
        Assert.Equal(x.Select(v => Math.Max(0, v)), Activation.Exact(LayerKind.Relu).Evaluate(x, [5]));
        Assert.Equal(x.Select(v => 1 / (1 + Math.Exp(-v))), Activation.Exact(LayerKind.Sigmoid).Evaluate(x, [5]));
        Assert.Equal(x.Select(Math.Tanh), Activation.Exact(LayerKind.Tanh).Evaluate(x, [5]));

        // GELU(x) = x·Φ(x); Φ(1) = 0.841344746068543 (Abramowitz–Stegun table 26.1), Φ(−2) = 0.022750131948179.
        Assert.Equal(0.841344746068543, Activation.ExactValue(LayerKind.Gelu, 1), 6);
        Assert.Equal(-2 * 0.022750131948179, Activation.ExactValue(LayerKind.Gelu, -2), 6);
        Assert.Throws<ArgumentException>(() => Activation.Exact(LayerKind.Dense));
        Assert.False(Activation.Exact(LayerKind.Relu).IsPolynomial);
        Assert.True(Activation.Square().IsPolynomial);
    }

    [Fact]
    public void Batch_norm_folds_exactly()
    {
        var random = new Random(1);
        double[] gamma = RandomModels.Vector(random, 3), beta = RandomModels.Vector(random, 3), mean = RandomModels.Vector(random, 3), variance = RandomModels.Vector(random, 3).Select(v => Math.Abs(v) + 0.1).ToArray();
        var conv = new Conv2d(RandomModels.Kernels(random, 3, 2, 3, 0.5), RandomModels.Vector(random, 3), padding: 1);
        double[] x = RandomModels.Vector(random, 2 * 5 * 5);
        double[] y = conv.Evaluate(x, [2, 5, 5]);
        double[] expected = y.Select((v, i) => gamma[i / 25] * (v - mean[i / 25]) / Math.Sqrt(variance[i / 25] + 1e-5) + beta[i / 25]).ToArray();
        double[] folded = BatchNorm.Fold(conv, gamma, beta, mean, variance).Evaluate(x, [2, 5, 5]);
        Assert.Equal(expected, folded, (a, b) => Math.Abs(a - b) < 1e-12);

        var dense = new Dense(RandomModels.Matrix(random, 4, 3, 1), RandomModels.Vector(random, 3));
        double[] u = RandomModels.Vector(random, 4);
        double[] z = dense.Evaluate(u, [4]);
        double[] expectedDense = z.Select((v, j) => gamma[j] * (v - mean[j]) / Math.Sqrt(variance[j] + 1e-3) + beta[j]).ToArray();
        Assert.Equal(expectedDense, BatchNorm.Fold(dense, gamma, beta, mean, variance, 1e-3).Evaluate(u, [4]), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Throws<ArgumentException>(() => BatchNorm.Fold(dense, gamma[..2], beta, mean, variance));
        Assert.Throws<ArgumentException>(() => BatchNorm.Fold(dense, gamma, beta, mean, [1, -1, 1]));
    }

    [Fact]
    public void Shapes_are_checked_when_the_model_is_built()
    {
        Assert.Contains("takes 783 values", Assert.Throws<ArgumentException>(() => new Sequential([1, 28, 28], [new Dense(new double[783, 10])])).Message);
        var model = new Sequential([1, 28, 28], [new Conv2d(new double[4, 1, 7, 7], stride: 3), Activation.Square(), new Flatten(), new Dense(new double[256, 10])]);
        Assert.Equal([10], model.OutputShape);
        Assert.Equal([4, 8, 8], model.OutputShapeOf(0));
        Assert.Throws<ArgumentException>(() => model.Evaluate(new double[10]));
        Assert.Throws<ArgumentException>(() => new Dense(new double[,] { { double.NaN } }));
        Assert.Throws<ArgumentException>(() => new Sequential([1, 2, 2], [new Conv2d(new double[1, 1, 3, 3])]));
        Assert.Throws<ArgumentException>(() => new Sequential([4], [new AvgPool2d(2)]));
        Assert.Throws<ArgumentException>(() => new Sequential([4], []));
    }

    [Fact]
    public void The_window_formula_is_floor_of_padded_size_minus_kernel_over_stride_plus_one()
    {
        Assert.Equal(8, Shape.WindowOutputSize(28, 7, 3, 0));      // ⌊21/3⌋ + 1
        Assert.Equal(14, Shape.WindowOutputSize(28, 3, 2, 1));     // ⌊27/2⌋ + 1
        Assert.Equal(1, Shape.WindowOutputSize(2, 4, 1, 1));
        Assert.Throws<ArgumentException>(() => Shape.WindowOutputSize(2, 5, 1, 1));
        Assert.Throws<ArgumentException>(() => Shape.WindowOutputSize(int.MaxValue, 1, 1, int.MaxValue));
    }

    /// <summary>x·M + b read from <see cref="LinearLayer.Matrix"/> and <see cref="LinearLayer.OutputBias"/> is the layer's own evaluation.</summary>
    [Property(MaxTest = 40)]
    public Property The_matrix_of_every_linear_layer_is_its_evaluation(int seed)
    {
        var random = new Random(seed);
        int channels = 1 + random.Next(3), size = 3 + random.Next(5), stride = 1 + random.Next(2), k = 1 + random.Next(3);
        Shape input = [channels, size, size];
        int outputs = 1 + random.Next(4);
        LinearLayer layer = random.Next(3) switch
        {
            0 => new Conv2d(RandomModels.Kernels(random, outputs, channels, k, 1), RandomModels.Vector(random, outputs), stride, random.Next(2)),
            1 => new AvgPool2d(k, stride),
            _ => new Dense(RandomModels.Matrix(random, input.Size, outputs, 1), RandomModels.Vector(random, outputs)),
        };

        double[] x = RandomModels.Vector(random, input.Size);
        double[] expected = layer.Evaluate(x, input);
        Func<int, int, double> m = layer.Matrix(input);
        double[] b = layer.OutputBias(input);
        double[] actual = Enumerable.Range(0, expected.Length).Select(j => b[j] + Enumerable.Range(0, x.Length).Sum(i => x[i] * m(i, j))).ToArray();
        return expected.Zip(actual).All(p => Math.Abs(p.First - p.Second) < 1e-9).Label(layer.ToString());
    }
}
