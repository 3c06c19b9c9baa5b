using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Tests.Training;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Attacks on the step proofs of a hiding run, whose samples are proven against the hiding dataset commitment instead of opened:
/// a trainer that trains a proven step on a sample it did not commit, on a committed sample the schedule did not select (and
/// gathers it), or with a label changed, records the resulting snapshot and proves the step with its own trace. Before the
/// gather, nothing in a proof that does not open its samples tied them to the dataset commitment; each is now refused.
/// </summary>
public sealed class HiddenSampleAttackTests
{
    private static readonly TrainingConfig Config = HiddenSampleStepTests.Config;

    [Fact]
    public void HidingRunOfADatasetTooLargeToCommit_IsRefusedBeforeAnythingIsCommitted()
    {
        // 4,097 samples of 784 features: a 2^24-entry hiding dataset polynomial, whose budgeted commitment needs gigabytes. Before
        // the bound, TrainingRun.Record (hiding by default) went on to commit it and ran the process out of memory.
        var config = new TrainingConfig([784, 4, 10], batchSize: 16, learningRateShift: 5, fractionalBits: 16, weightBits: 24, valueBits: 28, seed: 7);
        var features = Enumerable.Range(0, 4097).Select(_ => new int[784]).ToArray();
        var dataset = new TrainingDataset(config, features, new int[4097]);
        ArgumentException refused = Assert.Throws<ArgumentException>(() => TrainingRun.Record(config, dataset, 1));
        Assert.Contains("NonHidingForBenchmarks", refused.Message, StringComparison.Ordinal);

        // The plain mode (a salted Merkle tree of the samples) has no such bound.
        Assert.Equal(4097, TrainingRun.Record(config, dataset, 0, LigeroParameters.NonHidingForBenchmarks).Transcript.SampleCount);
    }

    [Fact]
    public void StepProvenOnASampleNotInTheCommittedDataset_IsRefused()
    {
        ProofVerdict verdict = CheatOnStepOne(
            (data, batch) => Replace(data, batch[0], Array.ConvertAll(data.GetFeatures(batch[0]), v => -v / 2), data.GetLabel(batch[0])),
            cheatIndices: null);
        Assert.Equal(RejectionReason.Relation, verdict.Reason);
        Assert.Contains("batch features", verdict.ToString());
    }

    [Fact]
    public void StepProvenOnACommittedSampleTheScheduleDidNotSelect_IsRefused()
    {
        // The trainer trains on sample j instead of the schedule's first sample, and gathers j (its selector is consistent with
        // its trace): only the verifier's own selector, built from the schedule, tells.
        ProofVerdict verdict = CheatOnStepOne((data, _) => data, cheatIndices: batch => [Outside(batch), .. batch[1..]]);
        Assert.Equal(RejectionReason.Relation, verdict.Reason);
        Assert.Contains("batch features", verdict.ToString());
    }

    [Fact]
    public void StepProvenWithALabelSwapped_IsRefused()
    {
        ProofVerdict verdict = CheatOnStepOne(
            (data, batch) => Replace(data, batch[0], data.GetFeatures(batch[0]), (data.GetLabel(batch[0]) + 1) % Config.ClassCount),
            cheatIndices: null);
        Assert.Equal(RejectionReason.Relation, verdict.Reason);
        Assert.Contains("batch labels", verdict.ToString());
    }

    [Fact]
    public void TinyHidingTranscriptDeclaringADatasetTooLargeToCommit_IsRefusedAsMalformed()
    {
        // A hiding transcript is the trainer's statement: 4,096 features and 2^24 samples make a 2^37-entry dataset polynomial,
        // which no verifier can check an opening of. The bytes are a valid encoding (both digests recomputed) of a few hundred
        // bytes; before the check the reader accepted them and every step verifier of the run threw an ArgumentException.
        var config = new TrainingConfig([4096, 1, 1], batchSize: 1, learningRateShift: 0, fractionalBits: 2, weightBits: 8, valueBits: 8, seed: 1);
        var roots = new Digest256[2 * WeightCommitment.NumVariables(config).Length];
        byte[] bytes = TrainingTranscriptSerializer.Serialize(new TrainingTranscript(config, LigeroParameters.DefaultHiding, 1, default, roots, 1));
        int sampleCount = 6 + 2 + (4 * 3) + 4 + 8 + 8 + 2 + 4 + 32;
        Assert.Equal(1, System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(sampleCount)));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(sampleCount), TrainingDataset.MaxSamples);
        var digest = new Org.BouncyCastle.Crypto.Digests.Blake2sDigest(256);
        digest.BlockUpdate("thestage/training-transcript/v6"u8);
        digest.BlockUpdate(bytes, 6, bytes.Length - 6 - Digest256.Length);
        digest.DoFinal(bytes, bytes.Length - Digest256.Length);
        Assert.Contains("statement is invalid", Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(bytes)).Message);
        Assert.ThrowsAny<ArgumentException>(() => new TrainingTranscript(config, LigeroParameters.DefaultHiding, TrainingDataset.MaxSamples, default, roots, 1));
    }

    /// <summary>
    /// Records a hiding run whose step 1 is trained on <paramref name="alter"/>'s dataset (and on <paramref name="cheatIndices"/>'s
    /// batch), proves step 1 from that trace against the honest dataset commitment, and returns the verifier's verdict. The honest
    /// proofs of steps 0 and 1 of an honest run with the same salts verify (so the refusal is the cheat's).
    /// </summary>
    private static ProofVerdict CheatOnStepOne(Func<TrainingDataset, int[], TrainingDataset> alter, Func<int[], int[]>? cheatIndices)
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 7201).Train;
        (FixedPointTrainer Trainer, int[] Batch) Cheat(Digest256 key)
        {
            int[] schedule = BatchSchedule.Indices(key, data.Count, Config.BatchSize, 1);
            return (new FixedPointTrainer(Config, alter(data, schedule), key), cheatIndices?.Invoke(schedule) ?? schedule);
        }

        TrainingRun run = TrainingRun.RecordWith(Config, data, 2, LigeroParameters.DefaultHiding, new SeededSaltSource(7202), (trainer, weights, t) =>
        {
            if (t != 1)
            {
                return trainer.Step(weights, t);
            }

            (FixedPointTrainer cheat, int[] batch) = Cheat(trainer.ScheduleKey);
            return cheat.Trace(weights, batch).Result;
        });

        (FixedPointTrainer cheater, int[] cheatBatch) = Cheat(run.Transcript.ScheduleKey);
        StepTrace trace = cheater.Trace(run.Snapshots[1], cheatBatch);
        Assert.True(trace.Result.Weights.ContentEquals(run.Snapshots[2]));
        TrainingStepProof proof = TrainingStepProver.Prove(
            run.Transcript, 1, trace, run.Snapshots[1], run.Snapshots[2], null, run.WeightStates(1), run.WeightStates(2), new SeededSaltSource(7203), run.Dataset.State,
            cheatIndices is null ? null : cheatBatch);
        Assert.True(TrainingStepVerifier.Verify(run.Transcript, TrainingStepProver.Prove(run, data, 0, new SeededSaltSource(7204))));
        return TrainingStepVerifier.Check(run.Transcript, TrainingStepProofSerializer.Deserialize(TrainingStepProofSerializer.Serialize(proof)), VerifierPolicy.Default);
    }

    private static int Outside(int[] batch) => Enumerable.Range(0, 32).First(i => !batch.Contains(i));

    private static TrainingDataset Replace(TrainingDataset data, int index, int[] features, int label)
    {
        var all = Enumerable.Range(0, data.Count).Select(data.GetFeatures).ToList();
        var labels = Enumerable.Range(0, data.Count).Select(data.GetLabel).ToList();
        all[index] = features;
        labels[index] = label;
        return new TrainingDataset(Config, all, labels);
    }
}
