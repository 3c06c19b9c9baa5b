using Thestage.Inference.Model;

namespace Thestage.Inference.Tests.Model;

public sealed class ReferenceEvaluatorTests
{
    [Fact]
    public void Dense_conv_and_pool_have_known_answers()
    {
        var dense = new Dense(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }, [0.5, -0.5]);
        Assert.Equal(new[] { 1 + 6 + 15 + 0.5, 2 + 8 + 18 - 0.5 }, dense.Evaluate([1, 2, 3], [3]));

        // 1×3×3 input, one 2×2 kernel of ones, stride 1, padding 0: sums of 2×2 windows.
        var conv = new Conv2d(new double[1, 1, 2, 2] { { { { 1, 1 }, { 1, 1 } } } }, [1.0]);
        Assert.Equal(new[] { 12.0 + 1, 16 + 1, 24 + 1, 28 + 1 }, conv.Evaluate([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3]));
        Assert.Equal(new[] { 1, 2, 2 }, conv.OutputShape([1, 3, 3]));

        // Padding 1, stride 2 on a 1×3×3 input: a 2×2 output of the corners' windows.
        var padded = new Conv2d(new double[1, 1, 3, 3] { { { { 0, 0, 0 }, { 0, 1, 0 }, { 0, 0, 0 } } } }, stride: 2, padding: 1);
        Assert.Equal(new[] { 1.0, 3, 7, 9 }, padded.Evaluate([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3]));

        var pool = new AvgPool2d(2);
        Assert.Equal(new[] { (1 + 2 + 5 + 6) / 4.0, (3 + 4 + 7 + 8) / 4.0 }, pool.Evaluate([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 4]));
        Assert.Equal(new[] { 0.0, 1, 4 }, Activation.Square().Evaluate([0, -1, 2], [3]));
    }

    [Fact]
    public void Batch_norm_folds_exactly()
    {
        var random = new Random(1);
        double[] gamma = Models.Vector(random, 3), beta = Models.Vector(random, 3), mean = Models.Vector(random, 3), variance = Models.Vector(random, 3).Select(v => Math.Abs(v) + 0.1).ToArray();
        var conv = new Conv2d(Models.Kernels(random, 3, 2, 3, 0.5), Models.Vector(random, 3), padding: 1);
        double[] x = Models.Vector(random, 2 * 5 * 5);
        double[] y = conv.Evaluate(x, [2, 5, 5]);
        double[] expected = y.Select((v, i) => gamma[i / 25] * (v - mean[i / 25]) / Math.Sqrt(variance[i / 25] + 1e-5) + beta[i / 25]).ToArray();
        double[] folded = BatchNorm.Fold(conv, gamma, beta, mean, variance).Evaluate(x, [2, 5, 5]);
        Assert.Equal(expected, folded, (a, b) => Math.Abs(a - b) < 1e-12);

        var dense = new Dense(Models.Matrix(random, 4, 3, 1), Models.Vector(random, 3));
        double[] u = Models.Vector(random, 4);
        double[] z = dense.Evaluate(u, [4]);
        double[] expectedDense = z.Select((v, j) => gamma[j] * (v - mean[j]) / Math.Sqrt(variance[j] + 1e-3) + beta[j]).ToArray();
        Assert.Equal(expectedDense, BatchNorm.Fold(dense, gamma, beta, mean, variance, 1e-3).Evaluate(u, [4]), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Throws<ArgumentException>(() => BatchNorm.Fold(dense, gamma[..2], beta, mean, variance));
        Assert.Throws<ArgumentException>(() => BatchNorm.Fold(dense, gamma, beta, mean, [1, -1, 1]));
    }

    [Fact]
    public void Shapes_are_checked_when_the_model_is_built()
    {
        Assert.Contains("Insert a Flatten", Assert.Throws<ArgumentException>(() => new Sequential([1, 28, 28], [new Dense(new double[784, 10])])).Message);
        var model = Models.Cnn(1);
        Assert.Equal(new[] { 10 }, model.OutputShape);
        Assert.Equal(5, model.Depth);
        Assert.Throws<ArgumentException>(() => model.Evaluate(new double[10]));
        Assert.Throws<ArgumentException>(() => new Dense(new double[,] { { double.NaN } }));
    }
}
