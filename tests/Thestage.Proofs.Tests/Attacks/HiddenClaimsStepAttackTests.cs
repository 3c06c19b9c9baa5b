using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Training;
using Thestage.Proofs.Training;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Attacks on the step proofs of a hiding run with hidden claims (<c>TSSP</c> v4): a trainer proving a step whose trace is wrong (a
/// pre-activation, a remainder of the forward pass, a backward quotient — the gradient —, a weight or bias update remainder), a proof
/// with a claim changed, and the downgrade to the revealing relations of <c>TSSP</c> v3. Each is refused with the relation that fails.
/// (Wrong and unselected samples and a swapped label: <see cref="HiddenSampleAttackTests"/>, which run on the v4 relations.)
/// </summary>
public sealed class HiddenClaimsStepAttackTests
{
    private static readonly TrainingConfig Config = HiddenSampleStepTests.Config;

    [Theory]
    [InlineData("Z", 0, "forward, layer 0")]
    [InlineData("R", 1, "forward, layer 1")]
    [InlineData("Q", 0, "backward, layer 0")]
    [InlineData("P", 1, "weight update, layer 1")]
    [InlineData("PB", 0, "bias update, layer 0")]
    public void StepWithAWrongIntermediate_IsRefusedByItsRelation(string tensor, int layer, string relation)
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 7301).Train;
        TrainingRun run = TrainingRun.Record(Config, data, 2, LigeroParameters.DefaultHidingWithBudget(3), new SeededSaltSource(7302));
        StepTrace trace = new FixedPointTrainer(Config, data, run.Transcript.ScheduleKey).Trace(run.Snapshots[1], run.Transcript.Batch(1));
        long[] values = tensor switch
        {
            "Z" => trace.Z[layer],
            "R" => trace.R[layer],
            "Q" => trace.Q[layer],
            "P" => trace.P[layer],
            _ => trace.PB[layer],
        };

        // An entry whose change keeps every limb in range (the lookup passes): only the relation sees it.
        int entry = Array.FindIndex(values, v => v > 0 && (v & 0xFF) < 0xFF);
        values[entry] += 1;
        ProofVerdict verdict = TrainingStepVerifier.Check(run.Transcript, TrainingStepProver.Prove(run, data, 1, trace, new SeededSaltSource(7303)), VerifierPolicy.Default);
        Assert.Equal(RejectionReason.Relation, verdict.Reason);
        Assert.Contains(relation, verdict.ToString());
    }

    [Fact]
    public void HiddenClaimChanged_IsRefused()
    {
        // Every factor evaluation of every sumcheck, changed by one: a zero-check's final check, a batching or the lookup refuses it.
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 7311).Train;
        TrainingRun run = TrainingRun.Record(Config, data, 1, LigeroParameters.DefaultHiding, new SeededSaltSource(7312));
        TrainingStepProof proof = TrainingStepProver.Prove(run, data, 0, new SeededSaltSource(7313));
        Assert.True(TrainingStepVerifier.Verify(run.Transcript, proof));
        for (int s = 0; s < proof.Sumchecks.Length; s++)
        {
            SumcheckProof<E> original = proof.Sumchecks[s];
            for (int k = 0; k < original.FactorEvaluations.Length; k++)
            {
                E[] evaluations = original.FactorEvaluations.ToArray();
                evaluations[k] += E.One;
                SumcheckProof<E>[] sumchecks = [.. proof.Sumchecks];
                sumchecks[s] = new SumcheckProof<E>(Enumerable.Range(0, original.RoundCount).Select(i => original.GetRoundPolynomial(i).ToArray()).ToArray(), evaluations, original.MaskSum, original.MaskValue);
                ProofVerdict verdict = TrainingStepVerifier.Check(run.Transcript, With(proof, sumchecks), VerifierPolicy.Default);
                Assert.False(verdict.IsAccepted, $"sumcheck {s}, factor {k}");
                Assert.True(verdict.Reason is RejectionReason.Relation or RejectionReason.Lookup or RejectionReason.Opening, verdict.ToString());
            }
        }
    }

    [Fact]
    public void RevealedClaimsStepProofOfAHidingRun_IsRefusedAsVersion3OrRelabelled()
    {
        // The downgrade: the relations of TSSP v3 (masked rounds, revealed claims), still made by the prover's test-only revealClaims, are
        // refused by the verifier of a hiding run, and their bytes (v3) no longer parse; a v4 proof relabelled v3 does not parse either.
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 7321).Train;
        TrainingRun run = TrainingRun.Record(Config, data, 2, LigeroParameters.DefaultHidingWithBudget(3), new SeededSaltSource(7322));
        StepTrace trace = new FixedPointTrainer(Config, data, run.Transcript.ScheduleKey).Trace(run.Snapshots[1], run.Transcript.Batch(1));
        TrainingStepProof revealing = TrainingStepProver.Prove(
            run.Transcript, 1, trace, run.Snapshots[1], run.Snapshots[2], null, run.WeightStates(1), run.WeightStates(2), new SeededSaltSource(7323), run.Dataset.State,
            revealClaims: true);
        Assert.False(revealing.HidesClaims);
        ProofVerdict verdict = TrainingStepVerifier.Check(run.Transcript, revealing, VerifierPolicy.Default);
        Assert.Equal(RejectionReason.Format, verdict.Reason);
        byte[] bytes = TrainingStepProofSerializer.Serialize(revealing);
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.Contains("version 3", Assert.Throws<ProofFormatException>(() => TrainingStepProofSerializer.Deserialize(bytes)).Message);

        TrainingStepProof honest = TrainingStepProver.Prove(run, data, 1, new SeededSaltSource(7324));
        Assert.True(TrainingStepVerifier.Verify(run.Transcript, honest));
        byte[] relabelled = TrainingStepProofSerializer.Serialize(honest);
        BinaryPrimitives.WriteUInt16LittleEndian(relabelled.AsSpan(4), 3);
        Assert.Throws<ProofFormatException>(() => TrainingStepProofSerializer.Deserialize(relabelled));

        // The hidden-claims proof read as a revealed-claims one (the flag cleared) is refused too.
        Assert.Equal(RejectionReason.Format, TrainingStepVerifier.Check(run.Transcript, WithHidesClaims(honest, false), VerifierPolicy.Default).Reason);
    }

    private static TrainingStepProof With(TrainingStepProof proof, SumcheckProof<E>[] sumchecks) =>
        new(proof.Step, proof.Batch, proof.WitnessRoot, sumchecks, proof.Values, proof.WitnessOpening, proof.BeforeOpenings, proof.AfterOpenings, proof.MaskChunks, proof.MaskOpenings,
            proof.DatasetOpening, proof.HidesClaims);

    private static TrainingStepProof WithHidesClaims(TrainingStepProof proof, bool hidesClaims) =>
        new(proof.Step, proof.Batch, proof.WitnessRoot, proof.Sumchecks, proof.Values, proof.WitnessOpening, proof.BeforeOpenings, proof.AfterOpenings, proof.MaskChunks, proof.MaskOpenings,
            proof.DatasetOpening, hidesClaims);
}
