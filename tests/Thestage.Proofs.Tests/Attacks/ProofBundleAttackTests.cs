using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Inference;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// A prover's bundle claims outputs for inputs under a published commitment. Each test changes one thing a cheating prover
/// would change — the claimed outputs, the inputs, the commitment named, the commitment itself — and checks that the bundle
/// is refused (<see cref="InferenceProofBundle.Verify(ModelCommitment)"/> returns false; it never throws).
/// </summary>
public sealed class ProofBundleAttackTests
{
    private static readonly Lazy<(CommittedModel Model, List<int[]> Inputs, InferenceProofBundle Bundle)> Honest = new(() =>
    {
        // Plain (TSMC v3): the weight root's offset below is that layout's.
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(LigeroParameters.NonHidingForBenchmarks, 4201, 2, 9, 5, 3);
        return (model, inputs, InferenceProofBundle.Prove(model, inputs, new SeededSaltSource(4202)));
    });

    [Fact]
    public void OutputChangedAfterProving_IsRejected()
    {
        (CommittedModel model, _, InferenceProofBundle bundle) = Honest.Value;
        int[][] outputs = Outputs(bundle);
        outputs[1][2] += 1;
        Assert.True(bundle.Verify(model.Commitment));
        VerdictAssert.Rejected(Rebuilt(bundle, Inputs(bundle), outputs).Check(model.Commitment, VerifierPolicy.Default), RejectionReason.Lookup);
    }

    [Fact]
    public void ProofForOtherInputs_IsRejected()
    {
        (CommittedModel model, _, InferenceProofBundle bundle) = Honest.Value;
        int[][] swapped = [.. Inputs(bundle).Reverse()];
        int[][] theirOutputs = [.. swapped.Select(x => IntegerEvaluator.Evaluate(model.Model, x))];
        // The outputs are even the model's true outputs on the swapped inputs: the proof was made for the others.
        VerdictAssert.Rejected(Rebuilt(bundle, swapped, theirOutputs).Check(model.Commitment, VerifierPolicy.Default), RejectionReason.Lookup);
    }

    [Fact]
    public void BundleOfAnotherModel_IsRejected_ByItsFingerprint_AndByItsProof()
    {
        (CommittedModel model, _, InferenceProofBundle bundle) = Honest.Value;
        (CommittedModel other, _) = InferenceTestKit.Mlp(LigeroParameters.NonHidingForBenchmarks, 4203, 2, 9, 5, 3);   // plain like the first: only the roots differ
        Assert.False(bundle.Verify(other.Commitment));
        VerdictAssert.Rejected(bundle.Check(other.Commitment, VerifierPolicy.Default), RejectionReason.Statement, "commitment fingerprint");
        // Renamed to the other commitment, the proof itself fails: its transcript absorbed the first model's weight roots.
        var renamed = new InferenceProofBundle(other.Commitment.Fingerprint, Inputs(bundle), Outputs(bundle), bundle.Proof);
        VerdictAssert.Rejected(renamed.Check(other.Commitment, VerifierPolicy.Default), RejectionReason.Lookup);
    }

    [Fact]
    public void CommitmentTamperedInItsWeightRoot_IsRejected()
    {
        (CommittedModel model, _, InferenceProofBundle bundle) = Honest.Value;
        byte[] bytes = ModelCommitmentSerializer.Serialize(model.Commitment);
        int root = 6 + (7 * 4) + (model.Commitment.Layers.Length * 8 * 4) + 8 + 1;
        bytes[root] ^= 1;
        ModelCommitment tampered = ModelCommitmentSerializer.Deserialize(bytes);
        Assert.NotEqual(model.Commitment.WeightCommitments[0].Root, tampered.WeightCommitments[0].Root);
        VerdictAssert.Rejected(bundle.Check(tampered, VerifierPolicy.Default), RejectionReason.Statement, "commitment fingerprint");
        VerdictAssert.Rejected(
            new InferenceProofBundle(tampered.Fingerprint, Inputs(bundle), Outputs(bundle), bundle.Proof).Check(tampered, VerifierPolicy.Default), RejectionReason.WeightRanges, "weight range proof: lookup");
    }

    private static int[][] Inputs(InferenceProofBundle b) => [.. Enumerable.Range(0, b.Count).Select(s => b.GetInput(s).ToArray())];

    private static int[][] Outputs(InferenceProofBundle b) => [.. Enumerable.Range(0, b.Count).Select(s => b.GetOutput(s).ToArray())];

    private static InferenceProofBundle Rebuilt(InferenceProofBundle b, int[][] inputs, int[][] outputs) => new(b.CommitmentFingerprint, inputs, outputs, b.Proof);
}
