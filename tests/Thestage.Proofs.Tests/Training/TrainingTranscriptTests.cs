using System.Buffers.Binary;
using Org.BouncyCastle.Crypto.Digests;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Training;

public sealed class TrainingTranscriptTests
{
    // Offsets in a TSTT encoding of a 3-width configuration (see TrainingTranscriptSerializer remarks).
    private const int Header = 6;
    private const int ConfigLength = 28 + (4 * 3);
    private const int BatchOffset = Header + 2 + (4 * 3);
    private const int SeedOffset = BatchOffset + 4 + 8;
    private const int SampleCountOffset = Header + ConfigLength + 32;

    private static readonly Lazy<TrainingRun> SharedRun = new(() => Run(5));

    [Fact]
    public void RoundTripPreservesEverything()
    {
        TrainingRun run = SharedRun.Value;
        TrainingTranscript transcript = run.Transcript;
        byte[] bytes = TrainingTranscriptSerializer.Serialize(transcript);
        Assert.Equal("TSTT"u8.ToArray(), bytes[..4]);
        Assert.Equal(Header + ConfigLength + 32 + 4 + 32 + 4 + (6 * 32) + 32, bytes.Length);

        TrainingTranscript copy = TrainingTranscriptSerializer.Deserialize(bytes);
        Assert.Equal(bytes, TrainingTranscriptSerializer.Serialize(copy));
        Assert.Equal(transcript.Digest, copy.Digest);
        Assert.Equal(transcript.ConfigDigest, copy.ConfigDigest);
        Assert.Equal(transcript.DatasetRoot, copy.DatasetRoot);
        Assert.Equal(run.Dataset.Root, copy.DatasetRoot);
        Assert.Equal(64, copy.SampleCount);
        Assert.Equal(5, copy.StepCount);
        Assert.Equal(transcript.WeightRoots, copy.WeightRoots);
        Assert.Equal(transcript.Config.LayerSizes, copy.Config.LayerSizes);
        Assert.Equal(transcript.Config.Seed, copy.Config.Seed);
        Assert.Equal(1, copy.WeightPolynomialCount); // 4-8-3: W_0 (32 entries) does not outweigh the rest (44), so no split
        for (int t = 0; t <= 5; t++)
        {
            LigeroCommitment commitment = Assert.Single(copy.WeightCommitmentsAt(t));
            Assert.Equal(run.WeightStates(t)[0].Commitment.Root, commitment.Root);
            Assert.Equal(run.WeightStates(t)[0].Commitment.NumVariables, commitment.NumVariables);
        }

        for (int t = 0; t < 5; t++)
        {
            Assert.Equal(BatchSchedule.Indices(transcript.ScheduleKey, 64, 4, t), copy.Batch(t));
        }

        Assert.Equal(transcript.ScheduleKey, copy.ScheduleKey);
        Assert.Equal(BatchSchedule.Key(transcript.ConfigDigest, 64, transcript.DatasetRoot, transcript.WeightRootsOf(0)), copy.ScheduleKey);
        Assert.Throws<ArgumentOutOfRangeException>(() => copy.Batch(5));
    }

    [Fact]
    public void BatchesDependOnTheDatasetRootAndTheInitialWeights()
    {
        TrainingTranscript honest = SharedRun.Value.Transcript;
        Digest256[] roots = [.. honest.WeightRoots];
        Digest256 otherRoot = Digest256.FromBytes(Enumerable.Repeat((byte)7, 32).ToArray());

        var otherData = new TrainingTranscript(honest.Config, honest.Parameters, honest.SampleCount, otherRoot, roots, honest.DatasetOpeningBudget);
        Digest256[] otherInitial = [.. roots];
        otherInitial[0] = otherRoot;
        var otherWeights = new TrainingTranscript(honest.Config, honest.Parameters, honest.SampleCount, honest.DatasetRoot, otherInitial, honest.DatasetOpeningBudget);
        Digest256[] otherLater = [.. roots];
        otherLater[3] = otherRoot;
        var laterChanged = new TrainingTranscript(honest.Config, honest.Parameters, honest.SampleCount, honest.DatasetRoot, otherLater, honest.DatasetOpeningBudget);

        Assert.NotEqual(honest.ScheduleKey, otherData.ScheduleKey);
        Assert.NotEqual(honest.ScheduleKey, otherWeights.ScheduleKey);
        Assert.Equal(honest.ScheduleKey, laterChanged.ScheduleKey); // only the initial snapshot is committed before training
        for (int t = 0; t < honest.StepCount; t++)
        {
            Assert.NotEqual(honest.Batch(t), otherData.Batch(t));
            Assert.NotEqual(honest.Batch(t), otherWeights.Batch(t));
            Assert.Equal(honest.Batch(t), laterChanged.Batch(t));
        }

        // Re-committing the same data with other salts gives another root and so other batches: the trainer can still
        // re-roll commitments (one commitment per try), which is why the README calls for outside entropy.
        TrainingConfig config = honest.Config;
        TrainingRun resalted = TrainingRun.Record(config, Dataset(config), 1, LigeroParameters.NonHidingForBenchmarks, salts: new SeededSaltSource(601));
        Assert.NotEqual(honest.DatasetRoot, resalted.Transcript.DatasetRoot);
        Assert.NotEqual(honest.Batch(0), resalted.Transcript.Batch(0));
    }

    [Fact]
    public void OldVersionsAreRejectedWithAClearMessage()
    {
        byte[] bytes = TrainingTranscriptSerializer.Serialize(SharedRun.Value.Transcript);
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        byte[] old = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(old.AsSpan(4), 1);
        ProofFormatException e = Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(old));
        Assert.Contains("version 1 is no longer accepted", e.Message, StringComparison.Ordinal);

        // Also when resealed under the old domain, i.e. a genuine v1 encoding of the same contents.
        byte[] genuine = Reseal(old, "thestage/training-transcript/v1"u8);
        e = Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(genuine));
        Assert.Contains("version 1 is no longer accepted", e.Message, StringComparison.Ordinal);
        Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(old.AsSpan(0, 6)));

        byte[] two = Reseal(bytes, "thestage/training-transcript/v2"u8);
        BinaryPrimitives.WriteUInt16LittleEndian(two.AsSpan(4), 2);
        e = Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(two));
        Assert.Contains("version 2 is no longer accepted", e.Message, StringComparison.Ordinal);

        byte[] future = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(future.AsSpan(4), 7);
        Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(future));
    }

    [Fact]
    public void SplitSnapshotsRoundTripWithTwoRootsEach()
    {
        // 5-6-3: W_0 (8 × 8 padded) outweighs the rest, so every snapshot has two roots.
        var config = new TrainingConfig([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 5);
        TrainingRun run = TrainingRun.Record(config, SyntheticData.Blobs(config, 32, 1, 0.4, 6).Train, 3, LigeroParameters.NonHidingForBenchmarks, salts: new SeededSaltSource(7));
        TrainingTranscript transcript = run.Transcript;
        Assert.Equal(2, transcript.WeightPolynomialCount);
        Assert.Equal(3, transcript.StepCount);
        Assert.Equal(8, transcript.WeightRoots.Count);
        byte[] bytes = TrainingTranscriptSerializer.Serialize(transcript);
        Assert.Equal(Header + 28 + (4 * 3) + 32 + 4 + 32 + 4 + (8 * 32) + 32, bytes.Length);
        TrainingTranscript copy = TrainingTranscriptSerializer.Deserialize(bytes);
        Assert.Equal(transcript.Digest, copy.Digest);
        for (int s = 0; s <= 3; s++)
        {
            Assert.Equal(run.WeightStates(s).Select(state => state.Commitment.Root), copy.WeightRootsOf(s));
            Assert.Equal(run.WeightStates(s).Select(state => state.Commitment.NumVariables), copy.WeightCommitmentsAt(s).Select(c => c.NumVariables));
        }

        Assert.Equal(BatchSchedule.Key(transcript.ConfigDigest, 32, transcript.DatasetRoot, transcript.WeightRootsOf(0)), copy.ScheduleKey);
        Assert.Throws<ArgumentOutOfRangeException>(() => copy.WeightRootsOf(4));
        for (int length = 0; length < bytes.Length; length += 7)
        {
            Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(bytes.AsSpan(0, length)));
        }

        // Only whole snapshots: an odd number of roots cannot be built.
        Digest256[] odd = [.. transcript.WeightRoots.Take(7)];
        Assert.Throws<ArgumentException>(() => new TrainingTranscript(config, transcript.Parameters, 32, transcript.DatasetRoot, odd));
    }

    [Fact]
    public void SnapshotsAreTheTrainerSteps()
    {
        TrainingRun run = SharedRun.Value;
        var trainer = new FixedPointTrainer(run.Transcript.Config, Dataset(run.Transcript.Config), run.Transcript.ScheduleKey);
        FixedPointWeights w = FixedPointTrainer.InitialWeights(run.Transcript.Config);
        Assert.True(w.ContentEquals(run.Snapshots[0]));
        for (int t = 0; t < run.Transcript.StepCount; t++)
        {
            w = trainer.StepOn(w, run.Transcript.Batch(t)).Weights;
            Assert.True(w.ContentEquals(run.Snapshots[t + 1]));
        }

        // Weights change every step here, so the roots do (a constant snapshot would only differ by salts).
        Assert.Equal(6, run.Transcript.WeightRoots.Distinct().Count());
        Assert.False(run.Snapshots[0].ContentEquals(run.Snapshots[5]));
    }

    [Fact]
    public void EveryByteIsCheckedAndOnlyProofFormatExceptionIsThrown()
    {
        byte[] bytes = TrainingTranscriptSerializer.Serialize(SharedRun.Value.Transcript);
        var random = new Random(601);
        for (int position = 0; position < bytes.Length; position++)
        {
            foreach (byte flip in new byte[] { 1, 0x80, (byte)random.Next(1, 256) })
            {
                byte[] tampered = (byte[])bytes.Clone();
                tampered[position] ^= flip;
                Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(tampered));
            }
        }

        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(bytes.AsSpan(0, length)));
        }

        Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize([.. bytes, 0]));
        for (int i = 0; i < 200; i++)
        {
            byte[] garbage = new byte[random.Next(0, 600)];
            random.NextBytes(garbage);
            if (garbage.Length >= 6 && i % 2 == 0)
            {
                "TSTT\x03\x00"u8.CopyTo(garbage);
            }

            Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(garbage));
        }
    }

    [Fact]
    public void ResealedInvalidContentsAreRejected()
    {
        byte[] bytes = TrainingTranscriptSerializer.Serialize(SharedRun.Value.Transcript);

        byte[] badBatch = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(badBatch.AsSpan(BatchOffset), 3);
        Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(Reseal(badBatch)));

        byte[] fewSamples = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(fewSamples.AsSpan(SampleCountOffset), 3);
        Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(Reseal(fewSamples)));

        byte[] hugeWidth = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(hugeWidth.AsSpan(Header + 2 + 4), 1 << 13);
        Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(Reseal(hugeWidth)));

        byte[] badRoots = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(badRoots.AsSpan(SampleCountOffset + 4 + 32), 7);
        Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(Reseal(badRoots)));

        // The digests are integrity checks, not signatures: a consistently resealed seed is a different, valid
        // transcript with a different identity and different batches.
        byte[] otherSeed = (byte[])bytes.Clone();
        otherSeed[SeedOffset] ^= 1;
        TrainingTranscript other = TrainingTranscriptSerializer.Deserialize(Reseal(otherSeed));
        Assert.NotEqual(SharedRun.Value.Transcript.Digest, other.Digest);
        Assert.NotEqual(SharedRun.Value.Transcript.ConfigDigest, other.ConfigDigest);
        Assert.NotEqual(SharedRun.Value.Transcript.Batch(0), other.Batch(0));
    }

    [Fact]
    public void DatasetSamplesOpenAgainstTheRoot()
    {
        TrainingRun run = SharedRun.Value;
        TrainingDataset dataset = Dataset(run.Transcript.Config);
        Digest256 root = run.Transcript.DatasetRoot;
        foreach (int index in run.Transcript.Batch(0))
        {
            MerklePath path = run.Dataset.Open(index, out byte[] salt);
            int[] x = dataset.GetFeatures(index);
            int label = dataset.GetLabel(index);
            Assert.True(DatasetCommitment.VerifySample(root, 64, index, x, label, salt, path));
            Assert.False(DatasetCommitment.VerifySample(root, 64, index, x, (label + 1) % 3, salt, path));
            x[0]++;
            Assert.False(DatasetCommitment.VerifySample(root, 64, index, x, label, salt, path));
            x[0]--;
            Assert.False(DatasetCommitment.VerifySample(root, 64, index ^ 1, x, label, salt, path));
            Assert.False(DatasetCommitment.VerifySample(root, 65, index, x, label, salt, path));
            Assert.False(DatasetCommitment.VerifySample(root, 64, index, x, label, salt.AsSpan(1), path));
        }

        // Same salts, one feature changed: a different root.
        DatasetCommitment a = DatasetCommitment.Commit(dataset, new SeededSaltSource(9));
        int[][] features = Enumerable.Range(0, dataset.Count).Select(dataset.GetFeatures).ToArray();
        features[17][2]++;
        var changed = new TrainingDataset(run.Transcript.Config, features, Enumerable.Range(0, dataset.Count).Select(dataset.GetLabel).ToArray());
        Assert.NotEqual(a.Root, DatasetCommitment.Commit(changed, new SeededSaltSource(9)).Root);
        Assert.Equal(a.Root, DatasetCommitment.Commit(dataset, new SeededSaltSource(9)).Root);
    }

    private static TrainingConfig Config() =>
        new([4, 8, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 77);

    private static TrainingDataset Dataset(TrainingConfig config) => SyntheticData.Blobs(config, 64, 1, 0.4, 5).Train;

    private static TrainingRun Run(int steps)
    {
        TrainingConfig config = Config();
        return TrainingRun.Record(config, Dataset(config), steps, LigeroParameters.NonHidingForBenchmarks, salts: new SeededSaltSource(600));
    }

    /// <summary>Recomputes the configuration digest and the trailer of a 3-width TSTT encoding.</summary>
    private static byte[] Reseal(byte[] bytes) => Reseal(bytes, "thestage/training-transcript/v3"u8);

    private static byte[] Reseal(byte[] bytes, ReadOnlySpan<byte> domain)
    {
        byte[] result = (byte[])bytes.Clone();
        Hash("thestage/training-config/v1"u8, result.AsSpan(Header, ConfigLength)).CopyTo(result, Header + ConfigLength);
        Hash(domain, result.AsSpan(Header, result.Length - Header - 32)).CopyTo(result, result.Length - 32);
        return result;
    }

    private static byte[] Hash(ReadOnlySpan<byte> domain, ReadOnlySpan<byte> body)
    {
        var digest = new Blake2sDigest(256);
        digest.BlockUpdate(domain);
        digest.BlockUpdate(body);
        var output = new byte[32];
        digest.DoFinal(output, 0);
        return output;
    }
}
