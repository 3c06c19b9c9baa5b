using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Quantization;
using Thestage.Proofs.Tests.Training;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests;

/// <summary>
/// Zero-knowledge is the default (issue 13): a user who calls the SDK without parameters gets hiding commitments and masked
/// proofs of every kind, in the hiding formats; the plain mode is reached only by naming <see cref="LigeroParameters.NonHidingForBenchmarks"/>.
/// </summary>
public sealed class ZeroKnowledgeDefaultsTests
{
    private static readonly TrainingConfig Config =
        new([6, 5, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 81);

    [Fact]
    public void TheDefaultParametersAreHidingAndTheNonHidingOnesAreThePlainParametersOfBefore()
    {
        Assert.True(LigeroParameters.Default.Hiding);
        Assert.Same(LigeroParameters.DefaultHiding, LigeroParameters.Default);
        Assert.Equal(0, LigeroParameters.Default.OpeningBudget);
        LigeroParameters plain = LigeroParameters.NonHidingForBenchmarks;
        Assert.False(plain.Hiding);
        Assert.Equal((2, 152, 0), (plain.LogBlowup, plain.ColumnQueries, plain.OpeningBudget));
        Assert.False(new VerifierPolicy().RequireZeroKnowledge);
        Assert.InRange(CommittedModel.DefaultOpeningBudget, 2, VerifierPolicy.DefaultMaximumOpeningBudget);
    }

    [Fact]
    public void ADefaultModelCommitmentIsHidingWithTheDefaultBudgetAndItsInferenceProofsAreMasked()
    {
        var random = new Random(9801);
        (QuantizedModel model, List<int[]> inputs) = TestModels.Quantized(TestModels.Mlp(random, [9, 5, 3]), random, 2);
        CommittedModel committed = CommittedModel.Commit(model);
        Assert.True(committed.Commitment.Parameters.Hiding);
        Assert.Equal(CommittedModel.DefaultOpeningBudget, committed.Commitment.OpeningBudget);
        Assert.Equal(CommittedModel.DefaultOpeningBudget - 1, committed.ProofsRemaining);
        byte[] commitment = ModelCommitmentSerializer.Serialize(committed.Commitment);
        Assert.Equal(7, Version(commitment));   // TSMC v7: hiding, masked range proof, with an opening budget and hidden weights
        Assert.True(ModelCommitmentSerializer.Deserialize(commitment).Parameters.Hiding);

        (int[][] outputs, InferenceProof proof) = InferenceProver.ProveBatch(committed, inputs);
        Assert.True(proof.IsMasked);
        byte[] bytes = InferenceProofSerializer.Serialize(proof);
        Assert.NotEqual(InferenceProofSerializer.Version, Version(bytes));   // not the plain TSIP v1
        Assert.True(InferenceVerifier.VerifyBatch(committed.Commitment, inputs, outputs, InferenceProofSerializer.Deserialize(bytes), new VerifierPolicy { RequireZeroKnowledge = true }));

        using ModelCommitmentSeed seed = ModelCommitmentSeed.Create();
        CommittedModel seeded = CommittedModel.Commit(model, seed);
        Assert.Equal(CommittedModel.DefaultOpeningBudget, seeded.Commitment.OpeningBudget);
        Assert.Equal(seeded.Commitment.Fingerprint, CommittedModel.Commit(model, seed, LigeroParameters.DefaultHidingWithBudget(CommittedModel.DefaultOpeningBudget)).Commitment.Fingerprint);
    }

    [Fact]
    public void ADefaultTrainingRunIsHidingAndItsStepRangeAndLinkProofsAreMasked()
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 9811).Train;
        TrainingRun run = TrainingRun.Record(Config, data, 2);
        TrainingTranscript transcript = TrainingTranscriptSerializer.Deserialize(TrainingTranscriptSerializer.Serialize(run.Transcript));
        Assert.True(transcript.Parameters.Hiding);
        Assert.Equal(LigeroParameters.Default.LogBlowup, transcript.Parameters.LogBlowup);

        TrainingStepProof step = TrainingStepProver.Prove(run, data, 1);
        Assert.True(step.IsMasked);
        Assert.Equal(4, Version(TrainingStepProofSerializer.Serialize(step)));   // TSSP v4 (samples proven, not opened; claims hidden), not the plain v1
        SnapshotRangeProof range = SnapshotRangeArgument.Prove(run, 2);
        Assert.True(range.IsMasked);
        Assert.Equal(6, Version(SnapshotRangeProofSerializer.Serialize(range)));   // TSSR v6 (zero-knowledge logUp), not the plain v3
        ModelLinkProof link = ModelLinkArgument.Prove(run, CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 6)));
        Assert.Equal(5, Version(ModelLinkProofSerializer.Serialize(link)));   // TSML v5 (a hiding run: the zero-knowledge lookup), not the plain v1
    }

    private static int Version(byte[] bytes) => BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4));
}
