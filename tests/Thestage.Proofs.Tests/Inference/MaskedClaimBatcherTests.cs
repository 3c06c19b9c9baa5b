using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Commitments;
using Thestage.Proofs.Tests.Statistics;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>
/// Claims on masked extensions of committed segments (<see cref="SegmentClaim{T}.MaskSegment"/>) discharged by one batched
/// hiding opening (<see cref="ClaimBatcher"/>): the committed polynomial holds two data segments, their mask coefficients and a
/// random segment; the claims are at points drawn after the commitment. Completeness, tampering, the simulator, and χ² over
/// every revealed element — the claimed values and the batched value included.
/// </summary>
public sealed class MaskedClaimBatcherTests
{
    private const string Protocol = "masked-claims-test";
    private const string PointLabel = "test/claim-point";
    private const string ValueLabel = "test/claim-values";

    // Segments: A (2^4 data), B (2^3 data), the masks of A (2·4 entries) and B (2·3 entries), and a random segment of 2 entries.
    private const int A = 0, B = 1, MaskA = 2, MaskB = 3, Random = 4;

    private static readonly LigeroParameters Hiding = LigeroParameters.DefaultHiding;

    private static readonly SegmentLayout Layout = SegmentLayout.Create([4, 3, 3, 3, 1], splitLargest: false);

    /// <summary>The claims of a proof: segment, whether masked; four on A (its capacity) and two on B, one of them plain.</summary>
    private static readonly (int Segment, bool Masked)[] Shape = [(A, true), (A, true), (B, true), (A, true), (B, false), (A, true)];

    internal sealed record Run(LigeroCommitment Commitment, SumcheckProof<E>[] Sumchecks, E[] Values, LigeroOpeningProof<E>[] Openings, IReadOnlyList<SumcheckMaskChunk> Chunks, LigeroOpeningProof<E>[] PoolOpenings);

    /// <summary>The committed table: the data, uniform masks and random entries from <paramref name="seed"/>.</summary>
    internal static Goldilocks[] Table(Goldilocks[] a, Goldilocks[] b, int seed)
    {
        var rng = new SeededWordSource(seed);
        Goldilocks[] maskA = rng.NextArray<Goldilocks>(8), maskB = [.. rng.NextArray<Goldilocks>(6), Goldilocks.Zero, Goldilocks.Zero];
        return Layout.Assemble([a, b, maskA, maskB, rng.NextArray<Goldilocks>(2)])[0];
    }

    private static Goldilocks[] Segment(Goldilocks[] table, int segment) => table.AsSpan(Layout.OffsetOf(segment), 1 << Layout.LogSizeOf(segment)).ToArray();

    private static int? MaskOf(int segment, bool masked) => masked ? (segment == A ? MaskA : MaskB) : null;

    /// <summary>
    /// The prover; <paramref name="claimedTable"/> lets a cheating prover compute its claims and run the batching sumcheck on another
    /// table than the committed one (the opening is of the committed one, as it must be).
    /// </summary>
    internal static Run Prove(Goldilocks[] table, int seed, Goldilocks[]? claimedTable = null)
    {
        claimedTable ??= table;
        var transcript = new Transcript(Protocol);
        LigeroProverState state = LigeroProver.Commit(table, Hiding, new SeededSaltSource(seed));
        transcript.AbsorbDigest("test/root", state.Commitment.Root);
        var builder = new ProofBuilder<E>(new SumcheckMaskPool<E>(Hiding, 8, new SeededSaltSource(seed + 1)));
        var points = new E[Shape.Length][];
        var values = new E[Shape.Length];
        for (int i = 0; i < Shape.Length; i++)
        {
            (int segment, bool masked) = Shape[i];
            E[] z = points[i] = transcript.Challenges<E>(PointLabel, Layout.LogSizeOf(segment));
            E[] data = Array.ConvertAll(Segment(claimedTable, segment), E.FromBase);
            values[i] = masked
                ? MaskedExtension.Evaluate<E>(data, MaskedExtension.Read<E>(Segment(claimedTable, MaskOf(segment, true)!.Value), z.Length), z)
                : MultilinearPolynomial<E>.Evaluate(data, z);
        }

        builder.Send(transcript, ValueLabel, values);
        var claims = Shape.Select((c, i) => new SegmentClaim<E>(c.Segment, points[i], values[i], MaskOf(c.Segment, c.Masked) ?? -1)).ToList();
        LigeroOpeningProof<E>[] openings = ClaimBatcher.Prove(transcript, builder, Layout, [claimedTable], [state], claims);
        return new Run(state.Commitment, [.. builder.Sumchecks], [.. builder.Values], openings, builder.Masks!.Chunks, builder.Masks.Open(transcript));
    }

    /// <summary>The verifier: <c>"accepted"</c>, or the first check that failed.</summary>
    internal static string Verify(Run run, Func<SegmentClaim<E>, SegmentClaim<E>>? change = null)
    {
        var transcript = new Transcript(Protocol);
        transcript.AbsorbDigest("test/root", run.Commitment.Root);
        var masks = new SumcheckMaskVerifier<E>(Hiding, run.Chunks);
        var cursor = new ProofCursor<E>(run.Sumchecks, run.Values, masks);
        var points = Shape.Select(c => transcript.Challenges<E>(PointLabel, Layout.LogSizeOf(c.Segment))).ToArray();
        if (!cursor.TryReceive(transcript, ValueLabel, Shape.Length, out E[] values))
        {
            return "values";
        }

        var claims = Shape.Select((c, i) => new SegmentClaim<E>(c.Segment, points[i], values[i], MaskOf(c.Segment, c.Masked) ?? -1)).Select(c => change?.Invoke(c) ?? c).ToList();
        try
        {
            ClaimBatcher.Verify(transcript, cursor, Layout, [run.Commitment], Hiding, claims, run.Openings, "test");
        }
        catch (ProofRejectedException rejection)
        {
            return rejection.Verdict.ToString();
        }

        return !cursor.IsExhausted ? "surplus" : masks.Finish(transcript, run.PoolOpenings) ? "accepted" : "pool";
    }

    internal static (Goldilocks[] A, Goldilocks[] B) Data(int seed)
    {
        var rng = new SeededWordSource(seed);
        return (rng.NextArray<Goldilocks>(16), rng.NextArray<Goldilocks>(8));
    }

    [Fact]
    public void MaskedClaimsAreDischargedByOneBatchedHidingOpening()
    {
        (Goldilocks[] a, Goldilocks[] b) = Data(8100);
        Goldilocks[] table = Table(a, b, 8101);
        Run run = Prove(table, 8102);
        Assert.Equal("accepted", Verify(run));

        // The masked values differ from the plain evaluations (the shift is nonzero off the cube) and are what the claims say.
        var transcript = new Transcript(Protocol);
        transcript.AbsorbDigest("test/root", run.Commitment.Root);
        E[] z = transcript.Challenges<E>(PointLabel, 4);
        Assert.NotEqual(MultilinearPolynomial<E>.Evaluate(Array.ConvertAll(a, E.FromBase), z), run.Values[0]);
    }

    [Fact]
    public void TamperedMaskedClaimsAreRejected()
    {
        (Goldilocks[] a, Goldilocks[] b) = Data(8200);
        Goldilocks[] table = Table(a, b, 8201);
        Run run = Prove(table, 8202);
        Assert.Equal("accepted", Verify(run));

        // A claimed value; a claim read as plain, or with another segment's mask.
        E[] values = (E[])run.Values.Clone();
        values[3] += E.One;
        Assert.NotEqual("accepted", Verify(run with { Values = values }));
        Assert.NotEqual("accepted", Verify(run, c => c.MaskSegment == MaskA ? c with { MaskSegment = -1 } : c));
        Assert.NotEqual("accepted", Verify(run, c => c.MaskSegment == MaskB ? c with { MaskSegment = MaskA } : c));

        // The batched opening and the batching sumcheck's claimed P̃(s).
        LigeroOpeningProof<E> opening = run.Openings[0];
        E[] row = opening.EvaluationRow.ToArray();
        row[0] += E.One;
        Assert.NotEqual("accepted", Verify(run with { Openings = [new LigeroOpeningProof<E>(opening.ProximityRow, row, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof)] }));
        SumcheckProof<E> batch = run.Sumchecks[0];
        var forged = new SumcheckProof<E>(Enumerable.Range(0, batch.RoundCount).Select(i => batch.GetRoundPolynomial(i).ToArray()).ToArray(), [batch.FactorEvaluations[0] + E.One, batch.FactorEvaluations[1]], batch.MaskSum, batch.MaskValue);
        Assert.NotEqual("accepted", Verify(run with { Sumchecks = [forged] }));

        // A mask segment that cannot hold the coefficients is a caller's error, not a proof's.
        Assert.Throws<ArgumentException>(() => Verify(run, c => c.MaskSegment == MaskA ? c with { MaskSegment = Random } : c));
    }

    [Fact]
    public void SimulatedBatchesOfMaskedClaimsNeedNeitherTheTableNorItsEvaluations()
    {
        // The simulator gets the layout, the claim points and programmed challenges (ρ of the batch, the sumcheck's ρ and s, the
        // opening's γ and columns); it draws every masked claim and P̃(s) uniformly — a plain claim's value is what it would leak
        // and is given — and simulates the batching sumcheck and the opening.
        var rng = new SeededWordSource(8400);
        E[][] points = Shape.Select(c => rng.NextArray<E>(Layout.LogSizeOf(c.Segment))).ToArray();
        E[] values = Shape.Select(_ => rng.Next<E>()).ToArray();
        var claims = Shape.Select((c, i) => new SegmentClaim<E>(c.Segment, points[i], values[i], MaskOf(c.Segment, c.Masked) ?? -1)).ToList();
        int v = Layout.NumVariables[0];
        E rho = rng.Next<E>(), weight = rng.Next<E>();
        E[] s = rng.NextArray<E>(v);
        E power = E.One, sum = E.Zero;
        foreach (SegmentClaim<E> claim in claims)
        {
            sum += power * claim.Value;
            power *= rho;
        }

        // W̃(s) from the public functional; P̃(s) uniform.
        var functional = new E[1 << v];
        power = E.One;
        foreach (SegmentClaim<E> claim in claims)
        {
            if (claim.MaskSegment >= 0)
            {
                MaskedExtension.AddWeights<E>(claim.Point, power, functional, Layout.OffsetOf(claim.Segment), Layout.OffsetOf(claim.MaskSegment));
            }
            else
            {
                FieldKernels.AddScaled<E>(functional.AsSpan(Layout.OffsetOf(claim.Segment)), power, EqPolynomial.Table<E>(claim.Point));
            }

            power *= rho;
        }

        E publicWeight = MultilinearPolynomial<E>.Evaluate(functional, s);
        E batched = rng.Next<E>();
        SumcheckProof<E> proof = Sumcheck.ZeroKnowledgeSumcheckTests.Simulate(sum, v, 2, weight, s, [batched, publicWeight], rng);
        Assert.Equal(SumcheckFailure.None, SumcheckVerifier.Check(sum, proof, weight, s).Failure);
        (E[] gamma, int[] indices) = LigeroHidingTests.ProgrammedChallenges(v, rng);
        (LigeroCommitment commitment, LigeroOpeningProof<E> opening) = LigeroHidingTests.Simulate(v, s, batched, gamma, indices, rng);
        Assert.Equal(LigeroVerdict.Accepted, LigeroVerifier.CheckHiding(commitment, Hiding, s, batched, opening, gamma, indices));
        Assert.Equal(SumcheckFailure.RoundSumMismatch, SumcheckVerifier.Check(sum + E.One, proof, weight, s).Failure);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EveryRevealedElementOfTwoTablesIsIndistinguishableOnlyWhenTheClaimsAreMasked(bool masked)
    {
        // Two tables whose A segments are constants (3 and p/2 everywhere: a plain claim on A reveals the constant at any point)
        // and whose B segments are equal. Revealed: the claimed values, the batching sumcheck (rounds, G, g(r), P̃(s), W̃(s)), the
        // opening's rows and columns.
        const int Proofs = 100;
        Goldilocks[] b = new SeededWordSource(8500).NextArray<Goldilocks>(8);
        Goldilocks[] first = Table(Enumerable.Repeat(new Goldilocks(3), 16).ToArray(), b, 8501);
        Goldilocks[] second = Table(Enumerable.Repeat(new Goldilocks(Goldilocks.Modulus / 2), 16).ToArray(), b, 8501);
        var test = new TwoSampleChiSquare();
        var claimsOnly = new TwoSampleChiSquare();
        for (int p = 0; p < Proofs; p++)
        {
            foreach ((Goldilocks[] source, bool isFirst) in new[] { (first, true), (second, false) })
            {
                int seed = 20_000 + (2 * p) + (isFirst ? 0 : 1);
                Goldilocks[] table = Fresh(source, seed);
                Run run = masked ? Prove(table, seed) : ProvePlainClaims(table, seed);
                foreach (E value in run.Values)
                {
                    test.Add(isFirst, value);
                    claimsOnly.Add(isFirst, value);
                }

                SumcheckProof<E> batch = run.Sumchecks[0];
                foreach (E value in Enumerable.Range(0, batch.RoundCount).SelectMany(i => batch.GetRoundPolynomial(i).ToArray()).Concat([batch.MaskSum, batch.MaskValue, .. batch.FactorEvaluations.ToArray()]))
                {
                    test.Add(isFirst, value);
                }

                foreach (E value in run.Openings[0].ProximityRow.ToArray().Concat(run.Openings[0].EvaluationRow.ToArray()))
                {
                    test.Add(isFirst, value);
                }

                foreach (Goldilocks value in run.Openings[0].Columns)
                {
                    if (isFirst)
                    {
                        test.AddFirst(value);
                    }
                    else
                    {
                        test.AddSecond(value);
                    }
                }
            }
        }

        Assert.True(masked != claimsOnly.Distinguishes, $"χ² = {claimsOnly.Statistic():F1} over {claimsOnly.Counts} claimed values");
        Assert.False(masked && test.Distinguishes, $"χ² = {test.Statistic():F1} over {test.Counts} values");
    }

    /// <summary>The table with fresh masks and random entries (the data kept), as every proof draws them.</summary>
    private static Goldilocks[] Fresh(Goldilocks[] table, int seed) => Table(Segment(table, A), Segment(table, B), seed);

    /// <summary>The same protocol with every claim on the plain multilinear extension (what hiding proofs reveal today).</summary>
    private static Run ProvePlainClaims(Goldilocks[] table, int seed)
    {
        var transcript = new Transcript(Protocol);
        LigeroProverState state = LigeroProver.Commit(table, Hiding, new SeededSaltSource(seed));
        transcript.AbsorbDigest("test/root", state.Commitment.Root);
        var builder = new ProofBuilder<E>(new SumcheckMaskPool<E>(Hiding, 8, new SeededSaltSource(seed + 1)));
        var claims = new List<SegmentClaim<E>>();
        foreach ((int segment, _) in Shape)
        {
            E[] z = transcript.Challenges<E>(PointLabel, Layout.LogSizeOf(segment));
            claims.Add(new SegmentClaim<E>(segment, z, MultilinearPolynomial<E>.Evaluate(Array.ConvertAll(Segment(table, segment), E.FromBase), z)));
        }

        E[] values = [.. claims.Select(c => c.Value)];
        builder.Send(transcript, ValueLabel, values);
        LigeroOpeningProof<E>[] openings = ClaimBatcher.Prove(transcript, builder, Layout, [table], [state], claims);
        return new Run(state.Commitment, [.. builder.Sumchecks], [.. builder.Values], openings, builder.Masks!.Chunks, builder.Masks.Open(transcript));
    }
}
