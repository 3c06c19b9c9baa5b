using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Statistics;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Lookups;

/// <summary>
/// The zero-knowledge logUp GKR (<see cref="FractionalSumcheck.ProveZeroKnowledge{T}"/>: masked layers after Libra §4.2, a masked
/// root step, masked leaf claims): completeness, out-of-range values refused, every new field tampered, an honest-verifier
/// simulator, and the χ² test over every revealed element for two arrangements of one histogram.
/// </summary>
public sealed class ZeroKnowledgeLogUpGkrTests(Xunit.Abstractions.ITestOutputHelper output)
{
    internal const int TableBits = 8;
    private const string Protocol = "zk-logup-gkr-test";

    private static readonly LigeroParameters Hiding = LigeroParameters.DefaultHiding;

    /// <summary>A proof of the zero-knowledge lookup, with what its verifier needs.</summary>
    internal sealed record Run(
        (Goldilocks[] Values, ulong Scale)[] Columns,
        Goldilocks[]?[] Masks,
        List<SumcheckProof<E>> Sumchecks,
        List<E> Values,
        IReadOnlyList<SumcheckMaskChunk> Chunks,
        LigeroOpeningProof<E>[] Openings);

    internal static Run Prove((Goldilocks[] Values, ulong Scale)[] columns, Goldilocks[]?[] masks, int seed, bool zeroKnowledge = true, bool forge = false)
    {
        var transcript = new Transcript(Protocol);
        var builder = new ProofBuilder<E>(new SumcheckMaskPool<E>(Hiding, 12, new SeededSaltSource(seed)));
        LogUpArgument.Prove(
            transcript, builder, columns, LogUpArgument.Multiplicities(columns, TableBits), TableBits, commitMultiplicities: true,
            columnMasks: zeroKnowledge ? masks : null, zeroKnowledge: zeroKnowledge, shiftClaimThroughMask: forge);
        return new Run(columns, masks, builder.Sumchecks, builder.Values, builder.Masks!.Chunks, builder.Masks.Open(transcript));
    }

    /// <summary>Verifies as a caller would, checking the column claims against the columns' masked extensions.</summary>
    internal static bool Accepts(Run run, bool zeroKnowledge = true)
    {
        var transcript = new Transcript(Protocol);
        var masks = new SumcheckMaskVerifier<E>(Hiding, run.Chunks);
        var cursor = new ProofCursor<E>(run.Sumchecks, run.Values, masks);
        LogUpClaims<E>? claims = LogUpArgument.Verify(transcript, cursor, Specs(run, zeroKnowledge), TableBits, committedMultiplicities: true, zeroKnowledge: zeroKnowledge);
        return claims is not null
            && cursor.IsExhausted
            && Enumerable.Range(0, run.Columns.Length).All(j => ColumnClaim(run, j, claims) == claims.ColumnValues[j])
            && masks.Finish(transcript, run.Openings);
    }

    internal static E ColumnClaim(Run run, int j, LogUpClaims<E> claims)
    {
        E value = MatrixMultiplicationSumcheck.EvaluateMatrix<E>(run.Columns[j].Values, claims.ColumnPoints[j]);
        return claims.ColumnMaskPoints[j] is { } maskPoint
            ? value + MaskedExtension.Shift<E>(MaskedExtension.Read<E>(run.Masks[j], claims.ColumnPoints[j].Length), maskPoint)
            : value;
    }

    internal static Goldilocks[] RandomMask(Random random, int logSize) =>
        Enumerable.Range(0, MaskedExtension.Entries(logSize)).Select(_ => new Goldilocks((ulong)random.NextInt64(0, long.MaxValue) % Goldilocks.Modulus)).ToArray();

    /// <summary>A column of random bytes of <c>2^logSize</c> entries and a scaled 4-entry column, both masked.</summary>
    internal static ((Goldilocks[] Values, ulong Scale)[] Columns, Goldilocks[]?[] Masks) Columns(int seed, int logSize, ulong outlier = 0)
    {
        var random = new Random(seed);
        Goldilocks[] values = Enumerable.Range(0, 1 << logSize).Select(_ => new Goldilocks((ulong)random.Next(256))).ToArray();
        values[^1] = outlier == 0 ? values[^1] : new Goldilocks(outlier);
        (Goldilocks[] Values, ulong Scale)[] columns = [(values, 1UL), ([new Goldilocks(3), new Goldilocks(20), new Goldilocks(0), new Goldilocks(63)], 4UL)];
        return (columns, [RandomMask(random, logSize), RandomMask(random, 2)]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(9)]
    public void HonestZeroKnowledgeLookupsAreAcceptedAndRefusedAsAnotherMode(int logSize)
    {
        ((Goldilocks[] Values, ulong Scale)[] columns, Goldilocks[]?[] masks) = Columns(logSize, logSize);
        Run run = Prove(columns, masks, 1);
        Assert.All(run.Sumchecks, s => Assert.True(s.IsMasked));
        Assert.True(Accepts(run));
        Assert.False(Accepts(run, zeroKnowledge: false));
        Assert.False(Accepts(Prove(columns, masks, 1, zeroKnowledge: false)));

        // A plain column beside a masked one.
        Run mixed = Prove(columns, [masks[0], null], 2);
        Assert.True(Accepts(mixed));
    }

    [Theory]
    [InlineData(256UL)]
    [InlineData(1000UL)]
    [InlineData(Goldilocks.Modulus - 1)]
    public void OutOfRangeValuesAreRefusedWithMasksOn(ulong outlier)
    {
        ((Goldilocks[] Values, ulong Scale)[] columns, Goldilocks[]?[] masks) = Columns(7, 6, outlier);
        Assert.False(Accepts(Prove(columns, masks, 3)));
    }

    [Fact]
    public void TamperedZeroKnowledgeLookupsAreRejected()
    {
        ((Goldilocks[] Values, ulong Scale)[] columns, Goldilocks[]?[] masks) = Columns(11, 6);
        Run run = Prove(columns, masks, 4);
        Assert.True(Accepts(run));
        for (int i = 0; i < run.Sumchecks.Count; i++)
        {
            SumcheckProof<E> proof = run.Sumchecks[i];
            E[][] rounds = Enumerable.Range(0, proof.RoundCount).Select(r => proof.GetRoundPolynomial(r).ToArray()).ToArray();
            E[] evaluations = proof.FactorEvaluations.ToArray();

            // Every round value, every final value (children, E_j, the root's ṗ_1(t) and q̇_1(1 − t)), G and g(r).
            for (int r = 0; r < rounds.Length; r++)
            {
                for (int k = 0; k < rounds[r].Length; k++)
                {
                    E[][] changed = rounds.Select(a => (E[])a.Clone()).ToArray();
                    changed[r][k] += E.One;
                    AssertRejectedWith(run, i, new SumcheckProof<E>(changed, evaluations, proof.MaskSum, proof.MaskValue));
                }
            }

            for (int k = 0; k < evaluations.Length; k++)
            {
                E[] changed = (E[])evaluations.Clone();
                changed[k] += E.One;
                AssertRejectedWith(run, i, new SumcheckProof<E>(rounds, changed, proof.MaskSum, proof.MaskValue));
            }

            AssertRejectedWith(run, i, new SumcheckProof<E>(rounds, evaluations, proof.MaskSum + E.One, proof.MaskValue));
            AssertRejectedWith(run, i, new SumcheckProof<E>(rounds, evaluations, proof.MaskSum, proof.MaskValue + E.One));
            AssertRejectedWith(run, i, new SumcheckProof<E>(rounds, evaluations));
            AssertRejectedWith(run, i, new SumcheckProof<E>(rounds, [.. evaluations, E.One], proof.MaskSum, proof.MaskValue));
        }

        // The leaf claims (the columns', the multiplicities'), a missing or surplus value, the layers reordered, the pool's opening.
        for (int v = 0; v < run.Values.Count; v++)
        {
            var values = new List<E>(run.Values);
            values[v] += E.One;
            Assert.False(Accepts(run with { Values = values }));
        }

        Assert.False(Accepts(run with { Values = run.Values.Take(run.Values.Count - 1).ToList() }));
        Assert.False(Accepts(run with { Values = [.. run.Values, E.One] }));
        var swapped = new List<SumcheckProof<E>>(run.Sumchecks);
        (swapped[1], swapped[2]) = (swapped[2], swapped[1]);
        Assert.False(Accepts(run with { Sumchecks = swapped }));
        Assert.False(Accepts(run with { Sumchecks = run.Sumchecks.Take(run.Sumchecks.Count - 1).ToList() }));
        Assert.False(Accepts(run with { Openings = [] }));
        Run other = Prove(columns, masks, 5);
        Assert.False(Accepts(run with { Openings = other.Openings }));
        Assert.False(Accepts(run with { Chunks = other.Chunks }));

        // The masks of the columns other than the committed ones.
        Goldilocks[]?[] otherMasks = [RandomMask(new Random(99), 6), masks[1]];
        Assert.False(Accepts(run with { Masks = otherMasks }));
    }

    private static void AssertRejectedWith(Run run, int index, SumcheckProof<E> proof)
    {
        var sumchecks = new List<SumcheckProof<E>>(run.Sumchecks) { [index] = proof };
        Assert.False(Accepts(run with { Sumchecks = sumchecks }), $"sumcheck {index}");
    }

    /// <summary>
    /// Two columns with one histogram (32 zeros and 32 times 255), sorted or shuffled, 60 proofs each. Every element the lookup reveals
    /// besides the pool's Ligero opening (round messages, final values of every layer, mask sums and values, the leaf claims) in one χ²
    /// test, and a distinguisher in another: the sorted column's extension is <c>255·u_0</c>, so its leaf claim minus <c>255·u_0</c> (public)
    /// is 0 when the claim is plain. With the zero-knowledge GKR and masked leaves neither test tells the arrangements apart; the
    /// masked-sumcheck lookup of today's hiding formats (claims revealed) is told apart.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EveryRevealedElementOfTwoArrangementsOfOneHistogramIsIndistinguishableOnlyWithTheZeroKnowledgeGkr(bool zeroKnowledge)
    {
        const int LogSize = 6, Proofs = 60;
        var random = new Random(5);
        Goldilocks[] sorted = Enumerable.Range(0, 1 << LogSize).Select(i => new Goldilocks((ulong)(i < 32 ? 0 : 255))).ToArray();
        Goldilocks[] shuffled = sorted.OrderBy(_ => random.Next()).ToArray();
        var everything = new TwoSampleChiSquare();
        var residuals = new TwoSampleChiSquare();
        for (int s = 0; s < Proofs; s++)
        {
            foreach ((Goldilocks[] values, bool first) in new[] { (sorted, true), (shuffled, false) })
            {
                var seeded = new Random(1000 + (2 * s) + (first ? 0 : 1));
                Run run = Prove([(values, 1UL)], [RandomMask(seeded, LogSize)], (2 * s) + (first ? 0 : 1), zeroKnowledge);
                Assert.True(Accepts(run, zeroKnowledge));
                AddRevealed(everything, first, run);
                LogUpClaims<E> claims = Claims(run, zeroKnowledge);
                residuals.Add(first, claims.ColumnValues[0] - (E.FromUInt64(255) * claims.ColumnPoints[0][0]));
            }
        }

        string message = $"χ² = {everything.Statistic():F1} over {everything.Counts} values, {residuals.Statistic():F1} over the residuals";
        output.WriteLine(message);
        Assert.True(zeroKnowledge ? !everything.Distinguishes && !residuals.Distinguishes : residuals.Distinguishes, message);
    }

    private static LogUpClaims<E> Claims(Run run, bool zeroKnowledge)
    {
        var transcript = new Transcript(Protocol);
        var masks = new SumcheckMaskVerifier<E>(Hiding, run.Chunks);
        return LogUpArgument.Verify(transcript, new ProofCursor<E>(run.Sumchecks, run.Values, masks), Specs(run, zeroKnowledge), TableBits, true, zeroKnowledge)!;
    }

    internal static LookupColumnSpec[] Specs(Run run, bool zeroKnowledge) => run.Columns
        .Select((c, j) => new LookupColumnSpec(System.Numerics.BitOperations.Log2((uint)c.Values.Length), c.Scale, 0, zeroKnowledge && run.Masks[j] is not null))
        .ToArray();

    /// <summary>
    /// The honest-verifier simulator of the zero-knowledge lookup: given only the statement (the columns' sizes, scales and masked flags,
    /// the table) and the right to program every challenge (<c>α</c>, each step's <c>ρ_g</c>, <c>λ</c>, point and line), it draws the leaf
    /// claims, every layer's children, <c>E_j</c>, the root's <c>ṗ_1(t)</c>, <c>q̇_1(1 − t)</c> and every mask uniformly — constrained only by
    /// the last layer's line meeting the leaves — and the round polynomials uniformly subject to the sumcheck's constraints
    /// (<c>Sumcheck/ZeroKnowledgeSumcheckTests.Simulate</c>). It reads no
    /// column and no multiplicity, and the verifier's checks (<see cref="FractionalSumcheck.CheckRoot{T}"/>,
    /// <see cref="FractionalSumcheck.CheckLayer{T}"/>, <see cref="LogUpArgument.Leaves{T}"/>) accept. The values it hands the pool
    /// (<c>g(r)</c>, <c>E_j</c>, <c>ṁ(z)</c>) are uniform, as the real ones are; their batched hiding opening is simulated from its value
    /// alone (<c>Commitments/LigeroHidingTests.Simulate</c>).
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    public void SimulatedZeroKnowledgeLookupsNeedOnlyTheStatementAndPassTheVerifierChecks(int logSize)
    {
        var rng = new SeededWordSource(7000 + logSize);
        LookupColumnSpec[] specs = [new(logSize, 1, 0, true), new(2, 4, 0, true)];
        (LogUpLayout layout, int leafVariables, E alpha, E[] leafPoint, E[] columnValues, E multiplicity, List<SumcheckProof<E>> proofs,
            (E Lambda, E Weight, E[] Point, E Line)[] challenges, (E[] Z, E P, E Q) lastInput) = SimulateLookup(specs, TableBits, rng);
        (E pLeaf, E qLeaf) = LogUpArgument.Leaves(layout, specs, alpha, leafPoint, columnValues, multiplicity);

        // The checks can fail: a simulated child moved, or the leaf claims of another statement (a column read unmasked, scaled otherwise).
        SumcheckProof<E> last = proofs[^1];
        E[] moved = last.FactorEvaluations.ToArray();
        moved[0] += E.One;
        var tampered = new SumcheckProof<E>(Enumerable.Range(0, last.RoundCount).Select(r => last.GetRoundPolynomial(r).ToArray()).ToArray(), moved, last.MaskSum, last.MaskValue);
        (E lambdaLast, E weightLast, E[] sLast, E lineLast) = challenges[^1];
        Assert.True(FractionalSumcheck.CheckLayer(last, leafVariables - 1, lastInput.Z, lastInput.P, lastInput.Q, lambdaLast, weightLast, sLast, lineLast, out _, out _, out _));
        Assert.False(FractionalSumcheck.CheckLayer(tampered, leafVariables - 1, lastInput.Z, lastInput.P, lastInput.Q, lambdaLast, weightLast, sLast, lineLast, out _, out _, out _));
        LookupColumnSpec[] other = [specs[0] with { Scale = 2 }, specs[1]];
        Assert.NotEqual((pLeaf, qLeaf), LogUpArgument.Leaves(layout, other, alpha, leafPoint, columnValues, multiplicity));
    }

    /// <summary>What <see cref="SimulateLookup"/> drew and programmed.</summary>
    internal sealed record SimulatedLookup(
        LogUpLayout Layout, int LeafVariables, E Alpha, E[] LeafPoint, E[] ColumnValues, E Multiplicity, List<SumcheckProof<E>> Proofs,
        (E Lambda, E Weight, E[] Point, E Line)[] Challenges, (E[] Z, E P, E Q) LastInput);

    /// <summary>
    /// The honest-verifier simulator of a zero-knowledge lookup of <paramref name="specs"/> (see
    /// <see cref="SimulatedZeroKnowledgeLookupsNeedOnlyTheStatementAndPassTheVerifierChecks"/>): it reads only the statement, programs every
    /// challenge, draws the leaf claims uniformly and asserts that the verifier's root and layer checks accept and end at the leaves.
    /// </summary>
    internal static SimulatedLookup SimulateLookup(LookupColumnSpec[] specs, int tableBits, SeededWordSource rng)
    {
        LogUpLayout layout = LogUpLayout.Create(specs, tableBits);
        int leafVariables = layout.LogSize;
        E alpha = rng.Next<E>(), rootWeight = rng.Next<E>(), t = rng.Next<E>();
        (E Lambda, E Weight, E[] Point, E Line)[] challenges = Enumerable.Range(1, leafVariables - 1)
            .Select(j => (rng.Next<E>(), rng.Next<E>(), rng.NextArray<E>(j), rng.Next<E>())).ToArray();
        E[] leafPoint = [.. challenges[^1].Point, challenges[^1].Line];
        E[] columnValues = rng.NextArray<E>(specs.Length);
        E multiplicity = rng.Next<E>();
        (E pLeaf, E qLeaf) = LogUpArgument.Leaves(layout, specs, alpha, leafPoint, columnValues, multiplicity);

        E top0 = rng.Next<E>(), top1 = rng.Next<E>();
        SumcheckProof<E> root = Sumcheck.ZeroKnowledgeSumcheckTests.Simulate(E.Zero, 1, 4, rootWeight, [t], [top0, top1], top0 * top1, rng);
        Assert.True(FractionalSumcheck.CheckRoot(root, rootWeight, t));
        var proofs = new List<SumcheckProof<E>> { root };
        E pClaim = top0, qClaim = top1;
        E[] z = [t];
        (E[] Z, E P, E Q) lastInput = ([], E.Zero, E.Zero);
        for (int j = 1; j < leafVariables; j++)
        {
            (E lambda, E weight, E[] s, E line) = challenges[j - 1];
            lastInput = (z, pClaim, qClaim);
            E pl = rng.Next<E>(), ql = rng.Next<E>(), e = rng.Next<E>();
            (E pr, E qr) = j + 1 < leafVariables
                ? (rng.Next<E>(), rng.Next<E>())
                : (pl + ((pLeaf - pl) * E.Invert(line)), ql + ((qLeaf - ql) * E.Invert(line)));
            E vanishing = MaskedExtension.Vanishing(j == 1 ? z[0] : z[j - 2]);
            E products = j == 1
                ? (EqPolynomial.Evaluate<E>(z, s) * ((pl * qr) + (pr * ql))) + (lambda * EqPolynomial.Evaluate<E>([E.One - t], s) * ql * qr)
                : EqPolynomial.Evaluate<E>(z, s) * ((pl * qr) + (pr * ql) + (lambda * ql * qr));
            E target = products + (E.FromBase(Goldilocks.Pow(Goldilocks.Invert(new Goldilocks(2)), (ulong)(j - 1))) * vanishing * e);
            SumcheckProof<E> layer = Sumcheck.ZeroKnowledgeSumcheckTests.Simulate(pClaim + (lambda * qClaim), j, 5, weight, s, [pl, pr, ql, qr, e], target, rng);
            proofs.Add(layer);
            Assert.True(FractionalSumcheck.CheckLayer(layer, j, z, pClaim, qClaim, lambda, weight, s, line, out z, out pClaim, out qClaim), $"layer {j}");
        }

        Assert.Equal(leafPoint, z);
        Assert.Equal((pLeaf, qLeaf), (pClaim, qClaim));
        return new SimulatedLookup(layout, leafVariables, alpha, leafPoint, columnValues, multiplicity, proofs, challenges, lastInput);
    }

    internal static void AddRevealed(TwoSampleChiSquare test, bool first, Run run)
    {
        foreach (SumcheckProof<E> proof in run.Sumchecks)
        {
            for (int r = 0; r < proof.RoundCount; r++)
            {
                foreach (E value in proof.GetRoundPolynomial(r))
                {
                    test.Add(first, value);
                }
            }

            foreach (E value in proof.FactorEvaluations)
            {
                test.Add(first, value);
            }

            test.Add(first, proof.MaskSum);
            test.Add(first, proof.MaskValue);
        }

        foreach (E value in run.Values)
        {
            test.Add(first, value);
        }
    }
}
