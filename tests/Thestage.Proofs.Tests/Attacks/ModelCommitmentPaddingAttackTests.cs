using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Quantization;
using Thestage.Models;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Issue 10, item 10: a published 9-5-3 network whose commitment holds a 9-8-3 network — the three extra hidden units
/// in the padding rows of the first matrix and the padding columns of the second — and proofs of the 9-8-3 model's outputs.
/// </summary>
public sealed class ModelCommitmentPaddingAttackTests
{
    [Fact]
    public void WiderModelHiddenInThePaddingOfAPublishedCommitment_IsRejected()
    {
        var random = new Random(1010);
        (QuantizedModel wide, List<int[]> inputs) = TestModels.Quantized(TestModels.Mlp(random, 9, 8, 3), random, 16);
        QuantizedModel published = Narrow(wide, 5);

        // The 9-8-3 segments have exactly the padded shapes of the 9-5-3 plan (W_0 8 × 16, b_0 8, W_1 4 × 8, b_1 4).
        CircuitPlan wideCircuit = CircuitPlan.Create(wide.InputShape, wide.Layers.Select(CircuitLayer.From).ToArray(), 1);
        CircuitPlan plan = CircuitPlan.Create(published.InputShape, published.Layers.Select(CircuitLayer.From).ToArray(), 1);
        Assert.Equal(wideCircuit.WeightLogSizes, plan.WeightLogSizes);
        CommittedModel cheat = CommittedModel.CommitSegments(published, plan, wideCircuit.BuildWeightSegments(wide), null, new SeededSaltSource(1011))
            .WithSubstitutedModel(wide);

        // The commitment is well formed: it names the 9-5-3 architecture and round-trips.
        ModelCommitment commitment = ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(cheat.Commitment));
        Assert.Equal(published.Layers.Select(CircuitLayer.From), commitment.Layers);

        // An input on which the hidden units change the answer, proven under the published commitment.
        int[] input = inputs.First(x => !IntegerEvaluator.Evaluate(wide, x).SequenceEqual(IntegerEvaluator.Evaluate(published, x)));
        (int[] output, InferenceProof proof) = InferenceProver.Prove(cheat, input, new SeededSaltSource(1012));
        Assert.Equal(IntegerEvaluator.Evaluate(wide, input), output);

        // The weight range proof now shows the padding is zero, so the commitment and every proof against it are refused.
        VerdictAssert.Rejected(commitment.CheckWeightRanges(), RejectionReason.Relation, "padding of segment 0");
        Assert.False(commitment.VerifyWeightRanges());
        VerdictAssert.Rejected(InferenceVerifier.Check(commitment, input, output, proof, VerifierPolicy.Default), RejectionReason.WeightRanges, "weight range proof: padding of segment 0");
    }

    [Fact]
    public void HonestCommitmentOfTheSameArchitecture_PassesThePaddingCheck()
    {
        var random = new Random(1010);
        (QuantizedModel wide, List<int[]> inputs) = TestModels.Quantized(TestModels.Mlp(random, 9, 8, 3), random, 1);
        CommittedModel honest = CommittedModel.Commit(Narrow(wide, 5), salts: new SeededSaltSource(1013));
        ModelCommitment commitment = ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(honest.Commitment));
        (int[] output, InferenceProof proof) = InferenceProver.Prove(honest, inputs[0], new SeededSaltSource(1014));
        Assert.True(commitment.VerifyWeightRanges());
        Assert.True(InferenceVerifier.Verify(commitment, inputs[0], output, proof));
    }

    /// <summary>The same two-layer MLP with only the first <paramref name="hidden"/> hidden units.</summary>
    private static QuantizedModel Narrow(QuantizedModel wide, int hidden)
    {
        QuantizedLayer first = wide.Layers[0], second = wide.Layers[2];
        int inputs = first.InFeatures, outputs = second.OutFeatures, width = first.OutFeatures;
        int[] w1 = first.Weights[..(hidden * inputs)].ToArray();
        int[] w2 = Enumerable.Range(0, outputs).SelectMany(o => second.Weights.Slice(o * width, hidden).ToArray()).ToArray();
        return new QuantizedModel(
            wide.InputShape,
            wide.InputBits,
            wide.InputFractionBits,
            wide.OutputFractionBits,
            [
                QuantizedLayer.Dense(inputs, hidden, w1, first.Bias[..hidden], first.Shift),
                QuantizedLayer.ReLU(),
                QuantizedLayer.Dense(hidden, outputs, w2, second.Bias, second.Shift),
            ]);
    }
}
