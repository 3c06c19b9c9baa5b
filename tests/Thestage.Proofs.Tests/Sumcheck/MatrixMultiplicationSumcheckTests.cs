using Thestage.Proofs.Fields;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Sumcheck;

public sealed class MatrixMultiplicationSumcheckTests
{
    private const string Protocol = "matmul-test";

    private static Goldilocks[] Multiply(Goldilocks[] a, Goldilocks[] b, int m, int n, int p)
    {
        var c = new Goldilocks[m * p];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < p; j++)
            {
                Goldilocks sum = Goldilocks.Zero;
                for (int k = 0; k < n; k++)
                {
                    sum += a[(i * n) + k] * b[(k * p) + j];
                }

                c[(i * p) + j] = sum;
            }
        }

        return c;
    }

    [Theory]
    [InlineData(4, 8, 2)]
    [InlineData(1, 1, 1)]
    [InlineData(8, 16, 8)]
    [InlineData(2, 1, 4)]
    public void CorrectProductsVerify(int m, int n, int p)
    {
        var rng = new SeededWordSource(900 + m + n + p);
        Goldilocks[] a = rng.NextArray<Goldilocks>(m * n);
        Goldilocks[] b = rng.NextArray<Goldilocks>(n * p);
        Goldilocks[] c = Multiply(a, b, m, n, p);

        MatrixMultiplicationProverOutput<GoldilocksExt2> output = MatrixMultiplicationSumcheck.Prove<GoldilocksExt2>(new Transcript(Protocol), a, b, c, m, n, p);
        MatrixMultiplicationVerification<GoldilocksExt2> result =
            MatrixMultiplicationSumcheck.Verify(new Transcript(Protocol), a, b, c, m, n, p, output.Proof);
        Assert.True(result.IsValid, result.Failure.ToString());
        Assert.Equal(output.APoint, result.APoint);
        Assert.Equal(output.BPoint, result.BPoint);

        // The claims are evaluations of the MLEs at (r1, s) and (s, r2), and their product is the reduced claim.
        GoldilocksExt2[] s = result.Sumcheck.Point.ToArray();
        Assert.Equal(MatrixMultiplicationSumcheck.EvaluateMatrix<GoldilocksExt2>(a, [.. result.RowPoint, .. s]), result.AEvaluation);
        Assert.Equal(MatrixMultiplicationSumcheck.EvaluateMatrix<GoldilocksExt2>(b, [.. s, .. result.ColumnPoint]), result.BEvaluation);
        Assert.Equal(result.Sumcheck.FinalClaim, result.AEvaluation * result.BEvaluation);
    }

    [Fact]
    public void MultilinearIdentityHoldsAtRandomPoints()
    {
        const int m = 4, n = 8, p = 4;
        var rng = new SeededWordSource(950);
        Goldilocks[] a = rng.NextArray<Goldilocks>(m * n);
        Goldilocks[] b = rng.NextArray<Goldilocks>(n * p);
        Goldilocks[] c = Multiply(a, b, m, n, p);
        GoldilocksExt2[] r1 = rng.NextArray<GoldilocksExt2>(2), r2 = rng.NextArray<GoldilocksExt2>(2);

        GoldilocksExt2 sum = GoldilocksExt2.Zero;
        for (int k = 0; k < n; k++)
        {
            GoldilocksExt2[] bits = Enumerable.Range(0, 3).Select(j => GoldilocksExt2.FromUInt64((ulong)((k >> (2 - j)) & 1))).ToArray();
            sum += MatrixMultiplicationSumcheck.EvaluateMatrix<GoldilocksExt2>(a, [.. r1, .. bits])
                * MatrixMultiplicationSumcheck.EvaluateMatrix<GoldilocksExt2>(b, [.. bits, .. r2]);
        }

        Assert.Equal(MatrixMultiplicationSumcheck.EvaluateMatrix<GoldilocksExt2>(c, [.. r1, .. r2]), sum);
    }

    [Fact]
    public void WrongProductsAreRejected()
    {
        const int m = 4, n = 8, p = 4;
        var rng = new SeededWordSource(960);
        Goldilocks[] a = rng.NextArray<Goldilocks>(m * n);
        Goldilocks[] b = rng.NextArray<Goldilocks>(n * p);
        Goldilocks[] c = Multiply(a, b, m, n, p);

        for (int entry = 0; entry < c.Length; entry += 5)
        {
            Goldilocks[] wrong = (Goldilocks[])c.Clone();
            wrong[entry] += Goldilocks.One;
            SumcheckProof<GoldilocksExt2> proof = MatrixMultiplicationSumcheck.Prove<GoldilocksExt2>(new Transcript(Protocol), a, b, wrong, m, n, p).Proof;
            MatrixMultiplicationVerification<GoldilocksExt2> result = MatrixMultiplicationSumcheck.Verify(new Transcript(Protocol), a, b, wrong, m, n, p, proof);
            Assert.Equal(SumcheckFailure.RoundSumMismatch, result.Failure);
        }
    }

    [Fact]
    public void RescaledEvaluationClaimsAreCaughtByTheOracleCheck()
    {
        const int m = 2, n = 4, p = 2;
        var rng = new SeededWordSource(970);
        Goldilocks[] a = rng.NextArray<Goldilocks>(m * n);
        Goldilocks[] b = rng.NextArray<Goldilocks>(n * p);
        Goldilocks[] c = Multiply(a, b, m, n, p);
        SumcheckProof<GoldilocksExt2> proof = MatrixMultiplicationSumcheck.Prove<GoldilocksExt2>(new Transcript(Protocol), a, b, c, m, n, p).Proof;

        // Keep the product of the two claims but move a factor of 2 between them: the sumcheck alone accepts.
        GoldilocksExt2 two = GoldilocksExt2.FromUInt64(2);
        GoldilocksExt2[] claims = [proof.FactorEvaluations[0] * two, proof.FactorEvaluations[1] * GoldilocksExt2.Invert(two)];
        var rounds = Enumerable.Range(0, proof.RoundCount).Select(i => proof.GetRoundPolynomial(i).ToArray()).ToArray();
        var forged = new SumcheckProof<GoldilocksExt2>(rounds, claims);

        Assert.True(MatrixMultiplicationSumcheck.VerifyReduction(new Transcript(Protocol), c, m, n, p, forged).IsValid);
        Assert.Equal(SumcheckFailure.OracleEvaluationMismatch, MatrixMultiplicationSumcheck.Verify(new Transcript(Protocol), a, b, c, m, n, p, forged).Failure);
        Assert.Equal(SumcheckFailure.MalformedProof, MatrixMultiplicationSumcheck.Verify<GoldilocksExt2>(new Transcript(Protocol), a, b, c, m, n, p, null).Failure);
    }

    [Fact]
    public void RejectsBadShapes()
    {
        Assert.Throws<ArgumentException>(() => MatrixMultiplicationSumcheck.Prove<GoldilocksExt2>(new Transcript(Protocol), new Goldilocks[6], new Goldilocks[6], new Goldilocks[4], 2, 3, 2));
        Assert.Throws<ArgumentException>(() => MatrixMultiplicationSumcheck.Prove<GoldilocksExt2>(new Transcript(Protocol), new Goldilocks[4], new Goldilocks[4], new Goldilocks[3], 2, 2, 2));
    }
}
