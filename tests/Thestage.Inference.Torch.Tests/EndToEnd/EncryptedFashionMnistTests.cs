using Thestage.Inference.Data;
using Thestage.Models;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Thestage.Inference.Torch.Tests.EndToEnd;

/// <summary>
/// The demo's path, small, on the real dataset: train an HE-friendly CNN in TorchSharp, convert, plan, and classify a
/// few encrypted test images with the parties apart (the server gets bytes only). The bound is CKKS's own, so the
/// server does not flood its outputs.
/// </summary>
public sealed class EncryptedFashionMnistTests
{
    [Fact]
    public void Encrypted_predictions_of_a_trained_cnn_match_the_plain_ones()
    {
        Assert.True(FashionMnist.IsAvailable(FashionMnistSplit.Train), "Fashion-MNIST is missing: apt-get install dataset-fashion-mnist");
        FashionMnistSet train = FashionMnist.Load(FashionMnistSplit.Train, limit: 1000);
        FashionMnistSet test = FashionMnist.Load(FashionMnistSplit.Test, limit: 4);
        torch.random.manual_seed(7);
        var module = nn.Sequential(
            ("conv", nn.Conv2d(1, 4, 7, stride: 3)),
            ("square1", new Square()),
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(256, 32)),
            ("square2", new Square()),
            ("fc2", nn.Linear(32, 10)));
        using (Tensor images = Images(train), labels = tensor(train.Labels.Select(l => (long)l).ToArray()))
        {
            HeFriendly.FineTune(module, images, labels, epochs: 1, learningRate: 2e-3, batchSize: 32);
        }

        Sequential model = TorchConverter.ToSequential(module, [1, 28, 28]);
        InferencePlan plan = InferencePlanner.Plan(model);
        using var client = new InferenceClient(plan);
        var server = new EncryptedModel(model, plan, EvaluationKeys.FromBytes(client.CreateEvaluationKeys().ToBytes()), OutputFlooding.None);
        for (int i = 0; i < test.Count; i++)
        {
            double[] plain = model.Evaluate(test.Images[i]);
            double[] encrypted = client.DecryptOutput(server.Evaluate(client.EncryptSample(test.Images[i])));
            double scale = plain.Max(Math.Abs);
            // Scale 2^26: errors of about 1e-4 of the largest output are expected; a fault gives errors of order one.
            Assert.True(plain.Zip(encrypted, (a, b) => Math.Abs(a - b)).Max() < 4e-3 * Math.Max(1, scale), $"image {i}");
            Assert.Equal(Array.IndexOf(plain, plain.Max()), Array.IndexOf(encrypted, encrypted.Max()));
        }
    }

    private static Tensor Images(FashionMnistSet set)
    {
        var flat = new float[set.Count * 784];
        for (int i = 0; i < set.Count; i++)
        {
            for (int j = 0; j < 784; j++)
            {
                flat[i * 784 + j] = (float)set.Images[i][j];
            }
        }

        return tensor(flat, [set.Count, 1, 28, 28]);
    }
}
