using Thestage.Benchmarks.Inference;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Models;
using Thestage.Privacy.Tensors;

namespace Thestage.Cli.Bench;

/// <summary>Plain against encrypted inference of one model.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Parameters">Its weights and biases.</param>
/// <param name="N">The ring dimension the planner chose (one image per ciphertext).</param>
/// <param name="GaloisKeys">The Galois keys of that plan.</param>
/// <param name="Plain">Plain evaluation of one image (doubles).</param>
/// <param name="Encrypted">Encrypted evaluation of one image, one image per ciphertext (server time).</param>
/// <param name="Batch">Encrypted evaluation of a full batch ciphertext, one image per slot (server time).</param>
/// <param name="BatchSize">The images of that batch.</param>
/// <param name="MaxError">The largest difference between the decrypted output of one image and the plain output.</param>
internal sealed record InferenceRow(string Model, long Parameters, int N, int GaloisKeys, Timing Plain, Timing Encrypted, Timing Batch, int BatchSize, double MaxError)
{
    /// <summary>Gets the images per second of plain evaluation (one at a time, by the median).</summary>
    public double PlainPerSecond => 1000 / Plain.MedianMs;

    /// <summary>Gets the images per second of encrypted evaluation in batches (by the median).</summary>
    public double EncryptedPerSecond => BatchSize * 1000 / Batch.MedianMs;

    /// <summary>Gets how many times longer one encrypted image takes than one plain image (by the median).</summary>
    public double LatencyOverhead => Encrypted.MedianMs / Plain.MedianMs;
}

/// <summary>
/// The shape of <c>CnnInferenceBenchmarks</c> over models of several sizes: each model planned by
/// <see cref="InferencePlanner"/> (128-bit), its evaluation keys made by a client, then server time only — one image per
/// ciphertext (latency) and one image per slot (throughput) — beside the plain evaluation of the same model. The models
/// are <see cref="InferenceWorkloads"/>': 784-h-10 MLPs with square activation and the encrypted-CNN anchor's network.
/// </summary>
internal static class InferenceSuite
{
    /// <summary>The models of <paramref name="scale"/>: name and model, smallest first.</summary>
    public static List<(string Name, Sequential Model)> Models(BenchScale scale)
    {
        var models = scale.InferenceWidths.Select(h => ($"MLP 784-{h}-10 (square)", InferenceWorkloads.SquareMlp(new Random(h), h))).ToList();
        if (scale.InferenceCnn)
        {
            models.Add(("CNN conv 4×7×7/3-256-64-10 (square)", InferenceWorkloads.Cnn(new Random(1))));
        }

        return models.OrderBy(m => InferenceWorkloads.ParameterCount(m.Item2)).ToList();
    }

    /// <summary>Measures one model.</summary>
    public static InferenceRow Run(string name, Sequential model, BenchClock clock, Action<string> progress)
    {
        double[] image = InferenceWorkloads.Image(new Random(2));
        progress($"{name}: plain");
        Timing plain = clock.Measure(() => model.Evaluate(image));

        progress($"{name}: planning and keys (one image per ciphertext)");
        InferencePlan latencyPlan = InferencePlanner.Plan(model);
        using var client = new InferenceClient(latencyPlan);
        var server = new EncryptedModel(model, latencyPlan, client.CreateEvaluationKeys());
        byte[] input = client.EncryptSample(image);
        double[] decrypted = client.DecryptOutput(server.Evaluate(input)); // also encodes the diagonals once, as a served model does
        double[] expected = model.Evaluate(image);
        double maxError = expected.Zip(decrypted).Max(p => Math.Abs(p.First - p.Second));
        progress($"{name}: encrypted, one image");
        Timing encrypted = clock.Measure(() => server.Evaluate(input));

        progress($"{name}: planning and keys (one image per slot)");
        InferencePlan batchPlan = InferencePlanner.Plan(model, new PlannerOptions { Packing = TensorPacking.Batch });
        using var batchClient = new InferenceClient(batchPlan);
        var batchServer = new EncryptedModel(model, batchPlan, batchClient.CreateEvaluationKeys());
        byte[] batchInput = batchClient.EncryptBatch(Enumerable.Repeat(image, batchPlan.SamplesPerCiphertext).ToArray());
        progress($"{name}: encrypted, batch of {batchPlan.SamplesPerCiphertext}");
        Timing batch = clock.Measure(() => batchServer.Evaluate(batchInput));

        return new InferenceRow(name, InferenceWorkloads.ParameterCount(model), latencyPlan.Parameters.PolyModulusDegree, latencyPlan.RotationSteps.Count,
            plain, encrypted, batch, batchPlan.SamplesPerCiphertext, maxError);
    }
}
