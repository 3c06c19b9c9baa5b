using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Sumcheck;

public sealed class SumcheckTests
{
    private const string Protocol = "sumcheck-test";

    private static MultilinearPolynomial<GoldilocksExt2>[] RandomFactors(int numVariables, int degree, int seed)
    {
        var rng = new SeededWordSource(seed);
        return Enumerable.Range(0, degree)
            .Select(_ => new MultilinearPolynomial<GoldilocksExt2>(rng.NextArray<GoldilocksExt2>(1 << numVariables)))
            .ToArray();
    }

    private static SumcheckVerification<GoldilocksExt2> Verify(GoldilocksExt2 sum, int numVariables, int degree, SumcheckProof<GoldilocksExt2>? proof) =>
        SumcheckVerifier.Verify(new Transcript(Protocol), sum, numVariables, degree, proof);

    private static SumcheckProof<GoldilocksExt2> WithRound(SumcheckProof<GoldilocksExt2> proof, int round, GoldilocksExt2[] values)
    {
        var rounds = Enumerable.Range(0, proof.RoundCount).Select(i => proof.GetRoundPolynomial(i).ToArray()).ToArray();
        rounds[round] = values;
        return new SumcheckProof<GoldilocksExt2>(rounds, proof.FactorEvaluations);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 3)]
    [InlineData(6, 4)]
    public void HonestProofsVerifyAndReduceToTheFactorEvaluations(int numVariables, int degree)
    {
        MultilinearPolynomial<GoldilocksExt2>[] factors = RandomFactors(numVariables, degree, (numVariables * 10) + degree);
        GoldilocksExt2 sum = SumcheckProver.ComputeSum(factors);
        SumcheckProverOutput<GoldilocksExt2> output = SumcheckProver.Prove(new Transcript(Protocol), sum, factors);

        SumcheckVerification<GoldilocksExt2> result = Verify(sum, numVariables, degree, output.Proof);
        Assert.True(result.IsValid, result.Failure.ToString());
        Assert.Equal(SumcheckFailure.None, result.Failure);
        Assert.Equal(output.Point.ToArray(), result.Point.ToArray());
        for (int k = 0; k < degree; k++)
        {
            Assert.Equal(factors[k].Evaluate(result.Point), result.FactorEvaluations[k]);
        }
    }

    [Fact]
    public void ComputeSumMatchesBruteForce()
    {
        MultilinearPolynomial<GoldilocksExt2>[] factors = RandomFactors(3, 2, 11);
        GoldilocksExt2 expected = GoldilocksExt2.Zero;
        for (int b = 0; b < 8; b++)
        {
            expected += factors[0].Evaluations[b] * factors[1].Evaluations[b];
        }

        Assert.Equal(expected, SumcheckProver.ComputeSum(factors));
    }

    [Fact]
    public void WrongClaimedSumIsRejectedInTheFirstRound()
    {
        MultilinearPolynomial<GoldilocksExt2>[] factors = RandomFactors(4, 3, 12);
        GoldilocksExt2 sum = SumcheckProver.ComputeSum(factors);
        GoldilocksExt2 wrong = sum + GoldilocksExt2.One;

        // Honest prover, wrong statement.
        SumcheckProof<GoldilocksExt2> honest = SumcheckProver.Prove(new Transcript(Protocol), sum, factors).Proof;
        SumcheckVerification<GoldilocksExt2> result = Verify(wrong, 4, 3, honest);
        Assert.Equal(SumcheckFailure.RoundSumMismatch, result.Failure);
        Assert.Equal(0, result.FailedRound);

        // Prover that claims the wrong sum from the start is caught too.
        SumcheckProof<GoldilocksExt2> lying = SumcheckProver.Prove(new Transcript(Protocol), wrong, factors).Proof;
        Assert.Equal(SumcheckFailure.RoundSumMismatch, Verify(wrong, 4, 3, lying).Failure);

        // With no variables the claim is checked against the product directly.
        MultilinearPolynomial<GoldilocksExt2>[] constants = RandomFactors(0, 2, 13);
        GoldilocksExt2 constantSum = SumcheckProver.ComputeSum(constants);
        SumcheckProof<GoldilocksExt2> constantProof = SumcheckProver.Prove(new Transcript(Protocol), constantSum, constants).Proof;
        Assert.Equal(SumcheckFailure.FinalEvaluationMismatch, Verify(constantSum + GoldilocksExt2.One, 0, 2, constantProof).Failure);
    }

    [Fact]
    public void EveryTamperedRoundValueIsRejected()
    {
        const int numVariables = 4, degree = 3;
        MultilinearPolynomial<GoldilocksExt2>[] factors = RandomFactors(numVariables, degree, 14);
        GoldilocksExt2 sum = SumcheckProver.ComputeSum(factors);
        SumcheckProof<GoldilocksExt2> proof = SumcheckProver.Prove(new Transcript(Protocol), sum, factors).Proof;
        var delta = new GoldilocksExt2(new Goldilocks(5), new Goldilocks(9));

        for (int round = 0; round < numVariables; round++)
        {
            for (int i = 0; i <= degree; i++)
            {
                GoldilocksExt2[] values = proof.GetRoundPolynomial(round).ToArray();
                values[i] += delta;
                SumcheckVerification<GoldilocksExt2> result = Verify(sum, numVariables, degree, WithRound(proof, round, values));
                Assert.False(result.IsValid);

                // Changing g(0) or g(1) breaks this round's sum; changing g(2..d) is caught later.
                Assert.Equal(i <= 1 ? SumcheckFailure.RoundSumMismatch : (round == numVariables - 1 ? SumcheckFailure.FinalEvaluationMismatch : SumcheckFailure.RoundSumMismatch), result.Failure);
            }
        }
    }

    [Fact]
    public void TamperedFactorEvaluationsAreRejected()
    {
        MultilinearPolynomial<GoldilocksExt2>[] factors = RandomFactors(3, 2, 15);
        GoldilocksExt2 sum = SumcheckProver.ComputeSum(factors);
        SumcheckProof<GoldilocksExt2> proof = SumcheckProver.Prove(new Transcript(Protocol), sum, factors).Proof;
        GoldilocksExt2[] evaluations = proof.FactorEvaluations.ToArray();
        evaluations[1] += GoldilocksExt2.One;
        var rounds = Enumerable.Range(0, 3).Select(i => proof.GetRoundPolynomial(i).ToArray()).ToArray();
        Assert.Equal(SumcheckFailure.FinalEvaluationMismatch, Verify(sum, 3, 2, new SumcheckProof<GoldilocksExt2>(rounds, evaluations)).Failure);
    }

    [Fact]
    public void MalformedProofsAreRejectedWithoutThrowing()
    {
        MultilinearPolynomial<GoldilocksExt2>[] factors = RandomFactors(3, 2, 16);
        GoldilocksExt2 sum = SumcheckProver.ComputeSum(factors);
        SumcheckProof<GoldilocksExt2> proof = SumcheckProver.Prove(new Transcript(Protocol), sum, factors).Proof;
        var rounds = Enumerable.Range(0, 3).Select(i => proof.GetRoundPolynomial(i).ToArray()).ToArray();

        Assert.Equal(SumcheckFailure.MalformedProof, Verify(sum, 3, 2, null).Failure);
        Assert.Equal(SumcheckFailure.MalformedProof, Verify(sum, 4, 2, proof).Failure);
        Assert.Equal(SumcheckFailure.MalformedProof, Verify(sum, 3, 3, proof).Failure);
        Assert.Equal(SumcheckFailure.MalformedProof, Verify(sum, 3, 2, WithRound(proof, 1, rounds[1][..2])).Failure);
        Assert.Equal(SumcheckFailure.MalformedProof, Verify(sum, 3, 2, new SumcheckProof<GoldilocksExt2>(rounds[..2], proof.FactorEvaluations)).Failure);
        Assert.Equal(SumcheckFailure.MalformedProof, Verify(sum, 3, 2, new SumcheckProof<GoldilocksExt2>(rounds, proof.FactorEvaluations[..1])).Failure);
    }

    [Fact]
    public void ProverAndVerifierMustShareTheTranscriptState()
    {
        MultilinearPolynomial<GoldilocksExt2>[] factors = RandomFactors(4, 2, 17);
        GoldilocksExt2 sum = SumcheckProver.ComputeSum(factors);
        SumcheckProof<GoldilocksExt2> proof = SumcheckProver.Prove(new Transcript(Protocol), sum, factors).Proof;
        Assert.False(SumcheckVerifier.Verify(new Transcript("another protocol"), sum, 4, 2, proof).IsValid);
    }
}
