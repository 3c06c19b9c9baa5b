using Thestage.Models;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Privacy.Tensors;
using Xunit.Abstractions;

namespace Thestage.Inference.Tests.Runtime;

/// <summary>The precision cost of flooding, measured against the bounds docs/inference.md states.</summary>
public sealed class OutputFloodingTests(ITestOutputHelper output)
{
    private static double Rms(IEnumerable<double> errors)
    {
        double[] e = errors.ToArray();
        return Math.Sqrt(e.Average(v => v * v));
    }

    [Fact]
    public void TheDefaultIsSizedByTheStatedFormula()
    {
        InferencePlan plan = InferencePlanner.Plan(Models.Cnn(3));
        OutputFlooding flooding = OutputFlooding.ForPlan(plan);
        Assert.Equal(Math.ScaleB(1, 14 - plan.ScaleBits), flooding.OutputNoise);
        Assert.Equal(flooding.OutputNoise * Math.Sqrt(8192), flooding.StandardDeviation, 12);
        Assert.Equal(flooding.StandardDeviation * 4, OutputFlooding.ForPlan(plan, queries: 16).StandardDeviation, 12);
        Assert.False(OutputFlooding.None.IsEnabled);
        Assert.Throws<ArgumentOutOfRangeException>(() => OutputFlooding.ForPlan(plan, queries: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => OutputFlooding.ForNoise(plan, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => OutputFlooding.ForNoise(plan, 1.0)); // τ = 90: beyond the output modulus
        Assert.True(new EncryptedModel(Models.Cnn(3), plan, EvaluationKeys.FromBytes(new InferenceClient(plan).CreateEvaluationKeys().ToBytes())).Flooding.IsEnabled);
    }

    [Fact]
    public void BatchOutputsCarryTheStatedNoise()
    {
        // One sample per slot, no copies to average: each output's error is the flood, N(0, τ²), plus CKKS's own.
        var random = new Random(21);
        var model = new Sequential([16], [new Dense(Models.Matrix(random, 16, 8, 0.4), Models.Vector(random, 8, 0.1)), Activation.Square(), new Dense(Models.Matrix(random, 8, 4, 0.4))]);
        InferencePlan plan = InferencePlanner.Plan(model, new PlannerOptions { Packing = TensorPacking.Batch });
        using var client = new InferenceClient(plan);
        EvaluationKeys keys = EvaluationKeys.FromBytes(client.CreateEvaluationKeys().ToBytes());
        double[][] samples = Enumerable.Range(0, 512).Select(_ => Models.Vector(random, 16)).ToArray();
        byte[] request = client.EncryptBatch(samples);

        double Measure(OutputFlooding flooding)
        {
            double[][] outputs = client.DecryptBatchOutput(new EncryptedModel(model, plan, keys, flooding).Evaluate(request));
            return Rms(samples.SelectMany((x, s) => model.Evaluate(x).Select((y, j) => outputs[s][j] - y)));
        }

        OutputFlooding served = OutputFlooding.ForPlan(plan);
        double exact = Measure(OutputFlooding.None), flooded = Measure(served);
        output.WriteLine($"batch, 2048 values: error rms {exact:E2} ({-Math.Log2(exact):F1} bits) without flooding, {flooded:E2} ({-Math.Log2(flooded):F1} bits) with τ = {served.StandardDeviation:E2}");
        Assert.True(exact <= served.OutputNoise, $"CKKS error {exact:E2} above the assumed {served.OutputNoise:E2}");
        Assert.InRange(flooded / Math.Sqrt((served.StandardDeviation * served.StandardDeviation) + (exact * exact)), 0.9, 1.1);
    }

    [Fact]
    public void RowMajorOutputsAverageTheirCopies()
    {
        // 4 outputs, period 4: 1024 copies of each, so the client's mean has the flood divided by 32.
        Sequential model = Models.Cnn(5, hidden: 16) is var cnn ? new Sequential(cnn.InputShape, [.. cnn.Layers.SkipLast(1), new Dense(Models.Matrix(new Random(6), 16, 4, 0.3))]) : null!;
        InferencePlan plan = InferencePlanner.Plan(model);
        using var client = new InferenceClient(plan);
        EvaluationKeys keys = EvaluationKeys.FromBytes(client.CreateEvaluationKeys().ToBytes());
        var served = new EncryptedModel(model, plan, keys);
        var exact = new EncryptedModel(model, plan, keys, OutputFlooding.None);
        var random = new Random(8);
        var floodedErrors = new List<double>();
        var exactErrors = new List<double>();
        for (int s = 0; s < 8; s++)
        {
            double[] x = Enumerable.Range(0, 784).Select(_ => random.NextDouble()).ToArray();
            double[] y = model.Evaluate(x);
            byte[] request = client.EncryptSample(x);
            floodedErrors.AddRange(client.DecryptOutput(served.Evaluate(request)).Select((v, j) => v - y[j]));
            exactErrors.AddRange(client.DecryptOutput(exact.Evaluate(request)).Select((v, j) => v - y[j]));
        }

        double tau = served.Flooding.StandardDeviation, copies = plan.Parameters.PolyModulusDegree / 2 / 4;
        double flooded = Rms(floodedErrors), unflooded = Rms(exactErrors);
        double bound = Math.Sqrt((tau * tau / copies) + (served.Flooding.OutputNoise * served.Flooding.OutputNoise));
        output.WriteLine($"row-major, 32 values: error rms {unflooded:E2} ({-Math.Log2(unflooded):F1} bits) without flooding, {flooded:E2} ({-Math.Log2(flooded):F1} bits) with τ = {tau:E2}; bound √(τ²/{copies} + r²) = {bound:E2}");
        Assert.True(flooded <= 2 * bound, $"{flooded:E2} > 2 × {bound:E2}");
        Assert.True(flooded < tau / 4, "the copies were not averaged");
    }
}
