using Thestage.Models;
using Thestage.Inference.Planning;
using Thestage.Proofs.Training;
using Xunit.Abstractions;

namespace Thestage.Inference.Tests.Model;

public sealed class FixedPointExportTests(ITestOutputHelper output)
{
    [Fact]
    public void Parameters_become_dense_layers_scaled_by_two_to_the_minus_f_with_relu_between()
    {
        // f = 4: the integer v means v/16. Layer 0 is 3×2 (out × in, row-major), layer 1 is 2×3.
        var config = new TrainingConfig([2, 3, 2], batchSize: 1, learningRateShift: 0, fractionalBits: 4, weightBits: 8, valueBits: 12, seed: 1);
        FixedPointWeights weights = FixedPointWeights.Create(
            config,
            [[1, -2, 3, 4, -5, 16], [7, 0, -8, 1, 2, 3]],
            [[-16, 8, 0], [5, -1]]);

        Sequential model = FixedPointExport.ToSequential(weights);

        Assert.Equal([2], model.InputShape);
        Assert.Equal([2], model.OutputShape);
        Assert.Collection(model.Layers, l => Assert.IsType<Dense>(l), l => Assert.Equal(LayerKind.Relu, Assert.IsType<Activation>(l).Kind), l => Assert.IsType<Dense>(l));
        var first = (Dense)model.Layers[0];
        var second = (Dense)model.Layers[2];
        Assert.Equal(new double[,] { { 1 / 16.0, 3 / 16.0, -5 / 16.0 }, { -2 / 16.0, 4 / 16.0, 1.0 } }, first.Weights);
        Assert.Equal([-1.0, 0.5, 0.0], first.Bias);
        Assert.Equal(new double[,] { { 7 / 16.0, 1 / 16.0 }, { 0.0, 2 / 16.0 }, { -8 / 16.0, 3 / 16.0 } }, second.Weights);
        Assert.Equal([5 / 16.0, -1 / 16.0], second.Bias);

        // x = (1, 0.5): z0 = (1/16 − 1/16 − 1, 3/16 + 1/8 + 1/2, −5/16 + 1/2) = (−1, 13/16, 3/16); ReLU → (0, 13/16, 3/16);
        // y = (5/16 − 24/256, 26/256 + 9/256 − 1/16) = (56/256, 19/256).
        Assert.Equal([56 / 256.0, 19 / 256.0], model.Evaluate([1, 0.5]));

        // The fixed-point pass on x = (16, 8)/16 rounds z0 exactly (−16, 13, 3)/16 but y = round_4(56, 19) = (4, 1):
        // 64/256 against 56/256 is a tie rounded up, the largest single rounding, 2^−(f+1).
        var trainer = new FixedPointTrainer(config, new TrainingDataset(config, [[16, 8]], [0]), default);
        Assert.Equal([4, 1], trainer.Forward(weights, [16, 8]));
    }

    [Fact]
    public void The_exact_export_agrees_with_the_fixed_point_forward_pass_within_the_rounding_bound()
    {
        // Bound: the fixed-point pass rounds every pre-activation to the grid 2^−f (round half up: an error in
        // (−2^−(f+1), 2^−(f+1)]); the IR does not round. Let e_l[j] bound |IR − fixed| at output j of layer l, in real
        // units. The first layer sees the same input (x·2^−f exactly), so e_0 = 2^−(f+1). Layer l adds its own rounding
        // to the propagated difference, and ReLU is 1-Lipschitz, so e_l[j] = Σ_i |W_l[j,i]|·2^−f·e_(l−1)[i] + 2^−(f+1).
        // The double evaluation itself is exact here (dyadic values of few bits); 1e-9 would cover double rounding.
        // Measured: bounds 0.013 to 0.033 (3.4 to 8.5 grid steps), the largest gap 0.24 of its bound.
        FixedPointModels.Trained m = FixedPointModels.Train([6, 12, 8, 3], steps: 60, seed: 5);
        int f = m.Config.FractionalBits;
        Sequential model = FixedPointExport.ToSequential(m.Weights);
        double[] bound = RoundingBound(m.Weights);

        double worst = 0;
        for (int s = 0; s < m.Test.Count; s++)
        {
            int[] features = m.Test.GetFeatures(s);
            int[] y = m.Trainer.Forward(m.Weights, features);
            double[] actual = model.Evaluate(FixedPointModels.Real(features, f));
            for (int j = 0; j < y.Length; j++)
            {
                double gap = Math.Abs(actual[j] - Math.ScaleB(y[j], -f));
                Assert.True(gap <= bound[j] + 1e-9, $"sample {s}, output {j}: IR {actual[j]}, fixed point {y[j]}·2^−{f}, bound {bound[j]}");
                worst = Math.Max(worst, gap / bound[j]);
            }
        }

        output.WriteLine($"largest gap / bound {worst:F3}; bounds {string.Join(", ", bound.Select(b => b.ToString("E2", System.Globalization.CultureInfo.InvariantCulture)))}");

        // The bound is not vacuous: a few grid steps, against outputs of order one.
        Assert.All(bound, b => Assert.True(b < 16 * Math.ScaleB(1.0, -f), $"bound {b}"));
    }

    [Fact]
    public void The_exact_relu_is_refused_by_the_planner_with_the_way_out()
    {
        FixedPointModels.Trained m = FixedPointModels.Train([4, 8, 3], steps: 2, seed: 1);
        Sequential model = FixedPointExport.ToSequential(m.Weights);
        NotSupportedException e = Assert.Throws<NotSupportedException>(() => InferencePlanner.Plan(model));
        Assert.Contains("Layer 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("Activation.Relu(min, max, degree)", e.Message, StringComparison.Ordinal);
    }

    /// <summary>e_l from the comment above, for the last layer's outputs.</summary>
    internal static double[] RoundingBound(FixedPointWeights weights)
    {
        TrainingConfig config = weights.Config;
        double half = Math.ScaleB(1.0, -(config.FractionalBits + 1));
        double[] e = new double[config.InputSize]; // the input is exact
        for (int l = 0; l < config.LayerCount; l++)
        {
            int inputs = config.LayerSizes[l], outputs = config.LayerSizes[l + 1];
            int[] w = weights.GetWeights(l);
            var next = new double[outputs];
            for (int j = 0; j < outputs; j++)
            {
                double sum = half;
                for (int i = 0; i < inputs; i++)
                {
                    sum += Math.Abs(Math.ScaleB(w[(j * inputs) + i], -config.FractionalBits)) * e[i];
                }

                next[j] = sum;
            }

            e = next;
        }

        return e;
    }
}
