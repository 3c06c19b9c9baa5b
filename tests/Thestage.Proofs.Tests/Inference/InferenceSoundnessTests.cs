using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Tests.Inference;

public sealed class InferenceSoundnessTests
{
    private static int[][] Copy(int[][] values) => values.Select(v => (int[])v.Clone()).ToArray();

    /// <summary>A commitment of <paramref name="model"/>, plain (<c>TSIP</c> v1 proofs) or hiding (<c>TSIP</c> v3: zero-checks with hidden claims).</summary>
    private static CommittedModel Commit(QuantizedModel model, int seed, bool hiding) =>
        CommittedModel.Commit(model, hiding ? Thestage.Proofs.Commitments.LigeroParameters.DefaultHiding : Thestage.Proofs.Commitments.LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(seed));

    private static (CommittedModel Model, List<int[]> Inputs) Mlp(bool hiding, int seed, int batch, params int[] widths)
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(Thestage.Proofs.Commitments.LigeroParameters.NonHidingForBenchmarks, seed, batch, widths);
        return (hiding ? Commit(model.Model, seed, true) : model, inputs);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OutputElementOffByOneIsRejected(bool hiding)
    {
        (CommittedModel model, List<int[]> inputs) = Mlp(hiding, 700, 2, 10, 6, 4);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, proof));
        for (int b = 0; b < outputs.Length; b++)
        {
            for (int i = 0; i < outputs[b].Length; i++)
            {
                foreach (int delta in (int[])[1, -1])
                {
                    int[][] wrong = Copy(outputs);
                    wrong[b][i] += delta;
                    VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs, wrong, proof, VerifierPolicy.Default), RejectionReason.Lookup);
                }
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WrongInputIsRejected(bool hiding)
    {
        (CommittedModel model, List<int[]> inputs) = Mlp(hiding, 701, 1, 10, 6, 4);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        for (int i = 0; i < inputs[0].Length; i++)
        {
            int[] wrong = (int[])inputs[0].Clone();
            wrong[i] = wrong[i] == 0 ? 1 : wrong[i] - Math.Sign(wrong[i]);
            VerdictAssert.Rejected(InferenceVerifier.Check(model.Commitment, wrong, outputs[0], proof, VerifierPolicy.Default), RejectionReason.Lookup);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WeightChangedAfterCommitmentIsRejected(bool hiding)
    {
        (CommittedModel model, List<int[]> inputs) = Mlp(hiding, 702, 2, 10, 6, 4);
        QuantizedModel original = model.Model;
        var random = new Random(703);
        for (int trial = 0; trial < 6; trial++)
        {
            int layerIndex = trial % 2 == 0 ? 0 : 2;
            QuantizedLayer layer = original.Layers[layerIndex];
            int[] weights = layer.Weights.ToArray();
            int[] bias = layer.Bias.ToArray();
            if (trial < 4)
            {
                int position = random.Next(weights.Length);
                weights[position] = weights[position] == QuantizedLayer.MaxWeight ? weights[position] - 1 : weights[position] + 1;
            }
            else
            {
                bias[random.Next(bias.Length)] += 1;
            }

            var layers = original.Layers.ToList();
            layers[layerIndex] = QuantizedLayer.Dense(layer.InFeatures, layer.OutFeatures, weights, bias, layer.Shift);
            var tampered = new QuantizedModel(original.InputShape, original.InputBits, original.InputFractionBits, original.OutputFractionBits, layers);

            // The prover computes with the tampered weights but can only open the original commitment.
            (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model.WithSubstitutedModel(tampered), inputs);
            VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs, outputs, proof, VerifierPolicy.Default), RejectionReason.Opening, "opening of weights");

            // A fresh commitment to the tampered model is a different model commitment.
            CommittedModel recommitted = Commit(tampered, 702, hiding);
            (outputs, proof) = InferenceTestKit.Prove(recommitted, inputs);
            Assert.True(InferenceVerifier.VerifyBatch(recommitted.Commitment, inputs, outputs, proof));
            VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs, outputs, proof, VerifierPolicy.Default), RejectionReason.Lookup);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StatementShapeAndRangeViolationsAreRejected(bool hiding)
    {
        (CommittedModel model, List<int[]> inputs) = Mlp(hiding, 704, 2, 10, 6, 4);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs, outputs, null, VerifierPolicy.Default), RejectionReason.Format);
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs.Take(1).ToList(), outputs, proof, VerifierPolicy.Default), RejectionReason.Statement);
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs, outputs.Reverse().ToArray(), proof, VerifierPolicy.Default), RejectionReason.Lookup);
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, [inputs[1], inputs[0]], outputs, proof, VerifierPolicy.Default), RejectionReason.Lookup);
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs, [outputs[0], [.. outputs[1], 0]], proof, VerifierPolicy.Default), RejectionReason.Statement);
        int[][] outOfRange = Copy(outputs);
        outOfRange[0][0] = 40000;
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs, outOfRange, proof, VerifierPolicy.Default), RejectionReason.Statement);
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, [[.. inputs[0].Select(_ => 1000)], inputs[1]], outputs, proof, VerifierPolicy.Default), RejectionReason.Statement);

        (CommittedModel other, _) = Mlp(hiding, 705, 2, 10, 6, 4);
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(other.Commitment, inputs, outputs, proof, VerifierPolicy.Default), RejectionReason.Lookup);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReluSignAndRemainderWitnessesCannotBeForged(bool hiding)
    {
        // A ReLU-free and a ReLU model that differ only in the activation: the proof of one never verifies for the other.
        (CommittedModel model, List<int[]> inputs) = Mlp(hiding, 706, 1, 8, 8, 3);
        QuantizedModel source = model.Model;
        var withoutRelu = new QuantizedModel(source.InputShape, source.InputBits, source.InputFractionBits, source.OutputFractionBits, [source.Layers[0], source.Layers[2]]);
        CommittedModel linear = Commit(withoutRelu, 706, hiding);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(linear, inputs);
        Assert.True(InferenceVerifier.VerifyBatch(linear.Commitment, inputs, outputs, proof));
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs, outputs, proof, VerifierPolicy.Default), RejectionReason.Lookup);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ProverRejectsInvalidInputs(bool hiding)
    {
        (CommittedModel model, List<int[]> inputs) = Mlp(hiding, 707, 1, 6, 4, 2);
        Assert.Throws<ArgumentException>(() => InferenceProver.ProveBatch(model, []));
        Assert.Throws<ArgumentException>(() => InferenceProver.Prove(model, new int[5]));
        Assert.Throws<ArgumentException>(() => InferenceProver.Prove(model, inputs[0].Select(_ => 128).ToArray()));
        Assert.ThrowsAny<ArgumentException>(() => InferenceVerifier.SoundnessBits(model.Commitment, 0));
        Assert.True(InferenceVerifier.SoundnessBits(model.Commitment, 1) >= 100);
    }
}
