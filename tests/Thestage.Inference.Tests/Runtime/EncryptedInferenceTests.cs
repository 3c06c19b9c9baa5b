using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Thestage.Models;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Privacy.Serialization;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Tests.Runtime;

/// <summary>
/// Encrypted evaluation against the plain reference, with the two parties kept apart: the server is built from the
/// evaluation-key bundle's bytes and sees only message bytes. These tests measure CKKS itself, so the server does not
/// flood its outputs (OutputFloodingTests measure the flooded outputs).
/// </summary>
public sealed class EncryptedInferenceTests
{
    /// <summary>
    /// The plans here use the default precision target (scale 2^26): errors of about 1e-4 relative to the largest output
    /// are expected (measured up to 1.4e-4), so the bound is 4e-3 of it — a fault gives errors of order one.
    /// </summary>
    private static bool Close(double[] expected, double[] actual)
        => expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max() < 4e-3 * Math.Max(1, expected.Max(Math.Abs));

    private static (InferenceClient Client, EncryptedModel Server) Parties(Sequential model, PlannerOptions? options = null)
    {
        InferencePlan plan = InferencePlanner.Plan(model, options);
        var client = new InferenceClient(plan);
        byte[] bundle = client.CreateEvaluationKeys().ToBytes();
        var server = new EncryptedModel(model, plan, EvaluationKeys.FromBytes(bundle), OutputFlooding.None);
        return (client, server);
    }

    [Fact]
    public void The_cnn_runs_encrypted_with_the_server_holding_only_bytes()
    {
        Sequential model = Models.Cnn(3);
        (InferenceClient client, EncryptedModel server) = Parties(model);
        using (client)
        {
            var random = new Random(4);
            for (int sample = 0; sample < 2; sample++)
            {
                double[] image = Enumerable.Range(0, 784).Select(_ => random.NextDouble()).ToArray();
                double[] expected = model.Evaluate(image);
                double[] actual = client.DecryptOutput(server.Evaluate(client.EncryptSample(image)));
                Assert.True(Close(expected, actual), $"image {sample}");
                Assert.Equal(Array.IndexOf(expected, expected.Max()), Array.IndexOf(actual, actual.Max()));
            }
        }
    }

    [Fact]
    public void A_plan_made_before_outputs_were_placed_runs_in_order_with_the_keys_it_lists()
    {
        // A plan file written before the convolution's outputs were placed lists the steps of the in-order layout only
        // (its format is the same): the model it builds keeps that layout, so the client's keys for it still serve.
        Sequential model = Models.Cnn(5);
        InferencePlan current = InferencePlanner.Plan(model);
        int[] inOrder = [.. new SortedSet<int>(LinearTransform.Steps(784, 256, 4096).Concat(LinearTransform.Steps(256, 64, 4096)).Concat(LinearTransform.Steps(64, 10, 4096)))];
        Assert.NotEqual(inOrder, current.RotationSteps);
        var earlier = new InferencePlan(current.Parameters, current.ScaleBits, current.Packing, current.InputLength, current.OutputLength, current.Depth, inOrder, [.. current.Layers]);
        using var client = new InferenceClient(earlier);
        var server = new EncryptedModel(model, earlier, EvaluationKeys.FromBytes(client.CreateEvaluationKeys().ToBytes()), OutputFlooding.None);

        double[] image = Models.Vector(new Random(6), 784, 1);
        Assert.True(Close(model.Evaluate(image), client.DecryptOutput(server.Evaluate(client.EncryptSample(image)))));
    }

    [Property(MaxTest = 4)]
    public Property Random_layer_stacks_match_the_reference(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        int c = 1 + random.Next(2), size = 6 + random.Next(5), outC = 1 + random.Next(3), hidden = 3 + random.Next(20);
        var layers = new List<Layer>
        {
            new Conv2d(Models.Kernels(random, outC, c, 3, 0.3), Models.Vector(random, outC, 0.1), stride: 1, padding: random.Next(2)),
            random.Next(2) == 0 ? Activation.Square() : Activation.Relu(-4, 4, 4),
            new AvgPool2d(2),
            new Flatten(),
        };
        var probe = new Sequential([c, size, size], layers);
        int flat = probe.OutputShape[0];
        layers.Add(new Dense(Models.Matrix(random, flat, hidden, 0.3), Models.Vector(random, hidden, 0.1)));
        layers.Add(Activation.Tanh(-3, 3, 5));
        layers.Add(new Dense(Models.Matrix(random, hidden, 4, 0.3)));
        var model = new Sequential([c, size, size], layers);
        (InferenceClient client, EncryptedModel server) = Parties(model);
        using (client)
        {
            double[] x = Models.Vector(random, c * size * size);
            double[] expected = model.Evaluate(x);
            double[] actual = client.DecryptOutput(server.Evaluate(client.EncryptSample(x)));
            return Close(expected, actual).ToProperty();
        }
    }

    [Fact]
    public void A_batch_runs_one_sample_per_slot()
    {
        var random = new Random(5);
        var model = new Sequential([2, 6, 6],
        [
            new Conv2d(Models.Kernels(random, 2, 2, 3, 0.3), [0.1, -0.1], stride: 1),
            Activation.Square(),
            new AvgPool2d(2),
            new Flatten(),
            new Dense(Models.Matrix(random, 8, 3, 0.5), [0.2, 0, -0.2]),
        ]);
        (InferenceClient client, EncryptedModel server) = Parties(model, new PlannerOptions { Packing = TensorPacking.Batch });
        using (client)
        {
            double[][] samples = Enumerable.Range(0, 37).Select(_ => Models.Vector(random, 72)).ToArray();
            double[][] outputs = client.DecryptBatchOutput(server.Evaluate(client.EncryptBatch(samples)));
            Assert.Equal(37, outputs.Length);
            for (int s = 0; s < samples.Length; s++)
            {
                double[] expected = model.Evaluate(samples[s]);
                Assert.True(Close(expected, outputs[s]), $"sample {s}");
            }
        }
    }

    [Fact]
    public void Batch_messages_evaluated_as_they_are_read_give_the_words_of_the_loaded_batch()
    {
        // 200 inputs: the first layer reads the message in blocks of 96, 96 and 8 ciphertexts.
        var random = new Random(7);
        var model = new Sequential([200], [new Dense(Models.Matrix(random, 200, 4, 0.1), [0.1, 0, 0, -0.1]), Activation.Square(), new Dense(Models.Matrix(random, 4, 2, 0.5))]);
        InferencePlan plan = InferencePlanner.Plan(model, new PlannerOptions { Packing = TensorPacking.Batch });
        using var client = new InferenceClient(plan);
        EvaluationKeys keys = EvaluationKeys.FromBytes(client.CreateEvaluationKeys().ToBytes());
        var server = new EncryptedModel(model, plan, keys, OutputFlooding.None);
        double[][] samples = Enumerable.Range(0, 9).Select(_ => Models.Vector(random, 200)).ToArray();
        byte[] message = client.EncryptBatch(samples);
        byte[] streamed = server.Evaluate(message);
        var tensors = new TensorContext(keys.Context, plan.Scale, keys.RelinKeys);
        Assert.Equal(CkksSerializer.Save(server.EvaluateBatch(CkksSerializer.LoadTensor(tensors, message))), streamed);
        double[][] outputs = client.DecryptBatchOutput(streamed);
        for (int s = 0; s < samples.Length; s++)
        {
            Assert.True(Close(model.Evaluate(samples[s]), outputs[s]), $"sample {s}");
        }

        // A batch of another width under the same parameters is refused by the plan's check, before the first layer's products.
        var encryptor = new Thestage.Privacy.Rlwe.Encryptor(keys.Context, keys.PublicKey);
        byte[] wrongWidth = CkksSerializer.SaveEncryptedBatch(tensors, encryptor, Models.Vector(random, 150), [1, 150]);
        Assert.Contains("the plan expects a Batch tensor", Assert.Throws<CkksFormatException>(() => server.Evaluate(wrongWidth)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_or_mismatched_messages_are_refused_with_the_format_exception()
    {
        var random = new Random(6);
        var model = new Sequential([8], [new Dense(Models.Matrix(random, 8, 4, 0.5)), Activation.Square()]);
        (InferenceClient client, EncryptedModel server) = Parties(model);
        using (client)
        {
            byte[] message = client.EncryptSample(Models.Vector(random, 8));
            Assert.Throws<CkksFormatException>(() => server.Evaluate(message.AsSpan(0, 10)));
            Assert.Throws<CkksFormatException>(() => server.Evaluate(message.AsSpan(0, message.Length - 1)));
            byte[] wrongLength = (byte[])message.Clone();
            wrongLength[48] = 9;   // the vector's length, the first payload field after the 48-byte TSPV header
            Assert.Contains("the plan expects 8", Assert.Throws<CkksFormatException>(() => server.Evaluate(wrongLength)).Message, StringComparison.Ordinal);
            Assert.Throws<CkksFormatException>(() => client.DecryptBatchOutput(server.Evaluate(message)));
            Assert.Throws<CkksFormatException>(() => EvaluationKeys.FromBytes("TSEK"u8));
            byte[] version1 = client.CreateEvaluationKeys().ToBytes();
            version1[4] = 1;
            Assert.Contains("version 1 had no public key", Assert.Throws<CkksFormatException>(() => EvaluationKeys.FromBytes(version1)).Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => client.EncryptSample(new double[7]));
            Assert.Throws<ArgumentException>(() => client.EncryptBatch([new double[8]]));
        }
    }
}
