using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Inference;
using Thestage.Proofs.Tests.Quantization;
using Thestage.Proofs.Tests.Training;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests;

/// <summary>
/// Every proof kind over hiding Ligero commitments (<see cref="LigeroParameters.DefaultHiding"/>): complete, checked by the
/// same verifiers, carried by <c>TSMC</c> v4 (a range proof with zero-knowledge sumchecks) and <c>TSTT</c> v4; the previous
/// versions are read as plain and refuse the hiding bit.
/// </summary>
public sealed class HidingCommitmentsTests
{
    private static readonly TrainingConfig Config =
        new([6, 5, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 71);

    private static readonly Lazy<(TrainingDataset Data, TrainingRun Run)> Training = new(() =>
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 72).Train;
        // Three step proofs open the hiding dataset commitment (one each): its budget must cover them.
        return (data, TrainingRun.Record(Config, data, 2, LigeroParameters.DefaultHidingWithBudget(3), new SeededSaltSource(73)));
    });

    internal static (CommittedModel Model, List<int[]> Inputs) HidingMlp(int seed, int batch)
    {
        var random = new Random(seed);
        (QuantizedModel model, List<int[]> inputs) = TestModels.Quantized(TestModels.Mlp(random, [40, 12, 6]), random, batch);
        return (CommittedModel.Commit(model, LigeroParameters.DefaultHiding, new SeededSaltSource(seed)), inputs);
    }

    [Fact]
    public void InferenceProofsOverHidingCommitmentsVerifyAndRejectTampering()
    {
        (CommittedModel model, List<int[]> inputs) = HidingMlp(3100, 2);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, 3101);
        ModelCommitment published = ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(model.Commitment));
        InferenceProof reread = InferenceProofSerializer.Deserialize(InferenceProofSerializer.Serialize(proof));
        Assert.True(published.Parameters.Hiding);
        Assert.True(InferenceVerifier.VerifyBatch(published, inputs, outputs, reread));
        Assert.True(InferenceVerifier.SoundnessBits(published, 2) >= VerifierPolicy.Default.MinimumSoundnessBits);

        int[][] wrong = outputs.Select(o => o.ToArray()).ToArray();
        wrong[1][0]++;
        Assert.False(InferenceVerifier.VerifyBatch(published, inputs, wrong, reread));

        // The same proof checked against the plain twin of the commitment (same roots, plain parameters) is refused.
        var plain = new ModelCommitment(published.InputShape, published.InputBits, published.InputFractionBits, published.OutputFractionBits,
            published.Layers, published.WeightCommitments.ToArray(), LigeroParameters.NonHidingForBenchmarks, published.RangeProof);
        Assert.False(InferenceVerifier.VerifyBatch(plain, inputs, outputs, reread));
    }

    [Fact]
    public void TrainingStepRangeInitialAndLinkProofsOverHidingCommitmentsVerify()
    {
        (TrainingDataset data, TrainingRun run) = Training.Value;
        TrainingTranscript transcript = TrainingTranscriptSerializer.Deserialize(TrainingTranscriptSerializer.Serialize(run.Transcript));
        Assert.True(transcript.Parameters.Hiding);
        Assert.True(TrainingStepVerifier.Verify(transcript, TrainingStepProver.Prove(run, data, 1)));
        Assert.True(SnapshotRangeArgument.Verify(transcript, SnapshotRangeArgument.Prove(run, 2)));
        Assert.True(InitialSnapshotArgument.Verify(transcript, InitialSnapshotArgument.Prove(run)));
        Assert.True(TrainingVerifier.Verify(transcript, TrainingProver.ProveEveryStep(run, data)));

        CommittedModel model = CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 6), LigeroParameters.DefaultHiding, new SeededSaltSource(74));
        Assert.True(ModelLinkArgument.Verify(transcript, model.Commitment, ModelLinkArgument.Prove(run, model)));

        // Mixed modes: each commitment is opened under its own parameters (a plain model linked to a hiding run).
        CommittedModel plainModel = CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 6), LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(77));
        Assert.True(ModelLinkArgument.Verify(transcript, plainModel.Commitment, ModelLinkArgument.Prove(run, plainModel)));
    }

    [Fact]
    public void ModelCommitmentVersionTwoIsReadAsPlainAndRefusesTheHidingBit()
    {
        (CommittedModel plainModel, _) = InferenceTestKit.Mlp(LigeroParameters.NonHidingForBenchmarks, 3200, 1, 9, 5, 3);
        byte[] plain = ModelCommitmentSerializer.Serialize(plainModel.Commitment);
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(plain.AsSpan(4)));
        BinaryPrimitives.WriteUInt16LittleEndian(plain.AsSpan(4), 2);
        ModelCommitment old = ModelCommitmentSerializer.Deserialize(plain);
        Assert.False(old.Parameters.Hiding);
        Assert.Equal(plainModel.Commitment.ArchitectureDigest, old.ArchitectureDigest);

        (CommittedModel hidingModel, _) = HidingMlp(3201, 1);
        byte[] hiding = ModelCommitmentSerializer.Serialize(hidingModel.Commitment);
        Assert.Equal(5, BinaryPrimitives.ReadUInt16LittleEndian(hiding.AsSpan(4)));
        BinaryPrimitives.WriteUInt16LittleEndian(hiding.AsSpan(4), 2);
        Assert.Contains("version 2 has no hiding", Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize(hiding)).Message);

        // Version 3 with the hiding bit and a range proof: written before the range proof's sumchecks were masked, refused.
        BinaryPrimitives.WriteUInt16LittleEndian(hiding.AsSpan(4), 3);
        Assert.Contains("commit the model again", Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize(hiding)).Message);
        BinaryPrimitives.WriteUInt16LittleEndian(hiding.AsSpan(4), 6);
        Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize(hiding));

        // Version 4 (a hiding range proof that published the weight histogram) is refused, whatever follows the header.
        BinaryPrimitives.WriteUInt16LittleEndian(hiding.AsSpan(4), 4);
        Assert.Contains("publishes the histogram", Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize(hiding)).Message);

        // Version 5 is hiding only: the plain commitment's bytes under version 5 are refused.
        BinaryPrimitives.WriteUInt16LittleEndian(plain.AsSpan(4), 5);
        Assert.Contains("version 5 is a hiding commitment", Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize(plain)).Message);
    }

    [Fact]
    public void TrainingTranscriptVersionThreeIsReadAsPlainAndRefusesTheHidingBit()
    {
        TrainingTranscript hidingTranscript = Training.Value.Run.Transcript;
        byte[] hiding = TrainingTranscriptSerializer.Serialize(hidingTranscript);
        Assert.Equal(6, BinaryPrimitives.ReadUInt16LittleEndian(hiding.AsSpan(4)));
        BinaryPrimitives.WriteUInt16LittleEndian(hiding.AsSpan(4), 3);
        Assert.Contains("version 3 has no hiding", Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(hiding)).Message);

        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 75).Train;
        byte[] plain = TrainingTranscriptSerializer.Serialize(TrainingRun.Record(Config, data, 1, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(76)).Transcript);
        BinaryPrimitives.WriteUInt16LittleEndian(plain.AsSpan(4), 3);
        Assert.False(TrainingTranscriptSerializer.Deserialize(plain).Parameters.Hiding);
    }
}
