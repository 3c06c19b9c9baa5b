using Thestage.Inference.Compilation;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Models;
using Thestage.Privacy.Tensors;

namespace Thestage.Server.Tests;

/// <summary>
/// The small models the server tests serve (the planner's smallest parameters, so that tests stay fast on 2 cores): a
/// dense → square → dense network on 8 inputs, compiled with row-major packing (rotations, so Galois keys travel) or
/// batch packing; the plain model is the reference every decrypted answer is compared with.
/// </summary>
internal sealed class ServedModel
{
    private static readonly Lazy<ServedModel> RowMajorModel = new(() => new ServedModel(TensorPacking.RowMajor));
    private static readonly Lazy<ServedModel> BatchModel = new(() => new ServedModel(TensorPacking.Batch));

    private ServedModel(TensorPacking packing)
    {
        var random = new Random(12);
        Source = new Sequential([8], [
            new Dense(Matrix(random, 8, 6, 0.4), Vector(random, 6, 0.1)),
            Activation.Square(),
            new Dense(Matrix(random, 6, 3, 0.4), Vector(random, 3, 0.1)),
        ]);
        double[][] calibration = [.. Enumerable.Range(0, 16).Select(_ => Vector(random, 8, 1))];
        Package = ModelCompiler.Compile(Source, calibration, new CompileOptions { EncryptedCheckSamples = 0, Planner = new PlannerOptions { Packing = packing } });
        Prepared = Package.Prepare();
    }

    public static ServedModel RowMajor => RowMajorModel.Value;

    public static ServedModel Batch => BatchModel.Value;

    public Sequential Source { get; }

    public ModelPackage Package { get; }

    public PreparedModel Prepared { get; }

    public InferencePlan Plan => Package.Plan;

    /// <summary>Samples in [−1, 1], reproducible by seed.</summary>
    public static double[][] Samples(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Vector(random, 8, 1))];
    }

    /// <summary>Asserts that decrypted outputs are the plain model's within the flooding's noise (6τ, τ the flood's standard deviation per slot).</summary>
    public void AssertMatches(double[][] samples, double[][] outputs)
    {
        Assert.Equal(samples.Length, outputs.Length);
        double tolerance = 6 * OutputFlooding.ForPlan(Plan).StandardDeviation + 1e-3;
        for (int s = 0; s < samples.Length; s++)
        {
            double[] expected = Source.Evaluate(samples[s]);
            Assert.Equal(expected.Length, outputs[s].Length);
            for (int j = 0; j < expected.Length; j++)
            {
                Assert.True(Math.Abs(expected[j] - outputs[s][j]) <= tolerance, $"sample {s}, output {j}: {outputs[s][j]} vs {expected[j]} (tolerance {tolerance})");
            }
        }
    }

    private static double[,] Matrix(Random random, int rows, int cols, double scale)
    {
        var m = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                m[i, j] = (random.NextDouble() * 2 - 1) * scale;
            }
        }

        return m;
    }

    private static double[] Vector(Random random, int n, double scale) => [.. Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 2 - 1) * scale)];
}
