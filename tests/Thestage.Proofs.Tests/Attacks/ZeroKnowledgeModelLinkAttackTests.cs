using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Tests.Training;
using Thestage.Proofs.Training;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Attacks on the model link of a hiding run (<c>TSML</c> v5, the zero-knowledge lookup): the downgrade to the revealing lookup (a v4
/// proof for a hiding run, as an object and as bytes), a link proven from another snapshot than the final one, and a changed masked leaf
/// claim. Each is performed and refused.
/// </summary>
public sealed class ZeroKnowledgeModelLinkAttackTests
{
    private static CommittedModel Model(TrainingRun run) =>
        CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 6), LigeroParameters.DefaultHiding, new SeededSaltSource(9920));

    [Fact]
    public void RevealingLookupInAHidingRunsLink_IsRefusedAsADowngrade()
    {
        TrainingRun run = ZeroKnowledgeModelLinkTests.HidingRun.Value;
        CommittedModel model = Model(run);
        FixedPointWeights final = run.Snapshots[^1];
        ModelLinkProof revealing = ModelLinkArgument.Prove(
            run.Transcript, final, run.WeightStates(run.Transcript.StepCount), model, ModelLinkArgument.WeightShifts(final), new SeededSaltSource(9921), revealLookup: true);
        Assert.False(revealing.ZeroKnowledgeLookup);
        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, model.Commitment, revealing, VerifierPolicy.Default), RejectionReason.Format);
        byte[] bytes = ModelLinkProofSerializer.Serialize(revealing);
        Assert.Equal(4, System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.False(ModelLinkArgument.Verify(run.Transcript, model.Commitment, ModelLinkProofSerializer.Deserialize(bytes)));

        // The same proof relabelled as the zero-knowledge version: the verifier then runs the zero-knowledge lookup on revealing messages.
        byte[] relabelled = (byte[])bytes.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(relabelled.AsSpan(4), 5);
        Assert.False(ModelLinkArgument.Verify(run.Transcript, model.Commitment, ModelLinkProofSerializer.Deserialize(relabelled)));
    }

    [Fact]
    public void LinkProvenFromAnotherSnapshot_IsRefused()
    {
        // The model is the quantization of snapshot T − 1 (same shifts), linked with that snapshot's tables and Ligero states: the
        // verifier reads the final snapshot's roots, so the snapshot opening fails.
        TrainingRun run = ZeroKnowledgeModelLinkTests.HidingRun.Value;
        int earlier = run.Transcript.StepCount - 1;
        FixedPointWeights snapshot = run.Snapshots[earlier];
        int[] sigma = ModelLinkArgument.WeightShifts(snapshot);
        Assert.Equal(ModelLinkArgument.WeightShifts(run.Snapshots[^1]), sigma);
        CommittedModel model = CommittedModel.Commit(ModelLinkArgument.Quantize(snapshot, 12, 6), LigeroParameters.DefaultHiding, new SeededSaltSource(9922));
        Assert.Throws<ArgumentException>(() => ModelLinkArgument.Prove(run, model, new SeededSaltSource(9923)));
        ModelLinkProof proof = ModelLinkArgument.Prove(run.Transcript, snapshot, run.WeightStates(earlier), model, sigma, new SeededSaltSource(9924));
        Assert.True(proof.ZeroKnowledgeLookup);
        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, model.Commitment, proof, VerifierPolicy.Default), RejectionReason.Opening, "opening of final snapshot");
    }

    [Fact]
    public void ChangedMaskedLeafClaim_IsRefused()
    {
        // The loose values start with the zero-knowledge GKR's messages and end with the link's evaluations; the leaf claims are among
        // the first. Every value moved by one is refused (by the GKR's checks, the identities, the batchings or the openings).
        TrainingRun run = ZeroKnowledgeModelLinkTests.HidingRun.Value;
        CommittedModel model = Model(run);
        ModelLinkProof proof = ModelLinkArgument.Prove(run, model, new SeededSaltSource(9925));
        Assert.True(ModelLinkArgument.Verify(run.Transcript, model.Commitment, proof));
        for (int i = 0; i < proof.ValueArray.Length; i++)
        {
            E[] values = proof.ValueArray.ToArray();
            values[i] += E.One;
            var tampered = new ModelLinkProof(
                proof.WeightShiftArray, [], [], proof.RemainderRoot, [], proof.SumcheckArray, values, proof.RemainderOpeningArray, proof.TrainingOpeningArray,
                proof.ModelOpeningArray, proof.MaskChunks, proof.MaskOpenings, zeroKnowledgeLookup: true);
            Assert.False(ModelLinkArgument.Check(run.Transcript, model.Commitment, tampered, VerifierPolicy.Default).IsAccepted, $"value {i}");
        }
    }
}
