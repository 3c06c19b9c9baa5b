using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Inference;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Attacks on the zero-knowledge weight range proof of a commitment with hidden weights (<c>TSMC</c> v7): a weight out of int8, a
/// non-zero padding entry, a changed masked claim, and the downgrade to the revealing range proof of before (the revealing logUp with plain
/// claims, as <c>TSMC</c> v5 proves it). Each is performed and refused.
/// </summary>
public sealed class ZeroKnowledgeWeightRangeAttackTests
{
    private static readonly LigeroParameters Budgeted = LigeroParameters.DefaultHidingWithBudget(2);

    private static (QuantizedModel Model, CircuitPlan Plan, Goldilocks[][] Segments) Honest(int seed)
    {
        (_, QuantizedModel ternary) = ZeroKnowledgeWeightRangeTests.TwoWeightSetsWithOneStatement(seed);
        CircuitPlan plan = CircuitPlan.Create(ternary.InputShape, ternary.Layers.Select(CircuitLayer.From).ToArray(), 1);
        return (ternary, plan, plan.BuildWeightSegments(ternary));
    }

    [Theory]
    [InlineData(128UL)]
    [InlineData(200UL)]
    [InlineData(Goldilocks.Modulus - 129)]
    public void WeightOutOfRange_UnderTheZeroKnowledgeRangeProof_IsRefused(ulong value)
    {
        // One entry of the first weight matrix (inside its box) set to 128, 200 or −129: the honest prover's zero-knowledge lookup fails.
        (QuantizedModel model, CircuitPlan plan, Goldilocks[][] segments) = Honest(9700);
        segments[plan.WeightSegments[0].Weights][0] = new Goldilocks(value);
        CommittedModel cheat = CommittedModel.CommitSegments(model, plan, segments, Budgeted, new SeededSaltSource(9701));
        Assert.True(cheat.Commitment.HiddenWeights);
        VerdictAssert.Rejected(cheat.Commitment.CheckWeightRanges(), RejectionReason.Lookup);
    }

    [Fact]
    public void PaddingEntrySet_UnderTheZeroKnowledgeRangeProof_IsRefused()
    {
        // The last entry of the first weight segment (a padding column) set to 1, an int8: the masked padding zero-check refuses it.
        (QuantizedModel model, CircuitPlan plan, Goldilocks[][] segments) = Honest(9710);
        int weights = plan.WeightSegments[0].Weights;
        segments[weights][^1] = Goldilocks.One;
        CommittedModel cheat = CommittedModel.CommitSegments(model, plan, segments, Budgeted, new SeededSaltSource(9711));
        VerdictAssert.Rejected(cheat.Commitment.CheckWeightRanges(), RejectionReason.Relation, $"padding of segment {weights}");
    }

    [Fact]
    public void ChangedMaskedClaim_InTheZeroKnowledgeRangeProof_IsRefused()
    {
        // Every loose value (the masked leaf claims, the layers' children, E_j) and the masked claim Ṡ(s) of every padding zero-check.
        (QuantizedModel model, CircuitPlan plan, Goldilocks[][] segments) = Honest(9720);
        CommittedModel committed = CommittedModel.CommitSegments(model, plan, segments, Budgeted, new SeededSaltSource(9721));
        WeightRangeProof proof = committed.Commitment.RangeProof!;
        ProofVerdict Check(E[] values, SumcheckProof<E>[] sumchecks) =>
            committed.Commitment.WithRangeProof(new WeightRangeProof([], sumchecks, values, proof.Openings, proof.MaskChunks, proof.MaskOpenings)).CheckWeightRanges();
        VerdictAssert.Accepted(Check(proof.ValueArray, [.. proof.Sumchecks]));
        for (int i = 0; i < proof.ValueArray.Length; i++)
        {
            E[] values = proof.ValueArray.ToArray();
            values[i] += E.One;
            Assert.False(Check(values, [.. proof.Sumchecks]).IsAccepted, $"value {i}");
        }

        int changed = 0;
        for (int k = 0; k < proof.Sumchecks.Count; k++)
        {
            SumcheckProof<E> s = proof.Sumchecks[k];
            if (s.FactorEvaluations.Length != 3)
            {
                continue; // the zero-checks have three factors (eq, Pad, Ṡ)
            }

            E[] evaluations = s.FactorEvaluations.ToArray();
            evaluations[2] += E.One;
            SumcheckProof<E>[] sumchecks = [.. proof.Sumchecks];
            sumchecks[k] = new SumcheckProof<E>(Enumerable.Range(0, s.RoundCount).Select(r => s.GetRoundPolynomial(r).ToArray()).ToArray(), evaluations, s.MaskSum, s.MaskValue);
            Assert.False(Check(proof.ValueArray, sumchecks).IsAccepted, $"sumcheck {k}");
            changed++;
        }

        Assert.Equal(Enumerable.Range(0, plan.WeightLogSizes.Count).Count(s => WeightMaskLayout.HasPadding(plan, s)), changed);
    }

    [Fact]
    public void RevealingRangeProofOfHiddenWeights_IsRefusedAsADowngrade()
    {
        // The range proof of TSMC v7 before h/zklink (the revealing logUp, plain leaf and padding claims: what a hiding commitment without
        // weight masks still proves), made for the same hidden-weights commitment: refused, also after a byte round trip.
        (QuantizedModel model, CircuitPlan plan, Goldilocks[][] segments) = Honest(9730);
        CommittedModel committed = CommittedModel.CommitSegments(model, plan, segments, Budgeted, new SeededSaltSource(9731));
        WeightRangeProof revealing = WeightRangeArgument.Prove(
            committed.Commitment, plan, segments, committed.Polynomials, committed.States, new SeededSaltSource(9732), revealClaims: true);
        ModelCommitment downgraded = committed.Commitment.WithRangeProof(revealing);
        Assert.False(downgraded.CheckWeightRanges().IsAccepted);
        Assert.False(ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(downgraded)).VerifyWeightRanges());
        Assert.True(committed.Commitment.VerifyWeightRanges());
    }
}
