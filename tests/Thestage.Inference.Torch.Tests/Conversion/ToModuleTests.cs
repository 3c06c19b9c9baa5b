using TorchSharp;
using Thestage.Models;
using Thestage.Inference.Tests.Model;
using Thestage.Proofs.Training;
using static TorchSharp.torch;
using IrSequential = Thestage.Models.Sequential;

namespace Thestage.Inference.Torch.Tests.Conversion;

public sealed class ToModuleTests
{
    [Fact]
    public void A_fixed_point_model_exports_to_a_float64_module_that_agrees_with_the_ir()
    {
        // Both evaluations are exact, hence equal: weights and inputs are integers times 2^−8 (12- and 16-bit), so every
        // product and partial sum of layer l is a multiple of 2^−8(l+2) far below 2^53 of those units — no rounding in
        // any order of summation.
        FixedPointModels.Trained m = FixedPointModels.Train([6, 12, 8, 3], steps: 60, seed: 5);
        IrSequential ir = FixedPointExport.ToSequential(m.Weights);
        var module = TorchConverter.ToModule(ir);

        Assert.Equal(["0", "1", "2", "3", "4"], module.named_children().Select(c => c.name));
        Assert.IsType<TorchSharp.Modules.ReLU>(module.named_children().ElementAt(1).module);
        Dictionary<string, Tensor> state = module.state_dict();
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"], state.Keys);
        Assert.Equal([12L, 6L], state["0.weight"].shape);
        Assert.All(state.Values, t => Assert.Equal(ScalarType.Float64, t.dtype));
        Assert.Equal(m.Weights.GetWeights(0)[1] / 256.0, state["0.weight"][0, 1].ToDouble()); // row 0 (output 0), input 1

        for (int s = 0; s < m.Test.Count; s++)
        {
            double[] x = FixedPointModels.Real(m.Test.GetFeatures(s), m.Config.FractionalBits);
            double[] expected = ir.Evaluate(x);
            double[] actual = Forward.Torch(module, x, [6]);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void In_float32_the_module_agrees_to_float32_precision()
    {
        FixedPointModels.Trained m = FixedPointModels.Train([6, 12, 8, 3], steps: 60, seed: 5);
        IrSequential ir = FixedPointExport.ToSequential(m.Weights);
        var module = TorchConverter.ToModule(ir);
        module.to(ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, module.parameters().First().dtype);
        for (int s = 0; s < 8; s++)
        {
            double[] x = FixedPointModels.Real(m.Test.GetFeatures(s), m.Config.FractionalBits);
            double[] expected = ir.Evaluate(x);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            double[] actual = module.call(tensor(x, ScalarType.Float32).reshape(1, 6)).to_type(ScalarType.Float64).data<double>().ToArray();
            Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-5 * Math.Max(1, Math.Abs(p.First)), $"sample {s}: IR {p.First}, torch {p.Second}"));
        }
    }

    [Fact]
    public void Every_ir_layer_kind_exports_and_converts_back_to_the_same_ir()
    {
        var random = new Random(12);
        var ir = new IrSequential([2, 8, 8],
        [
            new Models.Conv2d(Kernels(random, 3, 2, 3), Values(random, 3), stride: 1, padding: 1),
            Activation.Square(),
            new Models.AvgPool2d(2),
            new Models.Conv2d(Kernels(random, 4, 3, 2), Values(random, 4), stride: 2),
            new Models.Flatten(),
            new Dense(Matrix(random, 16, 5), Values(random, 5)),
            Activation.Tanh(-3, 3, 5),
            new Dense(Matrix(random, 5, 3), Values(random, 3)),
        ]);
        var module = TorchConverter.ToModule(ir);
        Forward.AssertAgree(ir, module, [2, 8, 8], tolerance: 1e-12);

        IrSequential back = TorchConverter.ToSequential(module, [2, 8, 8]);
        Assert.Equal(ir.Layers.Select(l => l.ToString()), back.Layers.Select(l => l.ToString()));
        for (int i = 0; i < ir.Layers.Count; i++)
        {
            switch (ir.Layers[i], back.Layers[i])
            {
                case (Dense a, Dense b):
                    Assert.Equal(a.Weights, b.Weights);
                    Assert.Equal(a.Bias, b.Bias);
                    break;
                case (Models.Conv2d a, Models.Conv2d b):
                    Assert.Equal(a.Kernels, b.Kernels);
                    Assert.Equal(a.Bias, b.Bias);
                    Assert.Equal((a.Stride, a.Padding), (b.Stride, b.Padding));
                    break;
                case (Activation a, Activation b):
                    Assert.Equal(a.Coefficients, b.Coefficients);
                    Assert.Equal(a.IsSquare, b.IsSquare);
                    break;
            }
        }
    }

    private static double[,,,] Kernels(Random random, int outC, int inC, int k)
    {
        var kernels = new double[outC, inC, k, k];
        for (int o = 0; o < outC; o++)
        {
            for (int c = 0; c < inC; c++)
            {
                for (int y = 0; y < k; y++)
                {
                    for (int x = 0; x < k; x++)
                    {
                        kernels[o, c, y, x] = random.NextDouble() - 0.5;
                    }
                }
            }
        }

        return kernels;
    }

    private static double[,] Matrix(Random random, int rows, int cols)
    {
        var m = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                m[i, j] = random.NextDouble() - 0.5;
            }
        }

        return m;
    }

    private static double[] Values(Random random, int n) => Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
}
