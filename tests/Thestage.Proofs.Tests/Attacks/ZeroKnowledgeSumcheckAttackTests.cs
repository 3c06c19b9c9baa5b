using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Sumcheck;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Attacks on the zero-knowledge sumcheck's masking polynomial: the prover controls <c>g(r)</c> and <c>G</c>, and tries to use
/// them to absorb a lie about the factors. The committed pool binds <c>g</c> before <c>ρ</c> is drawn, so each lie is caught.
/// </summary>
public sealed class ZeroKnowledgeSumcheckAttackTests
{
    [Fact]
    public void FalseFactorEvaluationCompensatedInTheMaskValue_IsCaughtByThePoolOpening()
    {
        MultilinearPolynomial<E>[] factors = ZeroKnowledgeSumcheckTests.RandomFactors(5, 2, 7100);
        (E, int, int)[] statement = [(SumcheckProver.ComputeSum(factors), 5, 2)];
        ZeroKnowledgeSumcheckTests.MaskedRun run = ZeroKnowledgeSumcheckTests.ProveMasked([factors], 10, 7101);
        SumcheckProof<E> honest = run.Proofs[0];

        // Claim f_1(r) + δ and move g(r) by −δ·f_2(r)/ρ, so that Π f_k(r) + ρ·g(r) still equals the reduced claim.
        E weight = ReplayWeight(run, statement[0].Item1);
        E delta = E.One;
        E[] lied = honest.FactorEvaluations.ToArray();
        lied[0] += delta;
        E maskValue = honest.MaskValue - (delta * lied[1] * E.Invert(weight));
        var forged = new SumcheckProof<E>(Enumerable.Range(0, 5).Select(i => honest.GetRoundPolynomial(i).ToArray()).ToArray(), lied, honest.MaskSum, maskValue);
        Assert.Equal(SumcheckFailure.None, SumcheckVerifier.Check(statement[0].Item1, forged, weight, run.Points[0]).Failure);

        // The sumcheck's own checks pass; the pool's opening of g(r) does not.
        Assert.Equal((SumcheckFailure.None, false), ZeroKnowledgeSumcheckTests.VerifyMasked(statement, run with { Proofs = [forged] }));
        Assert.Equal((SumcheckFailure.None, true), ZeroKnowledgeSumcheckTests.VerifyMasked(statement, run));
    }

    [Fact]
    public void FalseSumCompensatedInTheMaskSum_IsRefusedForEveryRho()
    {
        // G is absorbed before ρ is drawn: shifting the claimed sum by Δ and G by −Δ/ρ needs ρ before ρ exists. The forger
        // guesses ρ from the honest transcript; the changed G changes ρ, and the first round check fails.
        MultilinearPolynomial<E>[] factors = ZeroKnowledgeSumcheckTests.RandomFactors(4, 3, 7200);
        E sum = SumcheckProver.ComputeSum(factors);
        ZeroKnowledgeSumcheckTests.MaskedRun run = ZeroKnowledgeSumcheckTests.ProveMasked([factors], 10, 7201);
        SumcheckProof<E> honest = run.Proofs[0];
        E guessed = ReplayWeight(run, sum);
        E falseSum = sum + E.One;
        var forged = new SumcheckProof<E>(
            Enumerable.Range(0, 4).Select(i => honest.GetRoundPolynomial(i).ToArray()).ToArray(), honest.FactorEvaluations, honest.MaskSum - (E.One * E.Invert(guessed)), honest.MaskValue);
        Assert.Equal(SumcheckFailure.None, SumcheckVerifier.Check(falseSum, forged, guessed, run.Points[0]).Failure);
        Assert.Equal(SumcheckFailure.RoundSumMismatch, ZeroKnowledgeSumcheckTests.VerifyMasked([(falseSum, 4, 3)], run with { Proofs = [forged] }).Failure);
    }

    /// <summary>The <c>ρ</c> of the first sumcheck of a run, replayed from the transcript as the verifier draws it.</summary>
    private static E ReplayWeight(ZeroKnowledgeSumcheckTests.MaskedRun run, E claimedSum)
    {
        var transcript = new Thestage.Proofs.Transcripts.Transcript("zk-sumcheck-test");
        SumcheckMaskVerifier<E>.AbsorbChunk(transcript, run.Chunks[0]);
        SumcheckProof<E> proof = run.Proofs[0];
        transcript.AbsorbUInt64(SumcheckLabels.NumVariables, (ulong)proof.RoundCount);
        transcript.AbsorbUInt64(SumcheckLabels.Degree, (ulong)proof.FactorEvaluations.Length);
        transcript.Absorb(SumcheckLabels.ClaimedSum, claimedSum);
        transcript.Absorb(SumcheckLabels.MaskSum, proof.MaskSum);
        return transcript.Challenge<E>(SumcheckLabels.MaskWeight);
    }
}
