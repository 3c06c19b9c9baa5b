using Thestage.Proofs.Inference;
using Thestage.Proofs.Tests.Inference;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// The downgrade of a zero-knowledge inference proof: a prover (or a party relaying proofs) hands the verifier of a hiding MLP
/// commitment a <c>TSIP</c> v2 proof — valid, masked rounds, but with the witness claims revealed — or relabels versions, so that a
/// proof revealing the witness passes where hidden claims are required, or hands it a v3 proof whose lookup is the revealing logUp. Each is refused.
/// </summary>
public sealed class ZeroKnowledgeClaimsDowngradeAttackTests
{
    [Fact]
    public void RevealedClaimsProofOfAHidingMlp_AsVersion2OrRelabelled_IsRefused()
    {
        (CommittedModel model, List<int[]> inputs) = ZeroKnowledgeClaimsInferenceTests.HidingMlp(8340, 2, 10, 6, 4);
        CircuitPlan plan = model.Commitment.Plan(inputs.Count);
        InferenceWitness witness = InferenceWitness.Build(plan, model.Model, inputs);

        // The v2 proof of the same hiding commitment (masked rounds, revealed claims): a valid proof of the older kind, refused.
        InferenceProof v2 = InferenceProver.ProveWithWitness(model, plan, inputs, witness, new SeededSaltSource(8341), revealClaims: true);
        Assert.False(v2.HidesClaims);
        Assert.True(v2.IsMasked);
        byte[] v2Bytes = InferenceProofSerializer.Serialize(v2);
        Assert.Equal(2, ZeroKnowledgeClaimsInferenceTests.Version(v2Bytes));
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs, witness.Outputs, InferenceProofSerializer.Deserialize(v2Bytes), VerifierPolicy.Default), RejectionReason.Format);

        // Relabelled as v3, it runs the v3 relations on v2 messages: refused.
        Assert.False(InferenceVerifier.VerifyBatch(model.Commitment, inputs, witness.Outputs, InferenceProofSerializer.Deserialize(ZeroKnowledgeClaimsInferenceTests.WithVersion(v2Bytes, 3))));

        // A v3 proof relabelled as v2 is refused by the version check.
        InferenceProof v3 = InferenceProver.ProveWithWitness(model, plan, inputs, witness, new SeededSaltSource(8342));
        byte[] v3Bytes = InferenceProofSerializer.Serialize(v3);
        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, witness.Outputs, InferenceProofSerializer.Deserialize(v3Bytes)));
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs, witness.Outputs, InferenceProofSerializer.Deserialize(ZeroKnowledgeClaimsInferenceTests.WithVersion(v3Bytes, 2)), VerifierPolicy.Default), RejectionReason.Format);
        Assert.Throws<ProofFormatException>(() => InferenceProofSerializer.Deserialize(ZeroKnowledgeClaimsInferenceTests.WithVersion(v3Bytes, 4)));
    }

    /// <summary>
    /// A <c>TSIP</c> v3 proof whose relations hide their claims but whose lookup is the revealing logUp (the limbs' plain evaluations at the
    /// leaf point, the multiplicities' evaluation on the witness, the GKR's layer claims and root): every message is honest, and until
    /// h/zklookup it was exactly the v3 proof, accepted. The verifier of a v3 statement runs only the zero-knowledge lookup, so it is refused,
    /// as bytes too.
    /// </summary>
    [Fact]
    public void RevealingLookupInAVersion3Proof_IsRefused()
    {
        (CommittedModel model, List<int[]> inputs) = ZeroKnowledgeClaimsInferenceTests.HidingMlp(8343, 2, 10, 6, 4);
        CircuitPlan plan = model.Commitment.Plan(inputs.Count);
        InferenceWitness witness = InferenceWitness.Build(plan, model.Model, inputs);
        InferenceProof revealing = InferenceProver.ProveWithWitness(model, plan, inputs, witness, new SeededSaltSource(8344), revealLookup: true);
        Assert.True(revealing.HidesClaims);
        byte[] bytes = InferenceProofSerializer.Serialize(revealing);
        Assert.Equal(3, ZeroKnowledgeClaimsInferenceTests.Version(bytes));
        ProofVerdict verdict = InferenceVerifier.CheckBatch(model.Commitment, inputs, witness.Outputs, InferenceProofSerializer.Deserialize(bytes), VerifierPolicy.Default);
        Assert.False(verdict.IsAccepted);
        Assert.Contains(verdict.Reason, new[] { RejectionReason.Lookup, RejectionReason.Format });
        Assert.False(InferenceVerifier.VerifyBatch(model.Commitment, inputs, witness.Outputs, revealing));

        // The honest v3 proof of the same statement (the zero-knowledge lookup) is accepted.
        InferenceProof honest = InferenceProver.ProveWithWitness(model, plan, inputs, witness, new SeededSaltSource(8344));
        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, witness.Outputs, honest));
    }
}
