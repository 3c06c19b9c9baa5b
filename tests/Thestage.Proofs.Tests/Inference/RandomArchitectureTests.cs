using FsCheck.Xunit;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Quantization;
using Thestage.Models;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>Random layer sequences from the supported grammar: every one must prove, verify, and reject a wrong output.</summary>
public sealed class RandomArchitectureTests
{
    private static Sequential RandomModel(Random random)
    {
        bool spatial = random.Next(3) > 0;
        Shape input = spatial ? new Shape(1 + random.Next(2), 3 + random.Next(4), 3 + random.Next(4)) : Shape.Vector(2 + random.Next(10));
        var layers = new List<Layer>();
        Shape shape = input;
        bool flat = !spatial, requantized = false, sawCompute = false;
        int count = 1 + random.Next(5);
        while (layers.Count < count || !sawCompute)
        {
            var options = new List<Func<Layer>>();
            int outFeatures = 1 + random.Next(6);
            options.Add(() => Dense.FromOutputMajor(shape.Size, outFeatures, TestModels.Gaussian(random, shape.Size * outFeatures, 1.0 / Math.Sqrt(shape.Size)), TestModels.Gaussian(random, outFeatures, 0.1)));
            options.Add(Activation.Square);
            if (requantized)
            {
                options.Add(() => Activation.Exact(LayerKind.Relu));
            }

            if (!flat)
            {
                options.Add(() => new Flatten());
                int kernel = 1 + random.Next(Math.Min(3, Math.Min(shape.Height, shape.Width)));
                int outChannels = 1 + random.Next(3);
                int fan = shape.Channels * kernel * kernel;
                options.Add(() => Conv2d.FromFlatKernels(
                    shape.Channels, outChannels, kernel, kernel, 1 + random.Next(2), random.Next(2), TestModels.Gaussian(random, outChannels * fan, 1.0 / Math.Sqrt(fan)), TestModels.Gaussian(random, outChannels, 0.1)));
                if (shape.Height >= 2 && shape.Width >= 2)
                {
                    options.Add(() => new AvgPool2d(2));
                    options.Add(() => new MaxPool2d(2));
                }
            }

            Layer layer = options[random.Next(options.Count)]();
            shape = layer.OutputShape(shape);
            layers.Add(layer);
            flat |= layer.Kind is LayerKind.Flatten or LayerKind.Dense;
            requantized = layer.Kind is LayerKind.Dense or LayerKind.Conv2d or LayerKind.AvgPool2d or LayerKind.Square or LayerKind.MaxPool2d || (requantized && layer.Kind == LayerKind.Flatten);
            sawCompute |= layer.Kind != LayerKind.Flatten;
        }

        return new Sequential(input, layers);
    }

    [Property(Replay = "(540,2027)", MaxTest = 30)]
    public bool RandomArchitecturesProveVerifyAndRejectWrongOutputs(int seed)
    {
        var random = new Random(seed);
        Sequential source = RandomModel(random);
        (QuantizedModel quantized, List<int[]> inputs) = TestModels.Quantized(source, random, 1 + random.Next(3));
        CommittedModel model = CommittedModel.Commit(quantized, salts: new SeededSaltSource(seed));
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, seed);
        bool matches = outputs.Zip(inputs).All(p => p.First.SequenceEqual(IntegerEvaluator.Evaluate(quantized, p.Second)));
        int[][] wrong = outputs.Select(o => (int[])o.Clone()).ToArray();
        int index = random.Next(wrong[0].Length);
        wrong[0][index] += wrong[0][index] > 0 ? -1 : 1;
        return matches
            && InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, proof)
            && !InferenceVerifier.VerifyBatch(model.Commitment, inputs, wrong, proof);
    }
}
