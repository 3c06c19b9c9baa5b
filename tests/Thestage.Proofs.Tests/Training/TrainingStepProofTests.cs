using Thestage.Proofs.Commitments;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Training;

public sealed class TrainingStepProofTests
{
    // Non-power-of-two widths exercise the padding: 5 inputs (8), 6 hidden (8), 3 classes (4), batch 4.
    private static readonly TrainingConfig Config =
        new([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 91);

    private static readonly TrainingDataset Data = SyntheticData.Blobs(Config, 40, 1, 0.4, 92).Train;

    private static readonly Lazy<TrainingRun> SharedRun = new(() => TrainingRun.Record(Config, Data, 3, salts: new SeededSaltSource(93)));

    [Fact]
    public void HonestProofsOfEveryStepVerify()
    {
        TrainingRun run = SharedRun.Value;
        for (int step = 0; step < 3; step++)
        {
            TrainingStepProof proof = TrainingStepProver.Prove(run, Data, step);
            Assert.True(TrainingStepVerifier.Verify(run.Transcript, proof));
        }
    }
}

public sealed class TrainingStepSoundnessTests
{
    private static readonly TrainingConfig Config =
        new([5, 6, 4, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 17);

    private static readonly TrainingDataset Data = SyntheticData.Blobs(Config, 40, 1, 0.4, 18).Train;

    [Fact]
    public void ThreeLayerStepsAndBatchOneVerify()
    {
        TrainingRun run = TrainingRun.Record(Config, Data, 2, salts: new SeededSaltSource(19));
        Assert.True(TrainingStepVerifier.Verify(run.Transcript, TrainingStepProver.Prove(run, Data, 1)));

        var single = new TrainingConfig([3, 2, 2], batchSize: 1, learningRateShift: 0, fractionalBits: 8, weightBits: 16, valueBits: 20, seed: 3);
        TrainingDataset tiny = SyntheticData.Blobs(single, 8, 1, 0.3, 4).Train;
        TrainingRun small = TrainingRun.Record(single, tiny, 2);
        Assert.True(TrainingStepVerifier.Verify(small.Transcript, TrainingStepProver.Prove(small, tiny, 0)));
        Assert.True(TrainingStepVerifier.Verify(small.Transcript, TrainingStepProver.Prove(small, tiny, 1)));
    }

    [Fact]
    public void AChangedSampleIsRejected()
    {
        TrainingRun run = TrainingRun.Record(Config, Data, 2, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(20));   // its seeded schedule puts a sample whose change alters the update at batch position 2
        int sample = run.Transcript.Batch(1)[2];
        TrainingDataset changed = WithFeature(Data, sample, 3, Data.GetFeatures(sample)[3] + 1);
        StepTrace trace = new FixedPointTrainer(Config, changed, run.Transcript.ScheduleKey).Trace(run.Snapshots[1], run.Transcript.Batch(1));

        // The batch opened from the changed data fails its Merkle paths; opened from the committed data, the relations fail.
        VerdictAssert.Rejected(TrainingStepVerifier.Check(run.Transcript, TrainingStepProver.Prove(run, changed, 1, trace, null), VerifierPolicy.Default), RejectionReason.Opening, "batch");
        VerdictAssert.Rejected(TrainingStepVerifier.Check(run.Transcript, TrainingStepProver.Prove(run, Data, 1, trace, null), VerifierPolicy.Default), RejectionReason.Relation, "forward, layer 0");
        Assert.Throws<ArgumentException>(() => TrainingStepProver.Prove(run, changed, 1));
    }

    [Fact]
    public void ASkippedStepIsRejected()
    {
        TrainingRun run = TrainingRun.RecordWith(Config, Data, 3, null, new SeededSaltSource(21), (trainer, w, t) =>
            t == 1 ? new TrainingStepResult(w, 0, 0) : trainer.Step(w, t));
        Assert.True(TrainingStepVerifier.Verify(run.Transcript, TrainingStepProver.Prove(run, Data, 0)));
        Assert.True(TrainingStepVerifier.Verify(run.Transcript, TrainingStepProver.Prove(run, Data, 2)));

        // Snapshot 2 is snapshot 1: the honest update's claimed sum 2^u·(W − W′) + P − 2^(u−1)·M is not the gradient's.
        VerdictAssert.Rejected(
            TrainingStepVerifier.Check(run.Transcript, TrainingStepProver.Prove(run, Data, 1, HonestTrace(run, 1), null), VerifierPolicy.Default),
            RejectionReason.Relation,
            "weight update, layer 0",
            SumcheckFailure.RoundSumMismatch,
            0);
    }

    [Fact]
    public void ADifferentLearningRateIsRejected()
    {
        var faster = new TrainingConfig([5, 6, 4, 3], batchSize: 4, learningRateShift: 1, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 17);
        StepTrace? cheat = null;
        TrainingRun run = TrainingRun.RecordWith(Config, Data, 2, null, new SeededSaltSource(22), (trainer, w, t) =>
        {
            var other = new FixedPointTrainer(faster, Data, trainer.ScheduleKey);
            StepTrace trace = other.Trace(Rewrap(w, faster), BatchSchedule.Indices(trainer.ScheduleKey, Data.Count, 4, t));
            cheat = t == 1 ? trace : cheat;
            return new TrainingStepResult(Rewrap(trace.Result.Weights, Config), trace.Result.SquaredErrorSum, trace.Result.Correct);
        });
        VerdictAssert.Rejected(TrainingStepVerifier.Check(run.Transcript, TrainingStepProver.Prove(run, Data, 1, cheat!, null), VerifierPolicy.Default), RejectionReason.Relation, "weight update");
        VerdictAssert.Rejected(TrainingStepVerifier.Check(run.Transcript, TrainingStepProver.Prove(run, Data, 1, HonestTrace(run, 1), null), VerifierPolicy.Default), RejectionReason.Relation, "weight update, layer 0");
    }

    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(0, 29, -1)]
    [InlineData(1, 5, 1)]
    [InlineData(2, 11, -1)]
    public void OneWeightOffByOneIsRejectedEvenWithAdjustedRemainders(int layer, int index, int delta)
    {
        TrainingRun run = TrainingRun.RecordWith(Config, Data, 2, null, new SeededSaltSource(23), (trainer, w, t) =>
        {
            TrainingStepResult honest = trainer.Step(w, t);
            if (t != 1)
            {
                return honest;
            }

            int[][] weights = Enumerable.Range(0, Config.LayerCount).Select(honest.Weights.GetWeights).ToArray();
            int[][] biases = Enumerable.Range(0, Config.LayerCount).Select(honest.Weights.GetBiases).ToArray();
            weights[layer][index] += delta;
            return new TrainingStepResult(FixedPointWeights.Create(Config, weights, biases), honest.SquaredErrorSum, honest.Correct);
        });

        // The cheating prover keeps G + 2^(u−1) = 2^u·(W − W′) + P true by shifting the remainder out of [0, 2^u).
        StepTrace trace = HonestTrace(run, 1);
        trace.P[layer][index] += delta << Config.UpdateShift;
        VerdictAssert.Rejected(TrainingStepVerifier.Check(run.Transcript, TrainingStepProver.Prove(run, Data, 1, trace, null), VerifierPolicy.Default), RejectionReason.Relation, $"weight update, layer {layer}");
        VerdictAssert.Rejected(TrainingStepVerifier.Check(run.Transcript, TrainingStepProver.Prove(run, Data, 1, HonestTrace(run, 1), null), VerifierPolicy.Default), RejectionReason.Relation, $"weight update, layer {layer}");
    }

    [Fact]
    public void AlteredIntermediatesAreRejected()
    {
        TrainingRun run = TrainingRun.Record(Config, Data, 2, LigeroParameters.DefaultHidingWithBudget(8), new SeededSaltSource(24)); // six tampered step proofs, each opening the dataset once
        var tampers = new Action<StepTrace>[]
        {
            t => { t.Z[0][3]++; t.R[0][3] -= 1L << Config.FractionalBits; },   // rounding moved into the remainder
            t => t.R[1][0]++,
            t => t.D[2][5]--,
            t => { t.Q[1][2]++; t.S[1][2] -= 1L << Config.FractionalBits; },
            t => t.PB[0][1]++,
        };
        foreach (Action<StepTrace> tamper in tampers)
        {
            StepTrace trace = HonestTrace(run, 1);
            tamper(trace);
            TrainingStepProof proof = TrainingStepProver.Prove(run, Data, 1, trace, null);
            VerdictAssert.Rejected(TrainingStepVerifier.Check(run.Transcript, proof, VerifierPolicy.Default), RejectionReason.Relation);
        }

        // Activations are not committed: only ReLU(Z) counts. The hidden-claims relations (TSSP v4) read A_l as Z_(l−1)'s limbs times its
        // sign limb and never the trace's A, so an altered A changes nothing and the proof is the honest one.
        StepTrace altered = HonestTrace(run, 1);
        altered.A[1][4]++;
        Assert.True(TrainingStepVerifier.Check(run.Transcript, TrainingStepProver.Prove(run, Data, 1, altered, null), VerifierPolicy.Default).IsAccepted);
    }

    [Fact]
    public void ProofsDoNotTransferBetweenStepsOrRuns()
    {
        TrainingRun run = TrainingRun.Record(Config, Data, 3, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(25)); // plain: the batch is opened, and refused as such
        TrainingRun other = TrainingRun.Record(Config, Data, 3, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(26));
        TrainingStepProof proof = TrainingStepProver.Prove(run, Data, 1);
        Assert.True(TrainingStepVerifier.Verify(run.Transcript, proof));
        VerdictAssert.Rejected(TrainingStepVerifier.Check(other.Transcript, proof, VerifierPolicy.Default), RejectionReason.Opening, "batch");
        foreach (int step in new[] { 0, 2 })
        {
            var moved = new TrainingStepProof(
                step, proof.Batch, proof.WitnessRoot, proof.Sumchecks, proof.Values, proof.WitnessOpening, proof.BeforeOpenings, proof.AfterOpenings);
            VerdictAssert.Rejected(TrainingStepVerifier.Check(run.Transcript, moved, VerifierPolicy.Default), RejectionReason.Opening, "batch");
        }

        VerdictAssert.Rejected(TrainingStepVerifier.Check(run.Transcript, null, VerifierPolicy.Default), RejectionReason.Format);
    }

    [Fact]
    public void SerializedProofsRoundTripAndFlippedBytesAreRejected()
    {
        TrainingRun run = TrainingRun.Record(Config, Data, 2, salts: new SeededSaltSource(27));
        byte[] bytes = TrainingStepProofSerializer.Serialize(TrainingStepProver.Prove(run, Data, 0));
        Assert.True(TrainingStepVerifier.Verify(run.Transcript, TrainingStepProofSerializer.Deserialize(bytes)));
        Assert.Equal(bytes, TrainingStepProofSerializer.Serialize(TrainingStepProofSerializer.Deserialize(bytes)));

        var random = new Random(28);
        for (int trial = 0; trial < 200; trial++)
        {
            byte[] copy = (byte[])bytes.Clone();
            int position = trial < 64 ? trial : random.Next(copy.Length);
            copy[position] ^= (byte)(1 << random.Next(8));
            Assert.False(AcceptsBytes(run.Transcript, copy), $"flip at {position}");
        }

        foreach (int length in new[] { 0, 3, 6, 40, bytes.Length / 2, bytes.Length - 1 })
        {
            Assert.False(AcceptsBytes(run.Transcript, bytes[..length]));
        }

        Assert.False(AcceptsBytes(run.Transcript, [.. bytes, 0]));
    }

    internal static bool AcceptsBytes(TrainingTranscript transcript, byte[] bytes)
    {
        try
        {
            return TrainingStepVerifier.Verify(transcript, TrainingStepProofSerializer.Deserialize(bytes));
        }
        catch (ProofFormatException)
        {
            return false;
        }
    }

    private static StepTrace HonestTrace(TrainingRun run, int step) =>
        new FixedPointTrainer(Config, Data, run.Transcript.ScheduleKey).Trace(run.Snapshots[step], run.Transcript.Batch(step));

    private static FixedPointWeights Rewrap(FixedPointWeights weights, TrainingConfig config) =>
        FixedPointWeights.Create(
            config,
            Enumerable.Range(0, config.LayerCount).Select(weights.GetWeights).ToArray(),
            Enumerable.Range(0, config.LayerCount).Select(weights.GetBiases).ToArray());

    private static TrainingDataset WithFeature(TrainingDataset data, int sample, int feature, int value)
    {
        var features = Enumerable.Range(0, data.Count).Select(data.GetFeatures).ToArray();
        features[sample][feature] = value;
        return new TrainingDataset(Config, features, Enumerable.Range(0, data.Count).Select(data.GetLabel).ToArray());
    }
}
