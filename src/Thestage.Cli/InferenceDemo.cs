using System.Diagnostics;
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
    public static int Run(DemoOptions options)
    {
        Console.WriteLine($"Thestage private inference demo — {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        string data = Dataset.Locate(options.DataDirectory);
        FashionMnistSet train = FashionMnist.Load(FashionMnistSplit.Train, data, options.TrainImages);
        int testCount = Math.Max(options.EncryptedImages, options.SingleImages);
        FashionMnistSet test = FashionMnist.Load(FashionMnistSplit.Test, data, testCount);
        Console.WriteLine($"Fashion-MNIST from {data}: {train.Count} training and {test.Count} test images");

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
        using (Tensor inputs = ToTensor(train.Images), labels = tensor(train.Labels.Select(l => (long)l).ToArray()))
        {
            var bar = new ProgressBar("training", options.Epochs);
            var clock = Stopwatch.StartNew();
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                IReadOnlyList<double> loss = HeFriendly.FineTune(model, inputs, labels, epochs: 1, learningRate: 1e-3, batchSize: 64);
                bar.Report(epoch + 1, $"loss {loss[0]:F4}  {clock.Elapsed.TotalSeconds:F0} s");
            }
        }

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
        Console.WriteLine($"converted: {ir}");
        double conversionAgreement = Agreement(plainPredictions, torchPredictions);
        Console.WriteLine($"IR vs TorchSharp predictions agree on {conversionAgreement:P2} of {test.Count} test images");
        if (conversionAgreement < 0.99)
        {
            Console.Error.WriteLine("error: the converted model disagrees with TorchSharp; stopping.");
            return 1;
        }

        InferencePlan plan = InferencePlanner.Plan(ir);
        Console.WriteLine();
        Console.WriteLine("plan (one image per ciphertext):");
        Console.Write(plan.Describe());

        // 3. One image per ciphertext: the client keeps the secret key; the server gets bytes only.
        var keyClock = Stopwatch.StartNew();
        using var client = new InferenceClient(plan);
        byte[] bundle = client.CreateEvaluationKeys().ToBytes();
        double keyMs = keyClock.Elapsed.TotalMilliseconds;
        var server = new EncryptedModel(ir, plan, EvaluationKeys.FromBytes(bundle));
        Console.WriteLine($"server: {server.Flooding} of its outputs");
        var singleBar = new ProgressBar("encrypted, single", options.SingleImages);
        var latencies = new List<double>();
        int singleAgree = 0, singleCorrect = 0;
        long inputBytes = 0, outputBytes = 0;
        for (int i = 0; i < options.SingleImages; i++)
        {
            byte[] request = client.EncryptSample(test.Images[i]);
            var t = Stopwatch.StartNew();
            byte[] response = server.Evaluate(request);
            latencies.Add(t.Elapsed.TotalMilliseconds);
            int predicted = ArgMax(client.DecryptOutput(response));
            singleAgree += predicted == plainPredictions[i] ? 1 : 0;
            singleCorrect += predicted == test.Labels[i] ? 1 : 0;
            inputBytes = request.Length;
            outputBytes = response.Length;
            singleBar.Report(i + 1, $"{latencies[^1]:F0} ms");
        }

        // 4. One image per slot: up to N/2 images in one pass, no rotations.
        InferencePlan batchPlan = InferencePlanner.Plan(ir, new PlannerOptions { Packing = TensorPacking.Batch });
        using var batchClient = new InferenceClient(batchPlan);
        var batchServer = new EncryptedModel(ir, batchPlan, EvaluationKeys.FromBytes(batchClient.CreateEvaluationKeys().ToBytes()));
        int batchCount = Math.Min(options.EncryptedImages, test.Count);
        var batchBar = new ProgressBar("encrypted, batch", 3);
        var batchClock = Stopwatch.StartNew();
        byte[] batchRequest = batchClient.EncryptBatch(test.Images.Take(batchCount).ToArray());
        double encryptMs = batchClock.Elapsed.TotalMilliseconds;
        batchBar.Report(1, $"encrypted {batchCount} images ({Mb(batchRequest.Length)}) in {encryptMs / 1000:F1} s");
        batchClock.Restart();
        byte[] batchResponse = batchServer.Evaluate(batchRequest);
        double serverMs = batchClock.Elapsed.TotalMilliseconds;
        batchBar.Report(2, $"evaluated in {serverMs / 1000:F1} s");
        batchClock.Restart();
        double[][] batchOutputs = batchClient.DecryptBatchOutput(batchResponse);
        double decryptMs = batchClock.Elapsed.TotalMilliseconds;
        batchBar.Report(3, $"decrypted in {decryptMs / 1000:F1} s");
        int[] batchPredictions = batchOutputs.Select(ArgMax).ToArray();

        // 5. The closing table.
        double plainAccuracy = Accuracy(plainPredictions.Take(batchCount), test.Labels);
        double encryptedAccuracy = Accuracy(batchPredictions, test.Labels);
        double median = latencies.Count > 0 ? latencies.Order().ElementAt(latencies.Count / 2) : double.NaN;
        double amortized = (encryptMs + serverMs + decryptMs) / batchCount;
        Console.WriteLine();
        Console.WriteLine($"{"",-46}{"value",16}");
        Row("plaintext accuracy (converted model)", $"{plainAccuracy:P2}", $"on {batchCount} test images");
        Row("encrypted accuracy (batch)", $"{encryptedAccuracy:P2}", $"on the same {batchCount} images");
        Row("agreement encrypted vs plaintext", $"{Agreement(batchPredictions, plainPredictions):P2}", $"(single: {singleAgree}/{options.SingleImages})");
        Row("latency per image, single (server)", $"{median:F0} ms", $"median of {latencies.Count}; plain {plainMsPerImage:F2} ms → overhead ×{median / plainMsPerImage:F0}");
        Row("per image amortized, batch", $"{amortized:F2} ms", $"{1000 / amortized:F0} images/s end to end; server {serverMs / batchCount:F2} ms/image");
        Row("input / output message, single", $"{Mb(inputBytes)} / {Mb(outputBytes)}", "seeded symmetric ciphertexts");
        Row("input message, batch", Mb(batchRequest.Length), $"{batchPlan.InputCiphertexts} ciphertexts for up to {batchPlan.SamplesPerCiphertext} images");
        Row("evaluation keys (single plan)", Mb(bundle.Length), $"{plan.RotationSteps.Count} Galois keys + relinearization, made in {keyMs / 1000:F1} s");
        Row("parameters", $"N={plan.Parameters.PolyModulusDegree}", $"{plan.Parameters.CoeffModulus.Count} primes, scale 2^{plan.ScaleBits}, 128-bit");
        Row("output flooding (both servers)", $"τ = {server.Flooding.StandardDeviation:G2}", $"per output value; the single client averages {plan.Parameters.PolyModulusDegree / 2 / (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)plan.OutputLength)} copies");
        return encryptedAccuracy >= plainAccuracy - 0.01 ? 0 : 1;
    }

    private static Tensor ToTensor(IReadOnlyList<double[]> images)
    {
        var flat = new float[images.Count * 784];
        for (int i = 0; i < images.Count; i++)
        {
            for (int j = 0; j < 784; j++)
            {
                flat[i * 784 + j] = (float)images[i][j];
            }
        }

        return tensor(flat, [images.Count, 1, 28, 28]);
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

    private static void Row(string name, string value, string note) => Console.WriteLine($"{name,-46}{value,16}   {note}");

    private static string Mb(long bytes) => bytes >= 1 << 20 ? $"{bytes / 1048576.0:F1} MiB" : $"{bytes / 1024.0:F0} KiB";
}
