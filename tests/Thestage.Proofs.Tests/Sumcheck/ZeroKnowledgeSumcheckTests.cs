using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Statistics;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Sumcheck;

/// <summary>
/// The zero-knowledge sumcheck (<see cref="SumcheckMask{T}"/>, Libra's masking polynomial from a committed
/// <see cref="SumcheckMaskPool{T}"/>): completeness, the checks a cheating prover meets, the honest-verifier simulator and
/// the indistinguishability of the round messages of two witnesses with one sum.
/// </summary>
public sealed class ZeroKnowledgeSumcheckTests
{
    private const string Protocol = "zk-sumcheck-test";

    private static readonly LigeroParameters Hiding = LigeroParameters.DefaultHiding;

    /// <summary>A run of masked sumchecks in one transcript: the proofs, the pool's chunks and openings.</summary>
    internal sealed record MaskedRun(SumcheckProof<E>[] Proofs, IReadOnlyList<SumcheckMaskChunk> Chunks, LigeroOpeningProof<E>[] Openings, E[][] Points);

    internal static MultilinearPolynomial<E>[] RandomFactors(int numVariables, int degree, int seed)
    {
        var rng = new SeededWordSource(seed);
        return Enumerable.Range(0, degree).Select(_ => new MultilinearPolynomial<E>(rng.NextArray<E>(1 << numVariables))).ToArray();
    }

    internal static MaskedRun ProveMasked(IReadOnlyList<MultilinearPolynomial<E>[]> statements, int chunkLogSize, int seed)
    {
        var pool = new SumcheckMaskPool<E>(Hiding, chunkLogSize, new SeededSaltSource(seed));
        var transcript = new Transcript(Protocol);
        var proofs = new List<SumcheckProof<E>>();
        var points = new List<E[]>();
        foreach (MultilinearPolynomial<E>[] factors in statements)
        {
            SumcheckProverOutput<E> output = SumcheckProver.Prove(transcript, SumcheckProver.ComputeSum(factors), factors, pool);
            proofs.Add(output.Proof);
            points.Add(output.Point.ToArray());
        }

        return new MaskedRun([.. proofs], pool.Chunks, pool.Open(transcript), [.. points]);
    }

    /// <summary>Verifies a run: every sumcheck, then the pool; returns the first failure or <see cref="SumcheckFailure.None"/>, and whether the pool opened.</summary>
    internal static (SumcheckFailure Failure, bool PoolOpened) VerifyMasked(IReadOnlyList<(E Sum, int V, int D)> statements, MaskedRun run)
    {
        var transcript = new Transcript(Protocol);
        var masks = new SumcheckMaskVerifier<E>(Hiding, run.Chunks);
        for (int s = 0; s < statements.Count; s++)
        {
            SumcheckVerification<E> result = SumcheckVerifier.Verify(transcript, statements[s].Sum, statements[s].V, statements[s].D, run.Proofs[s], masks);
            if (!result.IsValid)
            {
                return (result.Failure, false);
            }
        }

        return (SumcheckFailure.None, masks.Finish(transcript, run.Openings));
    }

    private static (E Sum, int V, int D)[] Statements(MultilinearPolynomial<E>[][] factors) =>
        factors.Select(f => (SumcheckProver.ComputeSum(f), System.Numerics.BitOperations.Log2((uint)f[0].Evaluations.Length), f.Length)).ToArray();

    [Theory]
    [InlineData(0, 1, 4)]
    [InlineData(1, 1, 4)]
    [InlineData(3, 2, 4)]
    [InlineData(5, 3, 4)]
    [InlineData(6, 4, 10)]
    [InlineData(13, 2, 10)]
    public void MaskedProofsVerifyAndReduceToTheFactorEvaluations(int numVariables, int degree, int chunkLogSize)
    {
        // Three sumchecks in one transcript; with 2^4-entry chunks every mask of v ≥ 2 opens a chunk of its own.
        MultilinearPolynomial<E>[][] factors = [.. Enumerable.Range(0, 3).Select(i => RandomFactors(numVariables, degree, (100 * numVariables) + (10 * degree) + i))];
        MaskedRun run = ProveMasked(factors, chunkLogSize, 7);
        Assert.Equal((SumcheckFailure.None, true), VerifyMasked(Statements(factors), run));
        for (int s = 0; s < factors.Length; s++)
        {
            for (int k = 0; k < degree; k++)
            {
                Assert.Equal(factors[s][k].Evaluate(run.Points[s]), run.Proofs[s].FactorEvaluations[k]);
            }
        }
    }

    [Fact]
    public void MaskedAndPlainProofsAreNotInterchangeable()
    {
        MultilinearPolynomial<E>[] factors = RandomFactors(4, 2, 1);
        E sum = SumcheckProver.ComputeSum(factors);
        MaskedRun run = ProveMasked([factors], 10, 2);
        Assert.Equal(SumcheckFailure.MalformedProof, SumcheckVerifier.Verify(new Transcript(Protocol), sum, 4, 2, run.Proofs[0]).Failure);

        SumcheckProof<E> plain = SumcheckProver.Prove(new Transcript(Protocol), sum, factors).Proof;
        var masks = new SumcheckMaskVerifier<E>(Hiding, run.Chunks);
        Assert.Equal(SumcheckFailure.MalformedProof, SumcheckVerifier.Verify(new Transcript(Protocol), sum, 4, 2, plain, masks).Failure);
    }

    private static SumcheckProof<E> Rebuild(SumcheckProof<E> proof, Func<int, E[], E[]>? round = null, E? maskSum = null, E? maskValue = null, E[]? factors = null) =>
        new(
            Enumerable.Range(0, proof.RoundCount).Select(i => round is null ? proof.GetRoundPolynomial(i).ToArray() : round(i, proof.GetRoundPolynomial(i).ToArray())).ToArray(),
            factors ?? proof.FactorEvaluations.ToArray(),
            maskSum ?? proof.MaskSum,
            maskValue ?? proof.MaskValue);

    [Fact]
    public void TamperedMaskedProofsAreRejected()
    {
        MultilinearPolynomial<E>[][] factors = [RandomFactors(5, 3, 3)];
        (E Sum, int V, int D)[] statements = Statements(factors);
        MaskedRun run = ProveMasked(factors, 10, 4);
        MaskedRun With(SumcheckProof<E> proof) => run with { Proofs = [proof] };

        Assert.Equal(SumcheckFailure.RoundSumMismatch, VerifyMasked([(statements[0].Sum + E.One, 5, 3)], run).Failure);
        Assert.Equal(SumcheckFailure.RoundSumMismatch, VerifyMasked(statements, With(Rebuild(run.Proofs[0], maskSum: run.Proofs[0].MaskSum + E.One))).Failure);
        Assert.Equal(SumcheckFailure.FinalEvaluationMismatch, VerifyMasked(statements, With(Rebuild(run.Proofs[0], maskValue: run.Proofs[0].MaskValue + E.One))).Failure);
        Assert.Equal(SumcheckFailure.RoundSumMismatch, VerifyMasked(statements, With(Rebuild(run.Proofs[0], (i, v) => i == 2 ? [v[0] + E.One, .. v[1..]] : v))).Failure);

        // The pool: a changed opening, a missing chunk, a surplus chunk.
        LigeroOpeningProof<E> opening = run.Openings[0];
        E[] proximity = opening.ProximityRow.ToArray();
        proximity[0] += E.One;
        var tampered = new LigeroOpeningProof<E>(proximity, opening.EvaluationRow, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof);
        Assert.Equal((SumcheckFailure.None, false), VerifyMasked(statements, run with { Openings = [tampered] }));
        Assert.Equal(SumcheckFailure.MalformedProof, VerifyMasked(statements, run with { Chunks = [] }).Failure);
        Assert.Equal((SumcheckFailure.None, false), VerifyMasked(statements, run with { Chunks = [.. run.Chunks, run.Chunks[0]], Openings = [.. run.Openings, opening] }));
        Assert.Equal(SumcheckFailure.MalformedProof, VerifyMasked(statements, run with { Chunks = [run.Chunks[0] with { LogSize = 30 }] }).Failure);
    }

    /// <summary>
    /// The honest-verifier simulator: it programs <c>ρ</c> and <c>r</c>, draws its own mask, and chooses the round polynomials
    /// of the unmasked part at random subject only to <c>q_0(0) + q_0(1) = H</c>, the chaining, and <c>q_(v−1)(r_(v−1)) = Π_k f_k(r)</c>
    /// (the factor evaluations it is given: what the sumcheck alone does not hide). It never reads the factors' tables.
    /// </summary>
    internal static SumcheckProof<E> Simulate(E sum, int numVariables, int degree, E weight, E[] point, E[] factorEvaluations, SeededWordSource rng) =>
        Simulate(sum, numVariables, degree, weight, point, factorEvaluations, factorEvaluations.Aggregate(E.One, (a, b) => a * b), rng);

    /// <summary>The simulator for a sum of products: <paramref name="target"/> is <c>Σ_t a_t·Π_(k∈t) f_k(r)</c> of the given evaluations.</summary>
    internal static SumcheckProof<E> Simulate(E sum, int numVariables, int degree, E weight, E[] point, E[] factorEvaluations, E target, SeededWordSource rng)
    {
        var pool = new SumcheckMaskPool<E>(Hiding, SumcheckMaskChunk.MinLogSize, new SeededSaltSource(rng.NextInt(int.MaxValue)));
        SumcheckMask<E> mask = pool.Take(new Transcript("simulator"), numVariables, degree);
        mask.Weight = weight;
        var rounds = new E[numVariables][];
        E claim = sum;
        for (int i = 0; i < numVariables; i++)
        {
            E[] q = rng.NextArray<E>(degree + 1);
            if (i < numVariables - 1)
            {
                q[0] = claim - q[1];
            }
            else
            {
                // q(0) + q(1) = claim and q(r) = target: with L_t the Lagrange basis on 0 … d, solve for q(0) and q(1).
                E Basis(int t) => UnivariatePolynomial.EvaluateFromNodeValues<E>(Enumerable.Range(0, degree + 1).Select(u => u == t ? E.One : E.Zero).ToArray(), point[i]);
                E rest = target;
                for (int t = 2; t <= degree; t++)
                {
                    rest -= Basis(t) * q[t];
                }

                q[0] = (rest - (Basis(1) * claim)) * E.Invert(Basis(0) - Basis(1));
                q[1] = claim - q[0];
            }

            claim = UnivariatePolynomial.EvaluateFromNodeValues<E>(q, point[i]);
            mask.AddRound(q, i);
            mask.Bind(i, point[i]);
            rounds[i] = q;
        }

        return new SumcheckProof<E>(rounds, factorEvaluations, mask.Sum, mask.Value);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 2)]
    [InlineData(6, 3)]
    [InlineData(3, 5)]
    public void SimulatedMaskedSumchecksWithoutTheTablesAreAcceptedByTheVerifierChecks(int numVariables, int degree)
    {
        var rng = new SeededWordSource(5000 + (10 * numVariables) + degree);
        MultilinearPolynomial<E>[] factors = RandomFactors(numVariables, degree, rng.NextInt(1000));
        E sum = SumcheckProver.ComputeSum(factors);
        E weight = rng.Next<E>();
        E[] point = rng.NextArray<E>(numVariables);
        E[] leaked = factors.Select(f => f.Evaluate(point)).ToArray();
        SumcheckProof<E> proof = Simulate(sum, numVariables, degree, weight, point, leaked, rng);
        Assert.Equal(SumcheckFailure.None, SumcheckVerifier.Check(sum, proof, weight, point).Failure);
        Assert.Equal(SumcheckFailure.RoundSumMismatch, SumcheckVerifier.Check(sum + E.One, proof, weight, point).Failure);

        // The simulated proof passes the same byte format as a real one.
        SumcheckProof<E> reread = SumcheckProofSerializer.Deserialize<E>(SumcheckProofSerializer.Serialize(proof));
        Assert.Equal(SumcheckFailure.None, SumcheckVerifier.Check(sum, reread, weight, point).Failure);
    }

    /// <summary>Two witnesses with one sum: the second factor list is the first with two entries of the first factor traded.</summary>
    private static (MultilinearPolynomial<E>[] First, MultilinearPolynomial<E>[] Second) TwoWitnessesWithOneSum(int numVariables, int seed)
    {
        MultilinearPolynomial<E>[] first = RandomFactors(numVariables, 2, seed);
        E[] a = first[0].Evaluations.ToArray();
        E[] b = first[1].Evaluations.ToArray();
        var rng = new SeededWordSource(seed + 1);
        E[] changed = rng.NextArray<E>(a.Length);
        // Σ changed·b = Σ a·b: adjust one entry.
        E difference = Enumerable.Range(0, a.Length).Aggregate(E.Zero, (s, i) => s + ((a[i] - changed[i]) * b[i]));
        changed[0] += difference * E.Invert(b[0]);
        MultilinearPolynomial<E>[] second = [new(changed), first[1]];
        Assert.Equal(SumcheckProver.ComputeSum(first), SumcheckProver.ComputeSum(second));
        return (first, second);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RoundMessagesOfTwoWitnessesWithOneSumAreIndistinguishableOnlyWhenMasked(bool masked)
    {
        const int NumVariables = 4, Proofs = 40;
        (MultilinearPolynomial<E>[] first, MultilinearPolynomial<E>[] second) = TwoWitnessesWithOneSum(NumVariables, 6000);
        var test = new TwoSampleChiSquare();
        for (int s = 0; s < Proofs; s++)
        {
            foreach ((MultilinearPolynomial<E>[] factors, bool isFirst) in new[] { (first, true), (second, false) })
            {
                SumcheckProof<E> proof = masked
                    ? ProveMasked([factors], 10, (2 * s) + (isFirst ? 0 : 1)).Proofs[0]
                    : SumcheckProver.Prove(new Transcript(Protocol), SumcheckProver.ComputeSum(factors), factors).Proof;
                IEnumerable<E> revealed = Enumerable.Range(0, proof.RoundCount).SelectMany(i => proof.GetRoundPolynomial(i).ToArray());
                foreach (E value in masked ? revealed.Append(proof.MaskSum) : revealed)
                {
                    test.Add(isFirst, value);
                }
            }
        }

        Assert.True(masked != test.Distinguishes, $"χ² = {test.Statistic():F1} over {test.Counts} values");
    }

    [Fact]
    public void MaskedMatrixMultiplicationReducesToTheSameEvaluationClaims()
    {
        var rng = new SeededWordSource(9100);
        const int M = 4, N = 8, P = 2;
        Goldilocks[] a = rng.NextArray<Goldilocks>(M * N), b = rng.NextArray<Goldilocks>(N * P);
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

        var pool = new SumcheckMaskPool<E>(Hiding, 8, new SeededSaltSource(9101));
        var proverTranscript = new Transcript(Protocol);
        MatrixMultiplicationProverOutput<E> output = MatrixMultiplicationSumcheck.Prove<E>(proverTranscript, a, b, c, M, N, P, pool);
        Assert.True(output.Proof.IsMasked);
        LigeroOpeningProof<E>[] openings = pool.Open(proverTranscript);

        var transcript = new Transcript(Protocol);
        var masks = new SumcheckMaskVerifier<E>(Hiding, pool.Chunks);
        MatrixMultiplicationVerification<E> reduction = MatrixMultiplicationSumcheck.VerifyReduction(transcript, c, M, N, P, output.Proof, masks);
        Assert.True(reduction.IsValid);
        E[] s = reduction.Sumcheck.Point.ToArray();
        Assert.Equal(MatrixMultiplicationSumcheck.EvaluateMatrix<E>(a, [.. reduction.RowPoint, .. s]), reduction.AEvaluation);
        Assert.Equal(MatrixMultiplicationSumcheck.EvaluateMatrix<E>(b, [.. s, .. reduction.ColumnPoint]), reduction.BEvaluation);
        Assert.True(masks.Finish(transcript, openings));

        // A wrong product is refused.
        c[0] += Goldilocks.One;
        Assert.False(MatrixMultiplicationSumcheck.VerifyReduction(new Transcript(Protocol), c, M, N, P, output.Proof, new SumcheckMaskVerifier<E>(Hiding, pool.Chunks)).IsValid);
    }
}
