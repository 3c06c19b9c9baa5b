using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Inference;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Issue 13: an honest LeNet-5 proof (max pooling, as zkCNN proves it) presented with a changed output, against a changed
/// weight commitment, or made by a prover that computes with other weights than it committed to.
/// </summary>
public sealed class LeNet5TamperAttackTests
{
    [Fact]
    public void LeNet5OutputChanged_AfterProving_IsRejected()
    {
        LeNet5Proof lenet = LeNet5Proof.MaxPooling.Value;
        Assert.True(InferenceVerifier.Verify(lenet.Model.Commitment, lenet.Input, lenet.Output, lenet.Proof));
        for (int i = 0; i < lenet.Output.Length; i++)
        {
            foreach (int delta in (int[])[1, -1])
            {
                int[] wrong = (int[])lenet.Output.Clone();
                wrong[i] += delta;
                VerdictAssert.Rejected(InferenceVerifier.Check(lenet.Model.Commitment, lenet.Input, wrong, lenet.Proof, VerifierPolicy.Default), RejectionReason.Lookup);
            }
        }
    }

    [Fact]
    public void LeNet5WeightCommitmentRootChanged_IsRejected()
    {
        // A verifier handed a commitment whose weight root differs in one bit: either the reader refuses it or the proof fails.
        LeNet5Proof lenet = LeNet5Proof.MaxPooling.Value;
        byte[] bytes = ModelCommitmentSerializer.Serialize(lenet.Model.Commitment);
        byte[] root = lenet.Model.Commitment.WeightCommitments[0].Root.ToArray();
        int at = bytes.AsSpan().IndexOf(root);
        Assert.True(at > 0);
        for (int bit = 0; bit < 8 * Digest256.Length; bit += 37)
        {
            byte[] tampered = (byte[])bytes.Clone();
            tampered[at + (bit / 8)] ^= (byte)(1 << (bit % 8));
            ModelCommitment commitment;
            try
            {
                commitment = ModelCommitmentSerializer.Deserialize(tampered);
            }
            catch (ProofFormatException)
            {
                continue;
            }

            // The range proof's transcript binds the root, so its first check, the logUp, fails.
            VerdictAssert.Rejected(commitment.CheckWeightRanges(), RejectionReason.Lookup);
            Assert.False(commitment.VerifyWeightRanges());
            VerdictAssert.Rejected(InferenceVerifier.Check(commitment, lenet.Input, lenet.Output, lenet.Proof, VerifierPolicy.Default), RejectionReason.WeightRanges, "weight range proof");
        }
    }

    [Fact]
    public void LeNet5ProvenWithOneWeightChanged_AgainstTheOriginalCommitment_IsRejected()
    {
        LeNet5Proof lenet = LeNet5Proof.MaxPooling.Value;
        QuantizedModel original = lenet.Model.Model;
        int dense = original.Layers.Select((l, i) => (l, i)).Last(p => p.l.Kind == Models.LayerKind.Dense).i;
        QuantizedLayer layer = original.Layers[dense];
        int[] weights = layer.Weights.ToArray();
        // The weight of the largest product with the last hidden activation, so the output changes.
        int[] hidden = IntegerEvaluator.Trace(original, lenet.Input).Tensors[dense];
        int column = Array.IndexOf(hidden, hidden.Max());
        weights[column] = weights[column] == QuantizedLayer.MaxWeight ? weights[column] - 64 : Math.Min(weights[column] + 64, QuantizedLayer.MaxWeight);
        var layers = original.Layers.ToList();
        layers[dense] = QuantizedLayer.Dense(layer.InFeatures, layer.OutFeatures, weights, layer.Bias, layer.Shift);
        var tampered = new QuantizedModel(original.InputShape, original.InputBits, original.InputFractionBits, original.OutputFractionBits, layers);
        Assert.NotEqual(lenet.Output, IntegerEvaluator.Evaluate(tampered, lenet.Input));

        // The prover computes with the changed weight but can only open the weights it committed to.
        (int[] output, InferenceProof proof) = InferenceProver.Prove(lenet.Model.WithSubstitutedModel(tampered), lenet.Input, new SeededSaltSource(1310));
        Assert.Equal(IntegerEvaluator.Evaluate(tampered, lenet.Input), output);
        VerdictAssert.Rejected(InferenceVerifier.Check(lenet.Model.Commitment, lenet.Input, output, proof, VerifierPolicy.Default), RejectionReason.Opening, "opening of weights");

        // The honest proof does not verify against a commitment to the changed weights either.
        CommittedModel other = CommittedModel.Commit(tampered, salts: new SeededSaltSource(1311));
        VerdictAssert.Rejected(InferenceVerifier.Check(other.Commitment, lenet.Input, lenet.Output, lenet.Proof, VerifierPolicy.Default), RejectionReason.Lookup);
    }
}
