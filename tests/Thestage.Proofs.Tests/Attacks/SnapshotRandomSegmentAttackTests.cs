using System.Buffers.Binary;
using Org.BouncyCastle.Crypto.Digests;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Tests.Training;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Attacks on the snapshot commitments of a hiding run (<c>TSTT</c> v6, <see cref="SnapshotMaskLayout"/>): a transcript of the
/// earlier form, whose snapshots carry no random segments so that every batched snapshot opening of a step proof or link revealed a
/// plain value, passed off as a hiding run's.
/// </summary>
public sealed class SnapshotRandomSegmentAttackTests
{
    private static readonly TrainingConfig Config = HiddenSampleStepTests.Config;

    [Fact]
    public void HidingTranscriptRelabelledAsVersion5_IsRefused()
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 7401).Train;
        TrainingRun run = TrainingRun.Record(Config, data, 1, LigeroParameters.DefaultHidingWithBudget(1), new SeededSaltSource(7402));
        byte[] bytes = TrainingTranscriptSerializer.Serialize(run.Transcript);
        Assert.Equal(6, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));

        // The same bytes under version 5 with a valid version-5 trailer: what a hiding run recorded before this change looks like.
        byte[] v5 = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(v5.AsSpan(4), 5);
        var digest = new Blake2sDigest(256);
        digest.BlockUpdate("thestage/training-transcript/v5"u8);
        digest.BlockUpdate(v5, 6, v5.Length - 6 - Digest256.Length);
        digest.DoFinal(v5, v5.Length - Digest256.Length);
        Assert.Contains("version 5 is no longer accepted", Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(v5)).Message);

        // The snapshots a v6 transcript declares have the random segments' variable: one more than the plain layout's.
        Assert.Equal(WeightCommitment.NumVariables(Config).Select(v => v + 1), run.Transcript.WeightVariables);
        Assert.True(TrainingStepVerifier.Verify(TrainingTranscriptSerializer.Deserialize(bytes), TrainingStepProver.Prove(run, data, 0)));
    }
}
