using FsCheck.Xunit;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Models;

namespace Thestage.Proofs.Tests.Inference;

public sealed class InferenceCompletenessTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void MlpProofsVerifyAndOutputsMatchTheEvaluator(int batch)
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(500 + batch, batch, 12, 7, 3);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        for (int b = 0; b < batch; b++)
        {
            Assert.Equal(IntegerEvaluator.Evaluate(model.Model, inputs[b]), outputs[b]);
        }

        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, proof));
    }

    [Theory]
    [InlineData(1, 1, 6, 2, 3, 1, 1)]
    [InlineData(2, 2, 7, 3, 3, 2, 0)]
    [InlineData(3, 1, 5, 1, 2, 1, 2)]
    public void CnnProofsVerify(int batch, int channels, int size, int outChannels, int kernel, int stride, int padding)
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Cnn(600 + batch, batch, channels, size, outChannels, kernel, stride, padding, 3);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        for (int b = 0; b < batch; b++)
        {
            Assert.Equal(IntegerEvaluator.Evaluate(model.Model, inputs[b]), outputs[b]);
        }

        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, proof));
    }

    [Property(Replay = "(510,2027)", MaxTest = 12)]
    public bool RandomMlpShapesProveAndVerify(int seed)
    {
        var random = new Random(seed);
        int batch = 1 + random.Next(5);
        int[] widths = Enumerable.Range(0, 2 + random.Next(3)).Select(_ => 1 + random.Next(17)).ToArray();
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(seed, batch, widths);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, seed);
        return outputs.Zip(inputs).All(p => p.First.SequenceEqual(IntegerEvaluator.Evaluate(model.Model, p.Second)))
            && InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, proof);
    }

    [Property(Replay = "(511,2027)", MaxTest = 10)]
    public bool RandomCnnShapesProveAndVerify(int seed)
    {
        var random = new Random(seed);
        int kernel = 1 + random.Next(3);
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Cnn(
            seed, 1 + random.Next(3), 1 + random.Next(2), kernel + 2 + random.Next(4), 1 + random.Next(3), kernel, 1 + random.Next(2), random.Next(2), 2 + random.Next(3));
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, seed);
        return InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, proof);
    }

    [Fact]
    public void ModelsWithSquareOutputAndReluOutputProve()
    {
        var random = new Random(520);
        var layers = new List<Layer>
        {
            Dense.FromOutputMajor(6, 5, Quantization.TestModels.Gaussian(random, 30, 0.4), Quantization.TestModels.Gaussian(random, 5, 0.1)),
            Activation.Square(),
            Dense.FromOutputMajor(5, 4, Quantization.TestModels.Gaussian(random, 20, 0.4), Quantization.TestModels.Gaussian(random, 4, 0.1)),
            Activation.Exact(LayerKind.Relu),
        };
        var source = new Sequential(Shape.Vector(6), layers);
        (QuantizedModel quantized, List<int[]> inputs) = Quantization.TestModels.Quantized(source, random, 3);
        CommittedModel model = CommittedModel.Commit(quantized, salts: new SeededSaltSource(520));
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, proof));
        int[][] wrong = outputs.Select(o => (int[])o.Clone()).ToArray();
        wrong[2][1] += 1;
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs, wrong, proof, VerifierPolicy.Default), RejectionReason.Lookup);
    }

    [Fact]
    public void FlattenAliasesProve()
    {
        var random = new Random(530);
        var input = new Shape(2, 5, 5);
        Layer conv = Conv2d.FromFlatKernels(2, 3, 3, 3, 1, 1, Quantization.TestModels.Gaussian(random, 54, 0.3), Quantization.TestModels.Gaussian(random, 3, 0.1));

        // Conv → Flatten → ReLU → Dense (ReLU reads the committed convolution output through the alias).
        var reluAfterFlatten = new Sequential(input, [conv, new Flatten(), Activation.Exact(LayerKind.Relu), Dense.FromOutputMajor(75, 4, Quantization.TestModels.Gaussian(random, 300, 0.2), Quantization.TestModels.Gaussian(random, 4, 0.1))]);

        // Conv → AvgPool → Flatten as the last layer (the public output is the pooled tensor).
        var flattenLast = new Sequential(input, [conv, new AvgPool2d(2), new Flatten()]);
        foreach (Sequential source in (Sequential[])[reluAfterFlatten, flattenLast])
        {
            (QuantizedModel quantized, List<int[]> inputs) = Quantization.TestModels.Quantized(source, random, 2);
            CommittedModel model = CommittedModel.Commit(quantized, salts: new SeededSaltSource(530));
            (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
            Assert.Equal(IntegerEvaluator.Evaluate(quantized, inputs[1]), outputs[1]);
            Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, proof));
            int[][] wrong = outputs.Select(o => (int[])o.Clone()).ToArray();
            wrong[0][^1] -= 1;
            VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs, wrong, proof, VerifierPolicy.Default), RejectionReason.Lookup);
        }
    }

    [Fact]
    public void UnsupportedArchitecturesAreRejectedAtCommitment()
    {
        QuantizedModel reluFirst = new(Shape.Vector(4), 8, 0, 0, [QuantizedLayer.ReLU(), QuantizedLayer.Dense(4, 2, new int[8], new int[2], 0)]);
        Assert.Throws<ArgumentException>(() => CommittedModel.Commit(reluFirst));
        QuantizedModel onlyFlatten = new(new Shape(1, 2, 2), 8, 0, 0, [QuantizedLayer.Flatten()]);
        Assert.Throws<ArgumentException>(() => CommittedModel.Commit(onlyFlatten));
    }
}
