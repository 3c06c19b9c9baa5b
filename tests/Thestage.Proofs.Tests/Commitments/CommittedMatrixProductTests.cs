using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Commitments;

/// <summary>Composition: the matrix-multiplication sumcheck's evaluation claims discharged by Ligero openings.</summary>
public sealed class CommittedMatrixProductTests
{
    private const string Protocol = "committed-matmul";
    private const int M = 8, N = 16, P = 4;

    private sealed record Proof(
        LigeroCommitment A,
        LigeroCommitment B,
        SumcheckProof<GoldilocksExt2> Sumcheck,
        LigeroOpeningProof<GoldilocksExt2> OpenA,
        LigeroOpeningProof<GoldilocksExt2> OpenB);

    private static Goldilocks[] Multiply(Goldilocks[] a, Goldilocks[] b)
    {
        var c = new Goldilocks[M * P];
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < P; j++)
            {
                for (int k = 0; k < N; k++)
                {
                    c[(i * P) + j] += a[(i * N) + k] * b[(k * P) + j];
                }
            }
        }

        return c;
    }

    private static Proof Prove(Goldilocks[] a, Goldilocks[] b, Goldilocks[] c)
    {
        LigeroProverState stateA = LigeroProver.Commit(a, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(1));
        LigeroProverState stateB = LigeroProver.Commit(b, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(2));
        var transcript = new Transcript(Protocol);
        transcript.AbsorbDigest("a-root", stateA.Commitment.Root);
        transcript.AbsorbDigest("b-root", stateB.Commitment.Root);

        MatrixMultiplicationProverOutput<GoldilocksExt2> output = MatrixMultiplicationSumcheck.Prove<GoldilocksExt2>(transcript, a, b, c, M, N, P);
        LigeroOpeningProof<GoldilocksExt2> openA = LigeroProver.Open<GoldilocksExt2>(transcript, stateA, output.APoint, out _);
        LigeroOpeningProof<GoldilocksExt2> openB = LigeroProver.Open<GoldilocksExt2>(transcript, stateB, output.BPoint, out _);
        return new Proof(stateA.Commitment, stateB.Commitment, output.Proof, openA, openB);
    }

    private static bool Verify(Goldilocks[] c, Proof proof)
    {
        var transcript = new Transcript(Protocol);
        transcript.AbsorbDigest("a-root", proof.A.Root);
        transcript.AbsorbDigest("b-root", proof.B.Root);
        MatrixMultiplicationVerification<GoldilocksExt2> reduction = MatrixMultiplicationSumcheck.VerifyReduction(transcript, c, M, N, P, proof.Sumcheck);
        if (!reduction.IsValid)
        {
            return false;
        }

        return LigeroVerifier.Verify<GoldilocksExt2>(transcript, proof.A, LigeroParameters.NonHidingForBenchmarks, reduction.APoint, reduction.AEvaluation, proof.OpenA)
            && LigeroVerifier.Verify<GoldilocksExt2>(transcript, proof.B, LigeroParameters.NonHidingForBenchmarks, reduction.BPoint, reduction.BEvaluation, proof.OpenB);
    }

    [Fact]
    public void HonestProductVerifiesAgainstCommittedFactors()
    {
        var rng = new SeededWordSource(3000);
        Goldilocks[] a = rng.NextArray<Goldilocks>(M * N), b = rng.NextArray<Goldilocks>(N * P);
        Goldilocks[] c = Multiply(a, b);
        Assert.True(Verify(c, Prove(a, b, c)));
    }

    [Fact]
    public void WrongProductOrSwappedCommitmentIsRejected()
    {
        var rng = new SeededWordSource(3001);
        Goldilocks[] a = rng.NextArray<Goldilocks>(M * N), b = rng.NextArray<Goldilocks>(N * P);
        Goldilocks[] c = Multiply(a, b);
        Proof proof = Prove(a, b, c);

        Goldilocks[] wrong = (Goldilocks[])c.Clone();
        wrong[7] += Goldilocks.One;
        Assert.False(Verify(wrong, proof));
        Assert.False(Verify(wrong, Prove(a, b, wrong)));

        // Claims that pass the sumcheck but are opened against a commitment to a different A fail at the PCS.
        Goldilocks[] otherA = rng.NextArray<Goldilocks>(M * N);
        Proof other = Prove(otherA, b, Multiply(otherA, b));
        Assert.False(Verify(c, proof with { A = other.A }));
        Assert.False(Verify(c, proof with { OpenA = other.OpenA }));
    }
}
