using System.Diagnostics;
using System.Globalization;
using Thestage.Inference.Data;
using Thestage.Models;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Inference.Torch;
using Thestage.Privacy.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Thestage.Cli;

/// <summary>
/// The main job: a model owner trains an HE-friendly CNN (TenSEAL's MNIST network: conv 4 × 7×7 stride 3 → square →
/// dense 256→64 → square → dense 64→10) on Fashion-MNIST in TorchSharp, converts it to the IR and serves encrypted
/// predictions; a data owner encrypts test images, the server evaluates them with evaluation keys only, the data owner
/// decrypts. Both packings are shown: one image per ciphertext (latency) and one image per slot (throughput).
/// </summary>
internal static class InferenceDemo
{
    public static int Run(DemoOptions options, Terminal terminal, CancellationToken cancellationToken)
    {
        terminal.Line($"Thestage private inference demo — {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        string data = Dataset.Locate(options.DataDirectory, options.InstallData, terminal);
        int testCount = Math.Max(options.EncryptedImages, options.SingleImages);
        (FashionMnistSet train, FashionMnistSet test) = terminal.Step("loading Fashion-MNIST", () =>
            (FashionMnist.Load(FashionMnistSplit.Train, data, options.TrainImages), FashionMnist.Load(FashionMnistSplit.Test, data, testCount)));
        terminal.Line($"Fashion-MNIST from {data}: {train.Count} training and {test.Count} test images");

        // 1. Train in TorchSharp.
        TorchNative.EnsureLoadable();
        torch.random.manual_seed(2026);
        var model = nn.Sequential(
            ("conv", nn.Conv2d(1, 4, 7, stride: 3)),
            ("square1", new Square()),
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(256, 64)),
            ("square2", new Square()),
            ("fc2", nn.Linear(64, 10)));
        const int batchSize = 64;
        IReadOnlyList<double> losses;
        using (Tensor inputs = ToTensor(train.Images), labels = tensor(train.Labels.Select(l => (long)l).ToArray()))
        {
            long batches = (train.Count + batchSize - 1) / batchSize;
            losses = terminal.Step("training (TorchSharp)", options.Epochs * batches, step => HeFriendly.FineTune(
                model, inputs, labels, options.Epochs, learningRate: 1e-3, batchSize,
                step.As<FineTuneProgress>(p => p.CompletedBatches, p => $"training, epoch {p.Epoch}/{p.Epochs}, loss {p.Loss:F4}"),
                cancellationToken));
        }

        terminal.Line($"trained {options.Epochs} epochs: loss {string.Join(" → ", losses.Select(l => l.ToString("F4", CultureInfo.InvariantCulture)))}");

        // libtorch's OpenMP workers spin after parallel regions and would steal the cores from the encrypted
        // evaluation below; the remaining torch work (one forward pass) needs no parallelism.
        torch.set_num_threads(1);

        // 2. Convert, check against TorchSharp, plan.
        Sequential ir = TorchConverter.ToSequential(model, [1, 28, 28]);
        int[] torchPredictions;
        using (Tensor testInputs = ToTensor(test.Images))
        using (no_grad())
        {
            torchPredictions = model.call(testInputs).argmax(1).data<long>().Select(v => (int)v).ToArray();
        }

        var plainClock = Stopwatch.StartNew();
        int[] plainPredictions = test.Images.Select(image => ArgMax(ir.Evaluate(image))).ToArray();
        double plainMsPerImage = plainClock.Elapsed.TotalMilliseconds / test.Count;
        terminal.Line($"converted: {ir}");
        double conversionAgreement = Agreement(plainPredictions, torchPredictions);
        terminal.Line($"IR vs TorchSharp predictions agree on {conversionAgreement:P2} of {test.Count} test images");
        if (conversionAgreement < 0.99)
        {
            throw new InvalidDataException($"the converted model agrees with TorchSharp on {conversionAgreement:P2} of the test images only (at least 99 % expected)");
        }

        InferencePlan plan = InferencePlanner.Plan(ir);
        terminal.Line();
        terminal.Line("plan (one image per ciphertext):");
        terminal.Line(plan.Describe().TrimEnd());

        // 3. One image per ciphertext, in a method of its own: its keys, encoded diagonals and messages are unreachable
        // once it returns, before the batch's 784 input ciphertexts exist.
        SingleRun single = RunSingle(ir, plan, test, plainPredictions, options.SingleImages, terminal, cancellationToken);

        // 4. One image per slot: up to N/2 images in one pass, no rotations.
        InferencePlan batchPlan = InferencePlanner.Plan(ir, new PlannerOptions { Packing = TensorPacking.Batch });
        using var batchClient = new InferenceClient(batchPlan);
        byte[] batchBundle = terminal.Step("key generation (batch plan)", batchPlan.RotationSteps.Count + 2, step =>
            batchClient.CreateEvaluationKeys(step.As<StepProgress>(p => p.Completed, p => $"key generation: {p.Step}"), cancellationToken).ToBytes());
        var batchServer = new EncryptedModel(ir, batchPlan, EvaluationKeys.FromBytes(batchBundle));
        int batchCount = Math.Min(options.EncryptedImages, test.Count);
        var batchClock = Stopwatch.StartNew();
        byte[] batchRequest = terminal.Step($"encrypting {batchCount} images (client)", () => batchClient.EncryptBatch(test.Images.Take(batchCount).ToArray()));
        double encryptMs = batchClock.Elapsed.TotalMilliseconds;
        long batchRequestBytes = batchRequest.Length;
        batchClock.Restart();
        byte[] batchResponse = terminal.Step("evaluating the batch (server)", ir.Layers.Count + 1, step =>
            batchServer.Evaluate(batchRequest, step.As<StepProgress>(p => p.Completed, p => $"evaluating the batch (server): {p.Step}"), cancellationToken));
        double serverMs = batchClock.Elapsed.TotalMilliseconds;
        long batchResponseBytes = batchResponse.Length;
        batchClock.Restart();
        double[][] batchOutputs = terminal.Step("decrypting (client)", () => batchClient.DecryptBatchOutput(batchResponse));
        double decryptMs = batchClock.Elapsed.TotalMilliseconds;
        int[] batchPredictions = batchOutputs.Select(ArgMax).ToArray();

        // 5. The closing table.
        double plainAccuracy = Accuracy(plainPredictions.Take(batchCount), test.Labels);
        double encryptedAccuracy = Accuracy(batchPredictions, test.Labels);
        double batchAgreement = Agreement(batchPredictions, plainPredictions);
        double median = single.MedianLatencyMs ?? double.NaN;
        double amortized = (encryptMs + serverMs + decryptMs) / batchCount;
        int copies = plan.Parameters.PolyModulusDegree / 2 / (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)plan.OutputLength);
        bool passed = encryptedAccuracy >= plainAccuracy - 0.01;
        terminal.Line();
        terminal.Table("private inference on Fashion-MNIST", ["", "value", "note"],
        [
            ["plaintext accuracy (converted model)", $"{plainAccuracy:P2}", $"on {batchCount} test images"],
            ["encrypted accuracy (batch)", $"{encryptedAccuracy:P2}", $"on the same {batchCount} images"],
            ["agreement encrypted vs plaintext", $"{batchAgreement:P2}", $"(single: {single.Agree}/{options.SingleImages})"],
            ["latency per image, single (server)", $"{median:F0} ms", $"median of {single.Images}; plain {plainMsPerImage:F2} ms → overhead ×{median / plainMsPerImage:F0}"],
            ["per image amortized, batch", $"{amortized:F2} ms", $"{1000 / amortized:F0} images/s end to end; server {serverMs / batchCount:F2} ms/image"],
            ["input / output message, single", $"{Mb(single.InputBytes)} / {Mb(single.OutputBytes)}", "seeded symmetric ciphertexts"],
            ["input message, batch", Mb(batchRequestBytes), $"{batchPlan.InputCiphertexts} ciphertexts for up to {batchPlan.SamplesPerCiphertext} images"],
            ["evaluation keys (single plan)", Mb(single.KeyBytes), $"{plan.RotationSteps.Count} Galois keys + relinearization, made in {single.KeyMs / 1000:F1} s"],
            ["parameters", $"N={plan.Parameters.PolyModulusDegree}", $"{plan.Parameters.CoeffModulus.Count} primes, scale 2^{plan.ScaleBits}, 128-bit"],
            ["output flooding (both servers)", $"τ = {single.FloodingStandardDeviation:G2}", $"per output value; the single client averages {copies} copies"],
        ]);
        terminal.Line(passed ? "check: encrypted accuracy within 1 point of plaintext — passed" : "check: encrypted accuracy more than 1 point below plaintext — FAILED");
        terminal.Result(new
        {
            Command = "demo",
            Passed = passed,
            TrainImages = train.Count,
            TestImages = batchCount,
            Epochs = options.Epochs,
            Losses = losses,
            ConversionAgreement = conversionAgreement,
            PlainAccuracy = plainAccuracy,
            EncryptedAccuracy = encryptedAccuracy,
            Agreement = batchAgreement,
            Single = new { Images = options.SingleImages, single.Agree, single.Correct, single.MedianLatencyMs, single.InputBytes, single.OutputBytes },
            Batch = new { Images = batchCount, EncryptMs = encryptMs, ServerMs = serverMs, DecryptMs = decryptMs, AmortizedMsPerImage = amortized, InputBytes = batchRequestBytes, OutputBytes = batchResponseBytes },
            PlainMsPerImage = plainMsPerImage,
            EvaluationKeyBytes = single.KeyBytes,
            KeyGenerationMs = single.KeyMs,
            PolyModulusDegree = plan.Parameters.PolyModulusDegree,
            CoeffModulusCount = plan.Parameters.CoeffModulus.Count,
            ScaleBits = plan.ScaleBits,
            FloodingStandardDeviation = single.FloodingStandardDeviation,
        });
        return passed ? 0 : Program.Failed;
    }

    /// <summary>The figures of the one-image-per-ciphertext run.</summary>
    private sealed record SingleRun(int Images, int Agree, int Correct, double? MedianLatencyMs, long InputBytes, long OutputBytes, long KeyBytes, double KeyMs, double FloodingStandardDeviation);

    // One image per ciphertext: the client keeps the secret key; the server gets bytes only.
    private static SingleRun RunSingle(Sequential ir, InferencePlan plan, FashionMnistSet test, int[] plainPredictions, int images, Terminal terminal, CancellationToken cancellationToken)
    {
        var keyClock = Stopwatch.StartNew();
        using var client = new InferenceClient(plan);
        byte[] bundle = terminal.Step("key generation (single plan)", plan.RotationSteps.Count + 2, step =>
            client.CreateEvaluationKeys(step.As<StepProgress>(p => p.Completed, p => $"key generation: {p.Step}"), cancellationToken).ToBytes());
        double keyMs = keyClock.Elapsed.TotalMilliseconds;
        var server = new EncryptedModel(ir, plan, EvaluationKeys.FromBytes(bundle));
        terminal.Line($"server: {server.Flooding} of its outputs");
        var latencies = new List<double>();
        int singleAgree = 0, singleCorrect = 0;
        long inputBytes = 0, outputBytes = 0;
        terminal.Step("encrypted, one image per ciphertext", images, step =>
        {
            for (int i = 0; i < images; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                byte[] request = client.EncryptSample(test.Images[i]);
                var t = Stopwatch.StartNew();
                byte[] response = server.Evaluate(request);
                latencies.Add(t.Elapsed.TotalMilliseconds);
                int predicted = ArgMax(client.DecryptOutput(response));
                singleAgree += predicted == plainPredictions[i] ? 1 : 0;
                singleCorrect += predicted == test.Labels[i] ? 1 : 0;
                inputBytes = request.Length;
                outputBytes = response.Length;
                step.Done(i + 1, $"encrypted, one image per ciphertext ({latencies[^1]:F0} ms)");
            }

            return 0;
        });

        double? median = latencies.Count > 0 ? latencies.Order().ElementAt(latencies.Count / 2) : null;
        return new SingleRun(images, singleAgree, singleCorrect, median, inputBytes, outputBytes, bundle.Length, keyMs, server.Flooding.StandardDeviation);
    }

    // [N, 1, 28, 28] float32, filled a chunk of images at a time: each image is converted once (the list converts on
    // every read) and no N × 784 managed copy exists beside the tensor.
    private static Tensor ToTensor(IReadOnlyList<double[]> images)
    {
        const int pixels = 784, chunk = 1024;
        Tensor result = zeros(images.Count, 1, 28, 28);
        var staging = new float[Math.Min(chunk, images.Count) * pixels];
        for (int start = 0; start < images.Count; start += chunk)
        {
            int count = Math.Min(chunk, images.Count - start);
            if (count * pixels != staging.Length)
            {
                staging = new float[count * pixels];
            }

            for (int i = 0; i < count; i++)
            {
                double[] image = images[start + i];
                for (int j = 0; j < pixels; j++)
                {
                    staging[i * pixels + j] = (float)image[j];
                }
            }

            using Tensor part = tensor(staging, [count, 1, 28, 28]);
            using Tensor rows = result.narrow(0, start, count);
            rows.copy_(part);
        }

        return result;
    }

    private static int ArgMax(double[] values) => Array.IndexOf(values, values.Max());

    private static double Accuracy(IEnumerable<int> predictions, IReadOnlyList<int> labels)
    {
        int[] p = predictions.ToArray();
        return p.Where((v, i) => v == labels[i]).Count() / (double)p.Length;
    }

    private static double Agreement(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        int n = Math.Min(a.Count, b.Count);
        return Enumerable.Range(0, n).Count(i => a[i] == b[i]) / (double)n;
    }

    private static string Mb(long bytes) => bytes >= 1 << 20 ? $"{bytes / 1048576.0:F1} MiB" : $"{bytes / 1024.0:F0} KiB";
}
