using TorchSharp;
using static TorchSharp.torch;
using IrSequential = Thestage.Models.Sequential;

namespace Thestage.Inference.Torch.Tests.Conversion;

/// <summary>Runs TorchSharp and the IR reference evaluator on the same random samples.</summary>
internal static class Forward
{
    public static double[] Torch(nn.Module<Tensor, Tensor> module, double[] sample, int[] shape)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = tensor(sample, dtype: ScalarType.Float64).reshape([1, .. shape.Select(d => (long)d)]);
        return module.call(x).to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
    }

    public static double[] Sample(Random random, int[] shape, double scale = 1.0) =>
        Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => (random.NextDouble() * 2 - 1) * scale).ToArray();

    /// <summary>Asserts the IR and TorchSharp (float64, eval mode) agree to <paramref name="tolerance"/> on a few samples.</summary>
    public static void AssertAgree(IrSequential ir, nn.Module<Tensor, Tensor> module, int[] shape, double tolerance = 1e-5, int samples = 3, double scale = 1.0)
    {
        module.eval();
        var random = new Random(shape.Sum() * 7919 + samples);
        for (int s = 0; s < samples; s++)
        {
            double[] sample = Sample(random, shape, scale);
            double[] expected = Torch(module, sample, shape);
            double[] actual = ir.Evaluate(sample);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"output {i}: torch {expected[i]}, IR {actual[i]}");
            }
        }
    }

    /// <summary>Gives a BatchNorm non-trivial affine parameters and running statistics.</summary>
    public static void Randomize(TorchSharp.Modules.NormBase norm, long seed)
    {
        using var noGrad = no_grad();
        var generator = new Generator((ulong)seed);
        norm.weight!.uniform_(0.5, 1.5, generator);
        norm.bias!.uniform_(-0.5, 0.5, generator);
        norm.running_mean!.uniform_(-0.3, 0.3, generator);
        norm.running_var!.uniform_(0.5, 2.0, generator);
    }
}
