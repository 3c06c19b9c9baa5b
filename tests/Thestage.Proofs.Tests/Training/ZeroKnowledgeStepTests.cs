using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Training;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Training;

/// <summary>
/// Step proofs of a hiding run have zero-knowledge sumchecks (<c>TSSP</c> v2): accepted after a byte round trip, and refused
/// without their masking pool, with a changed chunk opening, or checked against the plain twin of the run.
/// </summary>
public sealed class ZeroKnowledgeStepTests
{
    private static readonly TrainingConfig Config =
        new([6, 5, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 81);

    [Fact]
    public void HidingRunsGiveStepProofsWithBoundMasks()
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 82).Train;
        TrainingRun run = TrainingRun.Record(Config, data, 2, LigeroParameters.DefaultHiding, new SeededSaltSource(83));
        TrainingStepProof proof = TrainingStepProver.Prove(run, data, 1, new SeededSaltSource(84));
        Assert.True(proof.IsMasked);
        Assert.All(proof.Sumchecks, s => Assert.True(s.IsMasked));
        TrainingStepProof reread = TrainingStepProofSerializer.Deserialize(TrainingStepProofSerializer.Serialize(proof));
        Assert.True(TrainingStepVerifier.Verify(run.Transcript, reread));
        Assert.True(TrainingStepVerifier.SoundnessBits(run.Transcript) >= VerifierPolicy.Default.MinimumSoundnessBits);

        TrainingStepProof With(SumcheckMaskChunk[] chunks, LigeroOpeningProof<E>[] openings) =>
            new(proof.Step, proof.Batch, proof.WitnessRoot, proof.Sumchecks, proof.Values, proof.WitnessOpening, proof.BeforeOpenings, proof.AfterOpenings, chunks, openings);
        Assert.False(TrainingStepVerifier.Verify(run.Transcript, With([], [])));
        LigeroOpeningProof<E> opening = proof.MaskOpenings[0];
        E[] proximity = opening.ProximityRow.ToArray();
        proximity[1] += E.One;
        var changed = new LigeroOpeningProof<E>(proximity, opening.EvaluationRow, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof);
        Assert.False(TrainingStepVerifier.Verify(run.Transcript, With(proof.MaskChunks, [changed, .. proof.MaskOpenings.Skip(1)])));

        // A plain run's proofs stay plain (TSSP v1) and are refused by a hiding run's verifier, and the reverse.
        TrainingRun plain = TrainingRun.Record(Config, data, 2, LigeroParameters.Default, new SeededSaltSource(83));
        TrainingStepProof plainProof = TrainingStepProver.Prove(plain, data, 1, new SeededSaltSource(84));
        Assert.False(plainProof.IsMasked);
        Assert.Equal(1, System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(TrainingStepProofSerializer.Serialize(plainProof).AsSpan(4)));
        Assert.True(TrainingStepVerifier.Verify(plain.Transcript, plainProof));
        Assert.False(TrainingStepVerifier.Verify(run.Transcript, plainProof));
        Assert.False(TrainingStepVerifier.Verify(plain.Transcript, proof));
    }

    [Fact]
    public void HidingRunsGiveSnapshotRangeProofsWithBoundMasks()
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 85).Train;
        TrainingRun run = TrainingRun.Record(Config, data, 2, LigeroParameters.DefaultHiding, new SeededSaltSource(86));
        SnapshotRangeProof proof = SnapshotRangeArgument.Prove(run, 2, new SeededSaltSource(87));
        Assert.True(proof.IsMasked);
        Assert.All(proof.Sumchecks, s => Assert.True(s.IsMasked));
        byte[] bytes = SnapshotRangeProofSerializer.Serialize(proof);
        Assert.Equal(4, System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.True(SnapshotRangeArgument.Verify(run.Transcript, SnapshotRangeProofSerializer.Deserialize(bytes)));

        SnapshotRangeProof With(SumcheckMaskChunk[] chunks, LigeroOpeningProof<E>[] openings) =>
            new(proof.Snapshot, proof.LimbRoot, proof.MultiplicityArray, proof.SumcheckArray, proof.ValueArray, proof.LimbOpeningArray, proof.WeightOpeningArray, chunks, openings);
        Assert.False(SnapshotRangeArgument.Verify(run.Transcript, With([], [])));
        LigeroOpeningProof<E> opening = proof.MaskOpenings[0];
        E[] evaluation = opening.EvaluationRow.ToArray();
        evaluation[0] += E.One;
        var changed = new LigeroOpeningProof<E>(opening.ProximityRow, evaluation, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof);
        Assert.False(SnapshotRangeArgument.Verify(run.Transcript, With(proof.MaskChunks, [changed])));
    }

    [Fact]
    public void HidingRunsGiveModelLinkProofsWithBoundMasks()
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 88).Train;
        TrainingRun run = TrainingRun.Record(Config, data, 2, LigeroParameters.DefaultHiding, new SeededSaltSource(89));
        CommittedModel model = CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 6), LigeroParameters.DefaultHiding, new SeededSaltSource(90));
        ModelLinkProof proof = ModelLinkArgument.Prove(run, model, new SeededSaltSource(91));
        Assert.True(proof.IsMasked);
        Assert.All(proof.Sumchecks, s => Assert.True(s.IsMasked));
        byte[] bytes = ModelLinkProofSerializer.Serialize(proof);
        Assert.Equal(2, System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.True(ModelLinkArgument.Verify(run.Transcript, model.Commitment, ModelLinkProofSerializer.Deserialize(bytes)));

        LigeroOpeningProof<E> opening = proof.MaskOpenings[0];
        E[] proximity = opening.ProximityRow.ToArray();
        proximity[0] += E.One;
        var changed = new LigeroOpeningProof<E>(proximity, opening.EvaluationRow, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof);
        ModelLinkProof With(SumcheckMaskChunk[] chunks, LigeroOpeningProof<E>[] openings) =>
            new([.. proof.WeightShifts], [.. proof.WitnessIndices], [.. proof.WitnessValues], proof.RemainderRoot, proof.MultiplicityArray, proof.SumcheckArray,
                proof.ValueArray, proof.RemainderOpeningArray, proof.TrainingOpeningArray, proof.ModelOpeningArray, chunks, openings);
        Assert.False(ModelLinkArgument.Verify(run.Transcript, model.Commitment, With([], [])));
        Assert.False(ModelLinkArgument.Verify(run.Transcript, model.Commitment, With(proof.MaskChunks, [changed])));
    }
}
