using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Commitments;
using Thestage.Proofs.Tests.Statistics;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Sumcheck;

/// <summary>
/// Zero-knowledge sumchecks whose final claims are hidden too: the committed factors are Libra's masked extensions
/// <c>Ḟ = F̃ + x_v(1 − x_v)·(c_0 + Σ_j c_j·x_j)</c> (<see cref="MaskedExtension"/>) with <c>c</c> committed beside <c>F</c> (hiding Ligero), the round
/// polynomials are masked by the pool's <c>g</c>, and each claim <c>Ḟ(r)</c> is proven by a functional opening of <c>[F ‖ c]</c>.
/// Completeness, a known answer, the honest-verifier simulator of everything such a sumcheck reveals, χ² indistinguishability
/// over every revealed element (final claims included), and tampering.
/// </summary>
public sealed class MaskedFactorSumcheckTests
{
    private const string Protocol = "masked-factor-test";

    private static readonly LigeroParameters Hiding = LigeroParameters.DefaultHiding;

    /// <summary>A committed factor: its base table and the coefficients <c>c</c>, committed as <c>[F ‖ c ‖ 0]</c> (<c>2^(v+1)</c> entries).</summary>
    internal sealed record CommittedFactor(Goldilocks[] Table, E[] Mask, LigeroProverState State)
    {
        public int LogSize => State.Commitment.NumVariables;
    }

    /// <summary>A statement: the factor tables (committed ones and public ones, e.g. <c>eq(z, ·)</c>) and which are masked.</summary>
    internal sealed record Statement(E Sum, int NumVariables, Goldilocks[][] Tables, bool[] Masked);

    /// <summary>Everything the prover sends: commitments, the sumcheck, the factor openings and the pool.</summary>
    internal sealed record Run(
        LigeroCommitment[] Commitments, SumcheckProof<E> Proof, LigeroOpeningProof<E>[] FactorOpenings, IReadOnlyList<SumcheckMaskChunk> Chunks, LigeroOpeningProof<E>[] PoolOpenings, E[] Point);

    /// <summary>The round degree of the product of the factors: <c>Σ_k (1 + 2·[k masked])</c>.</summary>
    internal static int Degree(bool[] masked) => SumcheckVerifier.MaskedProductDegree(masked, [SumcheckTerm<E>.Product(masked.Length)]);

    internal static CommittedFactor Commit(Goldilocks[] table, int seed)
    {
        int v = System.Numerics.BitOperations.Log2((uint)table.Length);
        var entries = new Goldilocks[2 * table.Length];
        table.CopyTo(entries, 0);
        var rng = new SeededWordSource(seed);
        for (int i = 0; i < MaskedExtension.Entries(v); i++)
        {
            entries[table.Length + i] = rng.Next<Goldilocks>();
        }

        E[] mask = MaskedExtension.Read<E>(entries.AsSpan(table.Length), v);
        return new CommittedFactor(table, mask, LigeroProver.Commit(entries, Hiding, new SeededSaltSource(seed + 1)));
    }

    /// <summary>The rank-one terms of <c>Ḟ(r)</c>'s functional on <c>[F ‖ c ‖ 0]</c>.</summary>
    internal static LigeroFunctionalTerm<E>[] Terms(int logSize, E[] point)
    {
        var functional = new E[1 << logSize];
        MaskedExtension.AddWeights<E>(point, E.One, functional, 0, 1 << point.Length);
        return SumcheckMaskVerifier<E>.Terms(Hiding, logSize, functional);
    }

    internal static Statement RandomStatement(int numVariables, bool[] masked, int seed)
    {
        var rng = new SeededWordSource(seed);
        Goldilocks[][] tables = masked.Select(_ => rng.NextArray<Goldilocks>(1 << numVariables)).ToArray();
        return StatementOf(tables, masked);
    }

    internal static Statement StatementOf(Goldilocks[][] tables, bool[] masked)
    {
        E sum = E.Zero;
        for (int i = 0; i < tables[0].Length; i++)
        {
            sum += E.FromBase(tables.Aggregate(Goldilocks.One, (p, t) => p * t[i]));
        }

        return new Statement(sum, System.Numerics.BitOperations.Log2((uint)tables[0].Length), tables, masked);
    }

    /// <summary>The prover: commits the masked factors (roots absorbed), proves the sumcheck, opens every masked factor at <c>Ḟ(r)</c>, then the pool.</summary>
    /// <param name="statement">The statement.</param>
    /// <param name="seed">The randomness of the masks, salts and pool.</param>
    /// <param name="proverMasks">A cheating prover's coefficients in the sumcheck instead of the committed ones (attacks).</param>
    /// <param name="proverTables">A cheating prover's tables in the sumcheck instead of the committed ones (attacks).</param>
    internal static (Run Run, CommittedFactor?[] Factors) Prove(Statement statement, int seed, E[]?[]? proverMasks = null, Goldilocks[][]? proverTables = null)
    {
        var transcript = new Transcript(Protocol);
        CommittedFactor?[] factors = statement.Tables.Select((t, k) => statement.Masked[k] ? Commit(t, seed + (10 * k)) : null).ToArray();
        foreach (CommittedFactor? factor in factors)
        {
            if (factor is not null)
            {
                transcript.AbsorbDigest("factor/root", factor.State.Commitment.Root);
            }
        }

        var pool = new SumcheckMaskPool<E>(Hiding, 8, new SeededSaltSource(seed + 7));
        E[][] tables = (proverTables ?? statement.Tables).Select(t => Array.ConvertAll(t, E.FromBase)).ToArray();
        E[]?[] masks = proverMasks ?? factors.Select(f => f?.Mask).ToArray();
        SumcheckProverOutput<E> output = SumcheckProver.ProveMaskedFactors(transcript, statement.Sum, tables, masks, pool);
        E[] point = output.Point.ToArray();
        var openings = new List<LigeroOpeningProof<E>>();
        foreach (CommittedFactor? factor in factors)
        {
            if (factor is not null)
            {
                openings.Add(LigeroProver.OpenHiding<E>(transcript, factor.State, [], Terms(factor.LogSize, point), out _));
            }
        }

        Run run = new([.. factors.Where(f => f is not null).Select(f => f!.State.Commitment)], output.Proof, [.. openings], pool.Chunks, pool.Open(transcript), point);
        return (run, factors);
    }

    /// <summary>The verifier: <c>"accepted"</c>, or the first check that failed.</summary>
    internal static string Verify(Statement statement, Run run)
    {
        var transcript = new Transcript(Protocol);
        foreach (LigeroCommitment commitment in run.Commitments)
        {
            transcript.AbsorbDigest("factor/root", commitment.Root);
        }

        var masks = new SumcheckMaskVerifier<E>(Hiding, run.Chunks);
        SumcheckVerification<E> result = SumcheckVerifier.Verify(transcript, statement.Sum, statement.NumVariables, statement.Masked, run.Proof, masks);
        if (!result.IsValid)
        {
            return "sumcheck " + result.Failure;
        }

        E[] point = result.Point.ToArray();
        int opened = 0;
        for (int k = 0; k < statement.Tables.Length; k++)
        {
            if (!statement.Masked[k])
            {
                // A public factor: the verifier evaluates it itself.
                if (MultilinearPolynomial<E>.Evaluate(Array.ConvertAll(statement.Tables[k], E.FromBase), point) != result.FactorEvaluations[k])
                {
                    return $"public factor {k}";
                }

                continue;
            }

            if (opened >= run.Commitments.Length || opened >= run.FactorOpenings.Length
                || LigeroVerifier.CheckFunctional(transcript, run.Commitments[opened], Hiding, ReadOnlySpan<E>.Empty, Terms(run.Commitments[opened].NumVariables, point), result.FactorEvaluations[k], run.FactorOpenings[opened]) != LigeroVerdict.Accepted)
            {
                return $"opening of factor {k}";
            }

            opened++;
        }

        if (opened != run.FactorOpenings.Length || opened != run.Commitments.Length)
        {
            return "surplus openings";
        }

        return masks.Finish(transcript, run.PoolOpenings) ? "accepted" : "pool";
    }

    [Fact]
    public void MaskedExtensionOfOneVariableHasTheKnownValue()
    {
        // Ṡ(z) = (1 − z)·s0 + z·s1 + z(1 − z)·c, at z = 3: −2·s0 + 3·s1 − 6·c.
        E s0 = E.FromBase(new Goldilocks(5)), s1 = E.FromBase(new Goldilocks(11)), c = E.FromBase(new Goldilocks(7)), z = E.FromBase(new Goldilocks(3));
        E expected = E.FromBase(new Goldilocks(Goldilocks.Modulus - 19));
        Assert.Equal(expected, MaskedExtension.Evaluate<E>([s0, s1], [c], [z]));
    }

    [FsCheck.Xunit.Property(MaxTest = 50)]
    public bool MaskedExtensionEqualsTheTableOnTheHypercubeAndItsFunctionalGivesItsValue(ulong[] entries, ulong[] coefficients, ulong[] pointWords)
    {
        int v = 1 + (int)((uint)(entries?.Length ?? 0) % 5);
        var rng = new SeededWordSource(HashCode.Combine(entries?.Length, coefficients?.Length, pointWords?.Length));
        E[] table = Array.ConvertAll(Words(entries, 1 << v, rng), w => E.FromBase(new Goldilocks(w % Goldilocks.Modulus)));
        ulong[] c = Words(coefficients, 2 * v, rng);
        var baseMask = Array.ConvertAll(c, w => new Goldilocks(w % Goldilocks.Modulus));
        E[] mask = MaskedExtension.Read<E>(baseMask, v);
        for (int x = 0; x < table.Length; x++)
        {
            E[] cube = Enumerable.Range(0, v).Select(j => ((x >> (v - 1 - j)) & 1) == 1 ? E.One : E.Zero).ToArray();
            if (MaskedExtension.Evaluate<E>(table, mask, cube) != table[x])
            {
                return false;
            }
        }

        // At any point, the functional on [F ‖ c] gives Ṡ(z).
        E[] point = Array.ConvertAll(Words(pointWords, 2 * v, rng).Chunk(2).ToArray(), p => E.FromCoefficients([new Goldilocks(p[0] % Goldilocks.Modulus), new Goldilocks(p[1] % Goldilocks.Modulus)]));
        var functional = new E[table.Length + (2 * v)];
        MaskedExtension.AddWeights<E>(point, E.One, functional, 0, table.Length);
        E value = E.Zero;
        for (int i = 0; i < table.Length; i++)
        {
            value += functional[i] * table[i];
        }

        for (int i = 0; i < 2 * v; i++)
        {
            value += functional[table.Length + i].MultiplyByBase(baseMask[i]);
        }

        return value == MaskedExtension.Evaluate<E>(table, mask, point);
    }

    private static ulong[] Words(ulong[]? given, int count, SeededWordSource rng) =>
        Enumerable.Range(0, count).Select(i => given is { Length: > 0 } ? given[i % given.Length] ^ rng.NextUInt64() : rng.NextUInt64()).ToArray();

    [Theory]
    [InlineData(1, new[] { true })]
    [InlineData(3, new[] { true, true })]
    [InlineData(4, new[] { false, true })]
    [InlineData(5, new[] { false, true, true })]
    [InlineData(6, new[] { true, false, true })]
    [InlineData(3, new[] { true, false, true, false })]
    public void MaskedFactorProofsVerifyAndReduceToTheMaskedExtensions(int numVariables, bool[] masked)
    {
        Statement statement = RandomStatement(numVariables, masked, 300 + numVariables);
        (Run run, CommittedFactor?[] factors) = Prove(statement, 17);
        Assert.Equal("accepted", Verify(statement, run));

        // The round degree is Σ (1 + 2·[masked]) and the factor evaluations are Ḟ_k(r), computed independently.
        Assert.Equal(Degree(masked) + 1, run.Proof.GetRoundPolynomial(0).Length);
        for (int k = 0; k < masked.Length; k++)
        {
            E[] table = Array.ConvertAll(statement.Tables[k], E.FromBase);
            E expected = masked[k] ? MaskedExtension.Evaluate<E>(table, factors[k]!.Mask, run.Point) : MultilinearPolynomial<E>.Evaluate(table, run.Point);
            Assert.Equal(expected, run.Proof.FactorEvaluations[k]);
        }

        // The proof keeps its meaning through the byte format.
        SumcheckProof<E> reread = SumcheckProofSerializer.Deserialize<E>(SumcheckProofSerializer.Serialize(run.Proof));
        Assert.Equal("accepted", Verify(statement, run with { Proof = reread }));
    }

    [Fact]
    public void TamperedMaskedFactorProofsAreRejected()
    {
        Statement statement = RandomStatement(4, [false, true, true], 400);
        (Run run, _) = Prove(statement, 401);
        Assert.Equal("accepted", Verify(statement, run));
        SumcheckProof<E> proof = run.Proof;
        SumcheckProof<E> With(E[]? factors = null, E? maskValue = null, int round = -1) => new(
            Enumerable.Range(0, proof.RoundCount).Select(i => i == round ? [proof.GetRoundPolynomial(i)[0] + E.One, .. proof.GetRoundPolynomial(i)[1..]] : proof.GetRoundPolynomial(i).ToArray()).ToArray(),
            factors ?? proof.FactorEvaluations.ToArray(),
            proof.MaskSum,
            maskValue ?? proof.MaskValue);

        // A masked claim, a round, the sum, the mask's value.
        E[] changed = proof.FactorEvaluations.ToArray();
        changed[1] += E.One;
        Assert.Equal("sumcheck FinalEvaluationMismatch", Verify(statement, run with { Proof = With(factors: changed) }));
        Assert.Equal("sumcheck RoundSumMismatch", Verify(statement, run with { Proof = With(round: 2) }));
        Assert.Equal("sumcheck RoundSumMismatch", Verify(statement with { Sum = statement.Sum + E.One }, run));
        Assert.Equal("sumcheck FinalEvaluationMismatch", Verify(statement, run with { Proof = With(maskValue: proof.MaskValue + E.One) }));

        // The openings of the masked claims: changed, swapped, missing, surplus; a commitment replaced.
        LigeroOpeningProof<E> opening = run.FactorOpenings[0];
        E[] row = opening.EvaluationRow.ToArray();
        row[1] += E.One;
        var tampered = new LigeroOpeningProof<E>(opening.ProximityRow, row, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof);
        Assert.Equal("opening of factor 1", Verify(statement, run with { FactorOpenings = [tampered, run.FactorOpenings[1]] }));
        Assert.Equal("opening of factor 1", Verify(statement, run with { FactorOpenings = [run.FactorOpenings[1], run.FactorOpenings[0]] }));
        Assert.Equal("opening of factor 2", Verify(statement, run with { FactorOpenings = [run.FactorOpenings[0]] }));
        Assert.Equal("surplus openings", Verify(statement, run with { FactorOpenings = [.. run.FactorOpenings, run.FactorOpenings[0]] }));
        Assert.Equal("sumcheck RoundSumMismatch", Verify(statement, run with { Commitments = [run.Commitments[1], run.Commitments[0]] }));

        // Another choice of masked factors: the round degree (or the factor count) no longer matches.
        Assert.Equal("sumcheck MalformedProof", Verify(statement with { Masked = [true, true, true] }, run));
        Assert.Equal("sumcheck MalformedProof", Verify(statement with { Masked = [false, true] }, run));

        // The pool: its opening changed.
        LigeroOpeningProof<E> pool = run.PoolOpenings[0];
        E[] proximity = pool.ProximityRow.ToArray();
        proximity[0] += E.One;
        Assert.Equal("pool", Verify(statement, run with { PoolOpenings = [new LigeroOpeningProof<E>(proximity, pool.EvaluationRow, pool.RowCount, pool.Columns, pool.Salts, pool.MerkleProof)] }));
    }

    [Fact]
    public void ProofsOverUnmaskedFactorsAreNotAcceptedAsMaskedFactorProofs()
    {
        // A downgrade: the zero-knowledge sumcheck without masked factors (its final claims leak) for the same statement.
        Statement statement = RandomStatement(3, [true, true], 450);
        var pool = new SumcheckMaskPool<E>(Hiding, 8, new SeededSaltSource(451));
        var transcript = new Transcript(Protocol);
        SumcheckProof<E> unmasked = SumcheckProver.ProveTables(transcript, statement.Sum, statement.Tables.Select(t => Array.ConvertAll(t, E.FromBase)).ToArray(), pool).Proof;
        (Run run, _) = Prove(statement, 452);
        Assert.Equal("sumcheck MalformedProof", Verify(statement, run with { Proof = unmasked }));
        Assert.Throws<ArgumentException>(() => SumcheckVerifier.Verify(new Transcript(Protocol), statement.Sum, 3, [false, false], unmasked, new SumcheckMaskVerifier<E>(Hiding, run.Chunks)));
    }

    /// <summary>
    /// The honest-verifier simulator of a masked-factor sumcheck with its openings: from the statement (sum, variables, which factors
    /// are masked, the public factors) and programmed challenges (<c>ρ</c>, <c>r</c>, each opening's <c>γ</c> and columns) alone, it draws
    /// every masked claim <c>Ḟ_k(r)</c> uniformly, computes the public factors at <c>r</c>, simulates the rounds
    /// (<see cref="ZeroKnowledgeSumcheckTests.Simulate"/>) and each opening (<see cref="LigeroHidingTests.Simulate(int, IReadOnlyList{LigeroFunctionalTerm{E}}, E, E[], int[], SeededWordSource)"/>).
    /// It never reads a committed table.
    /// </summary>
    internal static (SumcheckProof<E> Proof, (LigeroCommitment Commitment, LigeroOpeningProof<E> Opening, E[] Gamma, int[] Indices)[] Openings) Simulate(
        E sum, int numVariables, bool[] masked, Func<int, E[], E> publicFactor, E weight, E[] point, SeededWordSource rng)
    {
        E[] evaluations = masked.Select((m, k) => m ? rng.Next<E>() : publicFactor(k, point)).ToArray();
        SumcheckProof<E> proof = ZeroKnowledgeSumcheckTests.Simulate(sum, numVariables, Degree(masked), weight, point, evaluations, rng);
        var openings = new List<(LigeroCommitment, LigeroOpeningProof<E>, E[], int[])>();
        for (int k = 0; k < masked.Length; k++)
        {
            if (masked[k])
            {
                int logSize = numVariables + 1;
                (E[] gamma, int[] indices) = LigeroHidingTests.ProgrammedChallenges(logSize, rng);
                (LigeroCommitment commitment, LigeroOpeningProof<E> opening) = LigeroHidingTests.Simulate(logSize, Terms(logSize, point), evaluations[k], gamma, indices, rng);
                openings.Add((commitment, opening, gamma, indices));
            }
        }

        return (proof, [.. openings]);
    }

    [Theory]
    [InlineData(1, new[] { true })]
    [InlineData(4, new[] { false, true })]
    [InlineData(5, new[] { false, true, true })]
    public void SimulatedMaskedFactorSumchecksNeedNeitherTheTablesNorTheirEvaluations(int numVariables, bool[] masked)
    {
        var rng = new SeededWordSource(5100 + numVariables);
        Statement statement = RandomStatement(numVariables, masked, rng.NextInt(1000));
        E weight = rng.Next<E>();
        E[] point = rng.NextArray<E>(numVariables);
        E Public(int k, E[] r) => MultilinearPolynomial<E>.Evaluate(Array.ConvertAll(statement.Tables[k], E.FromBase), r);
        (SumcheckProof<E> proof, var openings) = Simulate(statement.Sum, numVariables, masked, Public, weight, point, rng);

        Assert.Equal(SumcheckFailure.None, SumcheckVerifier.Check(statement.Sum, proof, weight, point).Failure);
        Assert.Equal(SumcheckMaskVerifierShape(masked), proof.GetRoundPolynomial(0).Length);
        int opened = 0;
        for (int k = 0; k < masked.Length; k++)
        {
            if (!masked[k])
            {
                Assert.Equal(Public(k, point), proof.FactorEvaluations[k]);
                continue;
            }

            (LigeroCommitment commitment, LigeroOpeningProof<E> opening, E[] gamma, int[] indices) = openings[opened++];
            LigeroFunctionalTerm<E>[] terms = Terms(commitment.NumVariables, point);
            Assert.Equal(LigeroVerdict.Accepted, LigeroVerifier.CheckHiding(commitment, Hiding, terms, proof.FactorEvaluations[k], opening, gamma, indices));
            Assert.NotEqual(LigeroVerdict.Accepted, LigeroVerifier.CheckHiding(commitment, Hiding, terms, proof.FactorEvaluations[k] + E.One, opening, gamma, indices));
        }

        // A wrong sum is refused by the same checks.
        Assert.Equal(SumcheckFailure.RoundSumMismatch, SumcheckVerifier.Check(statement.Sum + E.One, proof, weight, point).Failure);
    }

    private static int SumcheckMaskVerifierShape(bool[] masked) => Degree(masked) + 1;

    /// <summary>
    /// Two witnesses with one sum whose first factor is a constant table (<c>a</c> everywhere, or <c>b</c>), so its multilinear
    /// extension is that constant at every point: the final claim of an unmasked factor gives the witness away, a masked one does not.
    /// </summary>
    private static (Statement First, Statement Second) ConstantFactorWitnesses(int numVariables)
    {
        var rng = new SeededWordSource(5200);
        Goldilocks a = new(3), b = new(Goldilocks.Modulus / 2);
        Goldilocks[] other = rng.NextArray<Goldilocks>(1 << numVariables);
        Goldilocks[] scaled = Array.ConvertAll(other, x => x * a * Goldilocks.Invert(b));
        Statement first = StatementOf([Enumerable.Repeat(a, 1 << numVariables).ToArray(), other], [true, true]);
        Statement second = StatementOf([Enumerable.Repeat(b, 1 << numVariables).ToArray(), scaled], [true, true]);
        Assert.Equal(first.Sum, second.Sum);
        return (first, second);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EveryRevealedElementIncludingTheFinalClaimsIsIndistinguishableOnlyWithMaskedFactors(bool maskedFactors)
    {
        // Both variants mask the rounds with the pool's g (what every hiding proof did before the masked factors); only the masked
        // factors hide the final claims. Revealed: rounds, G, g(r), the factor evaluations, and (masked factors) the openings' rows
        // and columns and the commitments' roots are uniform digests, not field elements.
        const int NumVariables = 1, Proofs = 200;
        (Statement first, Statement second) = ConstantFactorWitnesses(NumVariables);
        var test = new TwoSampleChiSquare();
        var sumcheckOnly = new TwoSampleChiSquare(); // the sumcheck's own elements, so the Ligero columns do not dilute the final claims
        for (int s = 0; s < Proofs; s++)
        {
            foreach ((Statement statement, bool isFirst) in new[] { (first, true), (second, false) })
            {
                int seed = 10_000 + (2 * s) + (isFirst ? 0 : 1);
                var revealed = new List<E>();
                var revealedBase = new List<Goldilocks>();
                SumcheckProof<E> proof;
                if (maskedFactors)
                {
                    (Run run, _) = Prove(statement, seed);
                    proof = run.Proof;
                    foreach (LigeroOpeningProof<E> opening in run.FactorOpenings)
                    {
                        revealed.AddRange(opening.ProximityRow.ToArray());
                        revealed.AddRange(opening.EvaluationRow.ToArray());
                        revealedBase.AddRange(opening.Columns.ToArray());
                    }
                }
                else
                {
                    var pool = new SumcheckMaskPool<E>(Hiding, 8, new SeededSaltSource(seed));
                    proof = SumcheckProver.ProveTables(new Transcript(Protocol), statement.Sum, statement.Tables.Select(t => Array.ConvertAll(t, E.FromBase)).ToArray(), pool).Proof;
                }

                E[] sumcheck = [.. Enumerable.Range(0, proof.RoundCount).SelectMany(i => proof.GetRoundPolynomial(i).ToArray()), proof.MaskSum, proof.MaskValue, .. proof.FactorEvaluations.ToArray()];
                revealed.AddRange(sumcheck);
                foreach (E value in revealed)
                {
                    test.Add(isFirst, value);
                }

                foreach (E value in sumcheck)
                {
                    sumcheckOnly.Add(isFirst, value);
                }

                foreach (Goldilocks value in revealedBase)
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

        Assert.True(maskedFactors != test.Distinguishes, $"χ² = {test.Statistic():F1} over {test.Counts} values");
        Assert.True(maskedFactors != sumcheckOnly.Distinguishes, $"χ² = {sumcheckOnly.Statistic():F1} over {sumcheckOnly.Counts} values of the sumcheck");
    }
}
