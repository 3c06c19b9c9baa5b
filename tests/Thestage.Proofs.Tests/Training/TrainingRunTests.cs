using System.Buffers.Binary;
using Org.BouncyCastle.Crypto.Digests;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Training;

/// <summary>
/// <see cref="TrainingRun"/> keeps checkpoints and salt seeds instead of every snapshot and Ligero state: the snapshots it
/// replays and the states it commits again must be exactly the ones recorded.
/// </summary>
public sealed class TrainingRunTests
{
    private static readonly TrainingConfig Config =
        new([6, 5, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 71);

    private static readonly TrainingDataset Data = SyntheticData.Blobs(Config, 48, 1, 0.4, 72).Train;

    // 2.5 checkpoint intervals, so snapshots are replayed from three checkpoints.
    private static readonly int Steps = (2 * TrainingRun.CheckpointInterval) + (TrainingRun.CheckpointInterval / 2);

    private static readonly Lazy<TrainingRun> SharedRun = new(() => TrainingRun.Record(Config, Data, Steps, salts: new SeededSaltSource(73)));

    [Fact]
    public void ReplayedSnapshotsAndStepsAreTheTrainersSequence()
    {
        TrainingRun run = SharedRun.Value;
        var trainer = new FixedPointTrainer(Config, Data, run.Transcript.ScheduleKey);
        IReadOnlyList<TrainingStepResult> direct = trainer.Train(FixedPointTrainer.InitialWeights(Config), Steps);

        Assert.Equal(Steps + 1, run.Snapshots.Count);
        Assert.Equal(Steps, run.Steps.Count);
        Assert.True(run.Snapshots[0].ContentEquals(FixedPointTrainer.InitialWeights(Config)));
        // Out of order, across checkpoints, by index and by enumeration.
        foreach (int t in Enumerable.Range(0, Steps).Reverse())
        {
            Assert.True(run.Snapshots[t + 1].ContentEquals(direct[t].Weights));
            Assert.True(run.Steps[t].Weights.ContentEquals(direct[t].Weights));
            Assert.Equal((direct[t].SquaredErrorSum, direct[t].Correct), (run.Steps[t].SquaredErrorSum, run.Steps[t].Correct));
        }

        Assert.True(run.Snapshots.Skip(1).Zip(direct).All(p => p.First.ContentEquals(p.Second.Weights)));
        Assert.True(run.Steps.Zip(direct).All(p => p.First.Weights.ContentEquals(p.Second.Weights) && p.First.SquaredErrorSum == p.Second.SquaredErrorSum));
    }

    [Fact]
    public void RecommittedStatesHaveTheRecordedRootsAndOpen()
    {
        TrainingRun run = SharedRun.Value;
        foreach (int s in (int[])[Steps, 0, TrainingRun.CheckpointInterval + 3, 1, Steps - 1])
        {
            Assert.Equal(run.Transcript.WeightRootsOf(s), run.WeightStates(s).Select(state => state.Commitment.Root));
        }

        // A step between checkpoints, its snapshots' range proofs and the initial proof, all from recomputed material.
        int step = TrainingRun.CheckpointInterval + 5;
        Assert.True(TrainingStepVerifier.Verify(run.Transcript, TrainingStepProver.Prove(run, Data, step)));
        Assert.True(SnapshotRangeArgument.Verify(run.Transcript, SnapshotRangeArgument.Prove(run, step + 1)));
        Assert.True(InitialSnapshotArgument.Verify(run.Transcript, InitialSnapshotArgument.Prove(run)));
    }

    [Fact]
    public void ATrainerThatIsNotDeterministicIsDetectedWhenSnapshotsAreRecommitted()
    {
        int calls = 0;
        TrainingRun run = TrainingRun.RecordWith(Config, Data, 3, null, new SeededSaltSource(74), (trainer, w, t) =>
        {
            TrainingStepResult honest = trainer.Step(w, t);
            return Interlocked.Increment(ref calls) <= 3 ? honest : trainer.Step(honest.Weights, t);
        });
        Assert.Throws<InvalidOperationException>(() => run.WeightStates(2));
    }

    [Fact]
    public void DerivedSaltsAreKeyedBlake2sOfTheCounterWhateverTheReadSizes()
    {
        byte[] seed = Enumerable.Range(0, 32).Select(i => (byte)(3 * i)).ToArray();
        var expected = new byte[100];
        for (int block = 0; block * 32 < expected.Length; block++)
        {
            // RFC 7693 keyed BLAKE2s-256, personalization "tsalt/v1", of the little-endian 64-bit block counter.
            var digest = new Blake2sDigest(seed, 32, null, "tsalt/v1"u8.ToArray());
            var counter = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(counter, (ulong)block);
            digest.BlockUpdate(counter, 0, 8);
            var output = new byte[32];
            digest.DoFinal(output, 0);
            output.AsSpan(0, Math.Min(32, expected.Length - (32 * block))).CopyTo(expected.AsSpan(32 * block));
        }

        var whole = new byte[100];
        new DerivedSaltSource(seed).Fill(whole);
        Assert.Equal(expected, whole);

        var pieces = new byte[100];
        var source = new DerivedSaltSource(seed);
        foreach ((int start, int length) in new[] { (0, 7), (7, 25), (32, 33), (65, 35) })
        {
            source.Fill(pieces.AsSpan(start, length));
        }

        Assert.Equal(expected, pieces);
        seed[31] ^= 1;
        var other = new byte[100];
        new DerivedSaltSource(seed).Fill(other);
        Assert.NotEqual(expected, other);
        Assert.Throws<ArgumentException>(() => new DerivedSaltSource(new byte[31]));
    }

    [Fact]
    public void EqualSeedsGiveEqualRootsAndTheRunDrawsOneSeedPerSnapshot()
    {
        TrainingRun first = TrainingRun.Record(Config, Data, 2, salts: new SeededSaltSource(75));
        TrainingRun second = TrainingRun.Record(Config, Data, 2, salts: new SeededSaltSource(75));
        Assert.Equal(first.Transcript.WeightRoots, second.Transcript.WeightRoots);
        TrainingRun random = TrainingRun.Record(Config, Data, 2);
        Assert.NotEqual(first.Transcript.WeightRoots[0], random.Transcript.WeightRoots[0]);
        Assert.Equal(random.Transcript.WeightRootsOf(2), random.WeightStates(2).Select(s => s.Commitment.Root));
    }
}
