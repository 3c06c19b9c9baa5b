using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Tests.Training;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Issue 10, item 9: in sampled training verification the prover picked the audit — the verifier took the challenge seed and
/// the sample size from the proof, so a trainer with a bad step re-rolled the sample for the cost of a hash.
/// </summary>
public sealed class SampledTrainingAuditAttackTests
{
    private static readonly TrainingConfig Config =
        new([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 31);

    private static readonly TrainingDataset Data = SyntheticData.Blobs(Config, 40, 1, 0.4, 32).Train;

    // Step 2 of 4 is skipped: snapshot 3 = snapshot 2. A run per test: a hiding run's dataset commitment has an opening budget,
    // which one test's proofs (and attempts) spend, so sharing the run made the tests depend on their order.
    private static TrainingRun CheatingRun() => TrainingRun.RecordWith(Config, Data, 4, null, new SeededSaltSource(35), (trainer, w, t) =>
        t == 2 ? new TrainingStepResult(w, 0, 0) : trainer.Step(w, t));

    [Fact]
    public void CheatingTrainerRerollsTheSampleSeedUntilItMissesTheBadStep_IsRejected()
    {
        TrainingRun run = CheatingRun();

        // The trainer tries seeds until the sample of k = 1 avoids step 2 (a few hashes), and proves that sample.
        Digest256 chosen = Seeds().First(s => TrainingVerifier.SampledSteps(run.Transcript, 1, s)[0] != 2 && s != default);
        TrainingProofs proofs = TrainingProver.ProveSampled(run, Data, 1, chosen);

        // Before: TrainingVerifier.Verify(transcript, proofs) accepted this. Now the verifier draws the sample from its own seed
        // (or from the transcript alone), so the prover's seed is refused — even by a verifier that asks for a single step.
        VerdictAssert.Rejected(TrainingVerifier.Check(run.Transcript, proofs, VerifierPolicy.Default), RejectionReason.SoundnessPolicy, "sample");
        VerdictAssert.Rejected(TrainingVerifier.Check(run.Transcript, proofs, new VerifierPolicy { MinimumSampleSize = 1 }), RejectionReason.SoundnessPolicy, "sample");
        Digest256 issued = Seeds().First(s => TrainingVerifier.SampledSteps(run.Transcript, 1, s)[0] == 2);
        var verifier = new VerifierPolicy { MinimumSampleSize = 1, ChallengeSeed = issued };
        VerdictAssert.Rejected(TrainingVerifier.Check(run.Transcript, proofs, verifier), RejectionReason.SoundnessPolicy, "sample");

        // Answering the verifier's own challenge is impossible: its sample contains the bad step.
        Assert.Throws<ArgumentException>(() => TrainingProver.ProveSampled(run, Data, 1, issued));
    }

    [Fact]
    public void CheatingTrainerChoosesTheSampleSizeToAvoidTheBadStep_GainsNothing()
    {
        TrainingRun run = CheatingRun();

        // Whatever k the trainer claims, the verifier's sample for k contains its sample for 1: once step 2 is drawn first,
        // every sample size contains it, so no k can be proven (the sample size used to be mixed into the draw).
        Digest256 issued = Seeds().First(s => TrainingVerifier.SampledSteps(run.Transcript, 1, s)[0] == 2);
        for (int k = 1; k <= 4; k++)
        {
            Assert.Contains(2, TrainingVerifier.SampledSteps(run.Transcript, k, issued));
            Assert.Throws<ArgumentException>(() => TrainingProver.ProveSampled(run, Data, k, issued));
        }
    }

    [Fact]
    public void SampledProofWithFewerStepsThanThePolicyRequires_IsRejected()
    {
        TrainingRun run = TrainingRun.Record(Config, Data, 4, LigeroParameters.DefaultHidingWithBudget(6), new SeededSaltSource(36)); // 2 + 4 step proofs below
        TrainingProofs proofs = TrainingProver.ProveSampled(run, Data, 2);
        Assert.True(TrainingVerifier.Verify(run.Transcript, proofs, new VerifierPolicy { MinimumSampleSize = 2 }));
        VerdictAssert.Rejected(TrainingVerifier.Check(run.Transcript, proofs, new VerifierPolicy { MinimumSampleSize = 3 }), RejectionReason.SoundnessPolicy, "sample");

        // The default asks for 44 steps, or every step of a shorter run.
        VerdictAssert.Rejected(TrainingVerifier.Check(run.Transcript, proofs, VerifierPolicy.Default), RejectionReason.SoundnessPolicy, "sample");
        Assert.True(TrainingVerifier.Verify(run.Transcript, TrainingProver.ProveSampled(run, Data, 4)));
    }

    [Fact]
    public void Version2RunProofsWithProverChosenSamples_AreRefusedWithTheReason()
    {
        TrainingRun run = TrainingRun.Record(Config, Data, 1, salts: new SeededSaltSource(37));
        byte[] bytes = TrainingProofsSerializer.Serialize(TrainingProver.ProveSampled(run, Data, 1));
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 2);
        Assert.Contains("sample size the prover chose", Assert.Throws<ProofFormatException>(() => TrainingProofsSerializer.Deserialize(bytes)).Message);
    }

    private static IEnumerable<Digest256> Seeds() => Enumerable.Range(0, 256).Select(i =>
    {
        var bytes = new byte[Digest256.Length];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, i);
        return Digest256.FromBytes(bytes);
    });
}
