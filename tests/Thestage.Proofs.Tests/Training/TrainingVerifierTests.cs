using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Training;

public sealed class TrainingVerifierTests
{
    private static readonly TrainingConfig Config =
        new([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 31);

    private static readonly TrainingDataset Data = SyntheticData.Blobs(Config, 40, 1, 0.4, 32).Train;

    private static readonly Lazy<TrainingRun> SharedRun = new(() => TrainingRun.Record(Config, Data, 4, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(33)));

    private static readonly Lazy<TrainingProofs> EveryStep = new(() => TrainingProver.ProveEveryStep(SharedRun.Value, Data));

    [Fact]
    public void EveryStepProofsVerify()
    {
        TrainingProofs proofs = EveryStep.Value;
        Assert.False(proofs.IsSampled);
        Assert.Equal([0, 1, 2, 3], proofs.Steps.Select(p => p.Step));
        Assert.Equal([0, 1, 2, 3, 4], proofs.Ranges.Select(p => p.Snapshot));
        Assert.True(TrainingVerifier.Verify(SharedRun.Value.Transcript, proofs));
        Assert.True(TrainingVerifier.Verify(SharedRun.Value.Transcript, proofs, minimumSteps: 100, challengeSeed: null));
    }

    [Fact]
    public void SampledProofsVerifyUnderThePolicyTheyWereDrawnFor()
    {
        TrainingRun run = SharedRun.Value;
        Digest256 nonce = Digest256.FromBytes(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        TrainingProofs sampled = TrainingProver.ProveSampled(run, Data, 2, nonce);
        Assert.Equal(TrainingVerifier.SampledSteps(run.Transcript, 2, nonce), sampled.Steps.Select(p => p.Step));
        Assert.True(TrainingVerifier.Verify(run.Transcript, sampled, new VerifierPolicy { MinimumSampleSize = 2, ChallengeSeed = nonce }));
        Assert.True(TrainingVerifier.Verify(run.Transcript, sampled, 2, nonce));
        Assert.False(TrainingVerifier.Verify(run.Transcript, sampled, 3, nonce));   // fewer steps than this verifier requires
        Assert.False(TrainingVerifier.Verify(run.Transcript, sampled, 1, null));    // not this verifier's sample
        VerdictAssert.Rejected(TrainingVerifier.Check(run.Transcript, sampled, new VerifierPolicy { MinimumSampleSize = 3, ChallengeSeed = nonce }), RejectionReason.SoundnessPolicy, "sample");
        VerdictAssert.Rejected(TrainingVerifier.Check(run.Transcript, sampled, new VerifierPolicy { MinimumSampleSize = 1 }), RejectionReason.SoundnessPolicy, "sample");
        VerdictAssert.Rejected(TrainingVerifier.Check(run.Transcript, sampled, VerifierPolicy.Default), RejectionReason.SoundnessPolicy, "sample");   // the default asks for min(44, T) = 4 steps

        // Claiming another sample size or seed changes the sample the verifier expects.
        var permissive = new VerifierPolicy { MinimumSampleSize = 1, ChallengeSeed = nonce };
        // A claimed k of 1 expects one step proof, not two; the claimed seed must be the verifier's.
        foreach ((int k, Digest256 seed, RejectionReason reason) in new[] { (1, nonce, RejectionReason.Format), (2, default(Digest256), RejectionReason.SoundnessPolicy) })
        {
            var claimed = new TrainingProofs(true, k, seed, sampled.Initial, [.. sampled.Steps], [.. sampled.Ranges]);
            Assert.False(TrainingVerifier.Verify(run.Transcript, claimed, permissive));
            VerdictAssert.Rejected(TrainingVerifier.Check(run.Transcript, claimed, permissive), reason);
        }
    }

    [Fact]
    public void MissingReorderedOrForeignProofsAreRejected()
    {
        TrainingRun run = SharedRun.Value;
        TrainingProofs proofs = EveryStep.Value;
        TrainingStepProof[] steps = [.. proofs.Steps];
        SnapshotRangeProof[] ranges = [.. proofs.Ranges];
        TrainingRun other = TrainingRun.Record(Config, Data, 4, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(34));

        (TrainingProofs Proofs, RejectionReason Reason, string? Relation)[] bad =
        [
            (new(false, 0, default, InitialSnapshotArgument.Prove(other), steps, ranges), RejectionReason.Opening, "initial snapshot: opening of snapshot polynomial 0"),
            (new(false, 0, default, proofs.Initial, steps[..3], ranges), RejectionReason.Format, null),
            (new(false, 0, default, proofs.Initial, steps, ranges[..4]), RejectionReason.Format, null),
            (new(false, 0, default, proofs.Initial, [steps[1], steps[0], steps[2], steps[3]], ranges), RejectionReason.Statement, "step "),
            (new(false, 0, default, proofs.Initial, steps, [ranges[0], ranges[2], ranges[1], ranges[3], ranges[4]]), RejectionReason.Statement, "snapshot "),
            (new(false, 0, default, proofs.Initial, [steps[0], steps[1], steps[1], steps[3]], ranges), RejectionReason.Statement, "step 2"),
            (new(false, 0, default, proofs.Initial, [steps[0], steps[1], TrainingStepProver.Prove(other, Data, 2), steps[3]], ranges), RejectionReason.Opening, "step 2: batch"),
            (new(true, 0, default, proofs.Initial, steps, ranges), RejectionReason.SoundnessPolicy, "sample"),
            (new(true, 5, default, proofs.Initial, steps, ranges), RejectionReason.SoundnessPolicy, "sample"),
        ];
        foreach ((TrainingProofs proof, RejectionReason reason, string? relation) in bad)
        {
            Assert.False(TrainingVerifier.Verify(run.Transcript, proof));
            VerdictAssert.Rejected(TrainingVerifier.Check(run.Transcript, proof, VerifierPolicy.Default), reason, relation);
        }

        VerdictAssert.Rejected(TrainingVerifier.Check(other.Transcript, proofs, VerifierPolicy.Default), RejectionReason.Opening, "initial snapshot: opening of snapshot polynomial 0");
        VerdictAssert.Rejected(TrainingVerifier.Check(run.Transcript, null, VerifierPolicy.Default), RejectionReason.Format);
    }

    [Fact]
    public void ARunWithOneWrongStepFailsExactlyWhenTheVerifiersSampleHitsIt()
    {
        // Step 2 of 4 is skipped (snapshot 3 = snapshot 2). Every-step proofs fail; a sample of k = 1 passes exactly when the
        // verifier's seed draws another step, i.e. with probability (1 − f)^k = 3/4 over the verifier's seeds.
        TrainingRun run = TrainingRun.RecordWith(Config, Data, 4, null, new SeededSaltSource(35), (trainer, w, t) =>
            t == 2 ? new TrainingStepResult(w, 0, 0) : trainer.Step(w, t));
        Assert.Throws<ArgumentException>(() => TrainingProver.ProveEveryStep(run, Data));

        int misses = 0;
        const int seeds = 4000;
        for (int i = 0; i < seeds; i++)
        {
            misses += TrainingVerifier.SampledSteps(run.Transcript, 1, Seed(i))[0] != 2 ? 1 : 0;
        }

        Assert.InRange(misses / (double)seeds, 0.72, 0.78);
        Digest256 hit = Enumerable.Range(0, 64).Select(Seed).First(s => TrainingVerifier.SampledSteps(run.Transcript, 1, s)[0] == 2);
        Digest256 miss = Enumerable.Range(0, 64).Select(Seed).First(s => TrainingVerifier.SampledSteps(run.Transcript, 1, s)[0] != 2);
        Assert.True(TrainingVerifier.Verify(run.Transcript, TrainingProver.ProveSampled(run, Data, 1, miss), new VerifierPolicy { MinimumSampleSize = 1, ChallengeSeed = miss }));
        Assert.Throws<ArgumentException>(() => TrainingProver.ProveSampled(run, Data, 1, hit));
    }

    [Fact]
    public void SampledStepsAreDistinctSortedAndCoverAllWhenKEqualsT()
    {
        TrainingTranscript transcript = SharedRun.Value.Transcript;
        for (int k = 1; k <= 4; k++)
        {
            int[] steps = TrainingVerifier.SampledSteps(transcript, k, default);
            Assert.Equal(k, steps.Distinct().Count());
            Assert.Equal(steps.Order(), steps);
            Assert.All(steps, t => Assert.InRange(t, 0, 3));
            Assert.Equal(steps, TrainingVerifier.SampledSteps(transcript, k, default));
        }

        Assert.Equal([0, 1, 2, 3], TrainingVerifier.SampledSteps(transcript, 4, Seed(9)));
        for (int k = 1; k < 4; k++)
        {
            Assert.Subset(TrainingVerifier.SampledSteps(transcript, k + 1, Seed(10)).ToHashSet(), TrainingVerifier.SampledSteps(transcript, k, Seed(10)).ToHashSet());
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingVerifier.SampledSteps(transcript, 5, default));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingVerifier.SampledSteps(transcript, 0, default));
    }

    [Fact]
    public void SerializedRunProofsRoundTripAndCorruptionIsRejected()
    {
        TrainingRun run = SharedRun.Value;
        byte[] bytes = TrainingProofsSerializer.Serialize(EveryStep.Value);
        TrainingProofs read = TrainingProofsSerializer.Deserialize(bytes);
        Assert.True(TrainingVerifier.Verify(run.Transcript, read));
        Assert.Equal(bytes, TrainingProofsSerializer.Serialize(read));

        var random = new Random(36);
        for (int trial = 0; trial < 40; trial++)
        {
            byte[] copy = (byte[])bytes.Clone();
            int position = trial < 16 ? trial * 3 : random.Next(copy.Length);
            copy[position] ^= (byte)(1 << random.Next(8));
            Assert.False(Accepts(run.Transcript, copy), $"flip at {position}");
        }

        Assert.False(Accepts(run.Transcript, bytes[..^1]));
        Assert.False(Accepts(run.Transcript, [.. bytes, 7]));
    }

    private static bool Accepts(TrainingTranscript transcript, byte[] bytes)
    {
        try
        {
            return TrainingVerifier.Verify(transcript, TrainingProofsSerializer.Deserialize(bytes));
        }
        catch (ProofFormatException)
        {
            return false;
        }
    }

    private static Digest256 Seed(int i)
    {
        var bytes = new byte[Digest256.Length];
        BitConverter.TryWriteBytes(bytes, i);
        return Digest256.FromBytes(bytes);
    }
}
