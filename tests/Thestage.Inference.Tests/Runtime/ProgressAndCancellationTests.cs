using Thestage.Models;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Tests.Runtime;

/// <summary>
/// Progress reports and cancellation of the long operations of the runtime: key creation and (batch) evaluation.
/// Reports arrive on the working thread, in order, one per step; a cancelled token stops the work at the next step
/// boundary with <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class ProgressAndCancellationTests
{
    // Dense → square → dense: three layers, then the output flooding.
    private static Sequential Mlp()
    {
        var random = new Random(11);
        return new Sequential([8], [new Dense(Models.Matrix(random, 8, 6, 0.3), Models.Vector(random, 6, 0.1)), Activation.Square(), new Dense(Models.Matrix(random, 6, 3, 0.3))]);
    }

    private static double[] Sample(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 8).Select(_ => random.NextDouble()).ToArray();
    }

    [Fact]
    public void Key_creation_reports_the_public_key_the_relinearization_key_and_every_Galois_key()
    {
        InferencePlan plan = InferencePlanner.Plan(Mlp());
        using var client = new InferenceClient(plan);
        var reports = new List<StepProgress>();

        EvaluationKeys keys = client.CreateEvaluationKeys(new Recorder<StepProgress>(reports.Add));

        int galois = plan.RotationSteps.Count, total = galois + 2;
        Assert.True(galois >= 2);
        Assert.Equal(
            [new StepProgress(1, total, "public key"), new StepProgress(2, total, "relinearization key"),
             .. Enumerable.Range(1, galois).Select(k => new StepProgress(2 + k, total, $"Galois key {k} of {galois}"))],
            reports);
        Assert.Equal(plan.RotationSteps.Count, keys.GaloisKeys.Count);
    }

    [Fact]
    public void Key_creation_cancelled_after_the_public_key_makes_no_further_key()
    {
        using var client = new InferenceClient(InferencePlanner.Plan(Mlp()));
        using var cancel = new CancellationTokenSource();
        var reports = new List<StepProgress>();

        Assert.Throws<OperationCanceledException>(() => client.CreateEvaluationKeys(new Recorder<StepProgress>(p => { reports.Add(p); cancel.Cancel(); }), cancel.Token));

        Assert.Equal(["public key"], reports.Select(r => r.Step));
    }

    [Fact]
    public void Key_creation_cancelled_after_the_first_Galois_key_makes_no_further_key()
    {
        using var client = new InferenceClient(InferencePlanner.Plan(Mlp()));
        using var cancel = new CancellationTokenSource();
        var reports = new List<StepProgress>();

        Assert.Throws<OperationCanceledException>(() => client.CreateEvaluationKeys(
            new Recorder<StepProgress>(p =>
            {
                reports.Add(p);
                if (p.Completed == 3)
                {
                    cancel.Cancel();
                }
            }),
            cancel.Token));

        Assert.Equal(3, reports.Count);
        Assert.StartsWith("Galois key 1 of", reports[^1].Step);
    }

    [Fact]
    public void Row_major_evaluation_reports_each_layer_then_the_flooding_and_still_decrypts_correctly()
    {
        Sequential model = Mlp();
        InferencePlan plan = InferencePlanner.Plan(model);
        using var client = new InferenceClient(plan);
        var server = new EncryptedModel(model, plan, client.CreateEvaluationKeys());
        var reports = new List<StepProgress>();
        double[] x = Sample(1);

        double[] y = client.DecryptOutput(server.Evaluate(client.EncryptSample(x), new Recorder<StepProgress>(reports.Add)));

        Assert.Equal(Enumerable.Range(1, 4), reports.Select(r => r.Completed));
        Assert.All(reports, r => Assert.Equal(4, r.Total));
        Assert.Equal([.. model.Layers.Select(l => l.ToString()!), "output flooding"], reports.Select(r => r.Step));
        double[] expected = model.Evaluate(x);
        Assert.Equal(Array.IndexOf(expected, expected.Max()), Array.IndexOf(y, y.Max()));
    }

    [Fact]
    public void Batch_evaluation_cancelled_after_the_first_layer_stops_there()
    {
        Sequential model = Mlp();
        InferencePlan plan = InferencePlanner.Plan(model, new PlannerOptions { Packing = TensorPacking.Batch });
        using var client = new InferenceClient(plan);
        var server = new EncryptedModel(model, plan, client.CreateEvaluationKeys(), OutputFlooding.None);
        byte[] request = client.EncryptBatch([Sample(2), Sample(3)]);
        using var cancel = new CancellationTokenSource();
        var reports = new List<StepProgress>();

        Assert.Throws<OperationCanceledException>(() => server.Evaluate(request, new Recorder<StepProgress>(p => { reports.Add(p); cancel.Cancel(); }), cancel.Token));

        Assert.Equal([new StepProgress(1, 3, model.Layers[0].ToString()!)], reports);
    }

    [Fact]
    public void Evaluation_with_a_token_cancelled_beforehand_does_nothing()
    {
        Sequential model = Mlp();
        InferencePlan plan = InferencePlanner.Plan(model, new PlannerOptions { Packing = TensorPacking.Batch });
        using var client = new InferenceClient(plan);
        var server = new EncryptedModel(model, plan, client.CreateEvaluationKeys(), OutputFlooding.None);
        byte[] request = client.EncryptBatch([Sample(4)]);
        var reports = new List<StepProgress>();

        Assert.Throws<OperationCanceledException>(() => server.Evaluate(request, new Recorder<StepProgress>(reports.Add), new CancellationToken(canceled: true)));

        Assert.Empty(reports);
    }

    [Fact]
    public void A_completed_batch_evaluation_is_returned_even_if_cancelled_during_its_last_step()
    {
        Sequential model = Mlp();
        InferencePlan plan = InferencePlanner.Plan(model, new PlannerOptions { Packing = TensorPacking.Batch });
        using var client = new InferenceClient(plan);
        var server = new EncryptedModel(model, plan, client.CreateEvaluationKeys(), OutputFlooding.None);
        using var cancel = new CancellationTokenSource();
        double[] x = Sample(5);
        var reports = new List<StepProgress>();

        byte[] response = server.Evaluate(client.EncryptBatch([x]), new Recorder<StepProgress>(p => { reports.Add(p); if (p.Completed == p.Total) { cancel.Cancel(); } }), cancel.Token);

        Assert.Equal(3, reports.Count);
        double[] expected = model.Evaluate(x), actual = client.DecryptBatchOutput(response)[0];
        Assert.True(expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max() < 1e-2);
    }

    /// <summary>A synchronous <see cref="IProgress{T}"/> (<see cref="Progress{T}"/> posts to the thread pool, so its
    /// reports may arrive after the call returns).</summary>
    private sealed class Recorder<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
