using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Tests.Statistics;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Commitments;

/// <summary>The zero-knowledge Ligero variant: completeness, soundness checks, the simulator and indistinguishability.</summary>
public sealed class LigeroHidingTests
{
    private const string Protocol = "ligero-hiding-test";

    private static readonly LigeroParameters Hiding = LigeroParameters.DefaultHiding;

    private static GoldilocksExt2 Direct(Goldilocks[] table, GoldilocksExt2[] point) =>
        MultilinearPolynomial<GoldilocksExt2>.Evaluate(table.Select(GoldilocksExt2.FromBase).ToArray(), point);

    private static bool Verify(LigeroCommitment commitment, GoldilocksExt2[] point, GoldilocksExt2 value, LigeroOpeningProof<GoldilocksExt2>? proof, LigeroParameters? parameters = null) =>
        LigeroVerifier.Verify(new Transcript(Protocol), commitment, parameters ?? Hiding, point, value, proof);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(11)]
    [InlineData(14)]
    public void HidingOpeningEqualsDirectEvaluationAndVerifies(int numVariables)
    {
        (LigeroProverState state, Goldilocks[] table, GoldilocksExt2[] point) = LigeroTests.Setup(numVariables, 2000 + numVariables, Hiding);
        LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript(Protocol), state, point, out GoldilocksExt2 value);
        Assert.Equal(Direct(table, point), value);
        Assert.True(Verify(state.Commitment, point, value, proof));

        int k = state.RowLength, d = Hiding.DegreeBound(k);
        Assert.Equal(state.RowCount + LigeroParameters.HidingMaskRows, proof.RowCount);
        Assert.Equal(d, proof.ProximityRow.Length);
        Assert.Equal(2 * d, proof.EvaluationRow.Length);
        Assert.True(d % 2 == 0 && d - k >= Hiding.ColumnQueries && d >= 2 * Hiding.ColumnQueries);
        Assert.True(8.0 * d * (1 << Hiding.LogBlowup) <= 9.0 * state.CodewordLength);
    }

    [Fact]
    public void TamperedHidingOpeningsAndMixedModesAreRejected()
    {
        (LigeroProverState state, _, GoldilocksExt2[] point) = LigeroTests.Setup(9, 2100, Hiding);
        LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript(Protocol), state, point, out GoldilocksExt2 value);
        Assert.True(Verify(state.Commitment, point, value, proof));
        Assert.False(Verify(state.Commitment, point, value + GoldilocksExt2.One, proof));
        Assert.False(Verify(state.Commitment, point, value, proof, LigeroParameters.NonHidingForBenchmarks));
        Assert.False(Verify(state.Commitment, point, value, proof, new LigeroParameters(4, 129, hiding: true)));
        Assert.False(Verify(state.Commitment, point, value, proof, new LigeroParameters(3, 130, hiding: true)));
        Assert.False(Verify(state.Commitment, point, value, null));

        // Each part of the proof: the two rows (one coefficient each) and every row of the first opened column.
        GoldilocksExt2[] w = proof.ProximityRow.ToArray(), q = proof.EvaluationRow.ToArray();
        w[3] += GoldilocksExt2.One;
        Assert.False(Verify(state.Commitment, point, value, Rebuild(proof, w, proof.EvaluationRow.ToArray(), proof.Columns.ToArray())));
        q[5] += GoldilocksExt2.One;
        Assert.False(Verify(state.Commitment, point, value, Rebuild(proof, proof.ProximityRow.ToArray(), q, proof.Columns.ToArray())));
        for (int i = 0; i < proof.RowCount; i++)
        {
            Goldilocks[] columns = proof.Columns.ToArray();
            columns[i] += Goldilocks.One;
            Assert.False(Verify(state.Commitment, point, value, Rebuild(proof, proof.ProximityRow.ToArray(), proof.EvaluationRow.ToArray(), columns)));
        }

        // A plain opening of a hiding commitment has the wrong shape.
        LigeroProverState plain = LigeroProver.Commit(state.Evaluations, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(1));
        LigeroOpeningProof<GoldilocksExt2> plainProof = LigeroProver.Open(new Transcript(Protocol), plain, point, out _);
        Assert.False(Verify(state.Commitment, point, value, plainProof));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void VerdictsNameTheFailedCheck(bool hiding)
    {
        LigeroParameters parameters = hiding ? Hiding : LigeroParameters.NonHidingForBenchmarks;
        (LigeroProverState state, _, GoldilocksExt2[] point) = LigeroTests.Setup(9, 2150, parameters);
        LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript(Protocol), state, point, out GoldilocksExt2 value);
        LigeroVerdict Check(GoldilocksExt2 claimed, LigeroOpeningProof<GoldilocksExt2>? candidate, LigeroParameters? other = null) =>
            LigeroVerifier.Check(new Transcript(Protocol), state.Commitment, other ?? parameters, point, claimed, candidate);

        Assert.Equal(LigeroVerdict.Accepted, Check(value, proof));
        Assert.Equal(LigeroVerdict.WrongShape, Check(value, null));
        Assert.Equal(LigeroVerdict.WrongShape, Check(value, proof, hiding ? LigeroParameters.NonHidingForBenchmarks : Hiding));
        Assert.Equal(LigeroVerdict.WrongValue, Check(value + GoldilocksExt2.One, proof));

        // With the challenges replayed from the transcript, each part of the proof changed alone names its own check.
        var transcript = new Transcript(Protocol);
        int rows = state.RowCount;
        GoldilocksExt2[] gamma = LigeroProtocol.BeginOpening(transcript, state.Commitment, parameters, point, value, hiding ? rows + LigeroMasking.EvaluationMaskRows : rows);
        int[] indices = LigeroProtocol.QueryColumns(transcript, proof.ProximityRow, proof.EvaluationRow, state.CodewordLength, parameters.ColumnQueries);
        Goldilocks[] columns = proof.Columns.ToArray();
        columns[1] += Goldilocks.One;
        GoldilocksExt2[] w = proof.ProximityRow.ToArray();
        w[0] += GoldilocksExt2.One;
        GoldilocksExt2[] evaluation = proof.EvaluationRow.ToArray();
        evaluation[1] += GoldilocksExt2.One;
        LigeroVerdict Replay(LigeroOpeningProof<GoldilocksExt2> candidate, int[] at) => hiding
            ? LigeroVerifier.CheckHiding(state.Commitment, parameters, point, value, candidate, gamma, at)
            : LigeroVerifier.Check(new Transcript(Protocol), state.Commitment, parameters, point, value, candidate);

        Assert.Equal(LigeroVerdict.MerkleMismatch, Replay(Rebuild(proof, proof.ProximityRow.ToArray(), proof.EvaluationRow.ToArray(), columns), indices));
        if (hiding)
        {
            Assert.Equal(LigeroVerdict.WrongColumnCount, Replay(proof, indices[1..]));
            Assert.Equal(LigeroVerdict.ProximityMismatch, Replay(Rebuild(proof, w, proof.EvaluationRow.ToArray(), proof.Columns.ToArray()), indices));

            // A coefficient of q that is not at a multiple of k keeps Σ_H q and moves q at the opened points.
            Assert.Equal(LigeroVerdict.EvaluationMismatch, Replay(Rebuild(proof, proof.ProximityRow.ToArray(), evaluation, proof.Columns.ToArray()), indices));
        }
    }

    [Fact]
    public void ProverShiftingTheValueByAdjustingTheEvaluationRowIsCaught()
    {
        // q' = q + c·X^0 with c = 1/k moves Σ_H q' to value + 1; the prover rebuilds everything else honestly.
        (LigeroProverState state, _, GoldilocksExt2[] point) = LigeroTests.Setup(10, 2200, Hiding);
        var transcript = new Transcript(Protocol);
        LigeroOpeningProof<GoldilocksExt2> honest = LigeroProver.Open(new Transcript(Protocol), state, point, out GoldilocksExt2 value);
        GoldilocksExt2 claimed = value + GoldilocksExt2.One;
        int rows = state.RowCount;
        GoldilocksExt2[] gamma = LigeroProtocol.BeginOpening(transcript, state.Commitment, Hiding, point, claimed, rows + LigeroMasking.EvaluationMaskRows);
        int d = Hiding.DegreeBound(state.RowLength);
        Goldilocks[] coefficients = state.Coefficients!;
        var w = new GoldilocksExt2[d];
        for (int j = 0; j < d; j++)
        {
            for (int i = 0; i < gamma.Length; i++)
            {
                w[j] += gamma[i].MultiplyByBase(coefficients[(i * d) + j]);
            }

            w[j] += LigeroMasking.Pair<GoldilocksExt2>(coefficients[((rows + 6) * d) + j], coefficients[((rows + 7) * d) + j]);
        }

        GoldilocksExt2[] q = honest.EvaluationRow.ToArray();
        q[0] += GoldilocksExt2.Invert(GoldilocksExt2.FromBase(new Goldilocks((ulong)state.RowLength)));
        Assert.Equal(claimed, LigeroMasking.SumOverSubgroup<GoldilocksExt2>(q, state.RowLength));

        // The forger's proximity row and columns are honest for the claimed transcript; only the moved q disagrees with them.
        int[] indices = LigeroProtocol.QueryColumns<GoldilocksExt2>(transcript, w, q, state.CodewordLength, Hiding.ColumnQueries);
        LigeroOpeningProof<GoldilocksExt2> forged = OpenColumns(state, w, q, indices);
        Assert.Equal(LigeroVerdict.EvaluationMismatch, LigeroVerifier.Check(new Transcript(Protocol), state.Commitment, Hiding, point, claimed, forged));
        Assert.Equal(LigeroVerdict.Accepted, LigeroVerifier.CheckHiding(state.Commitment, Hiding, point, value, OpenColumns(state, w, honest.EvaluationRow.ToArray(), indices), gamma, indices));
    }

    [Fact]
    public void HidingRecommitFromTheSameSeedGivesTheSameRoot()
    {
        var rng = new SeededWordSource(2300);
        Goldilocks[] table = rng.NextArray<Goldilocks>(1 << 12);
        Digest256 root = LigeroProver.Commit(table, Hiding, new SeededSaltSource(5)).Commitment.Root;
        Assert.Equal(root, LigeroProver.CommitRoot(table, Hiding, new SeededSaltSource(5)));
        Assert.NotEqual(root, LigeroProver.Commit(table, Hiding, new SeededSaltSource(6)).Commitment.Root);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LigeroParameters(1, 100, hiding: true));
    }

    [Fact]
    public void HidingSoundnessFollowsTheFormulaAndReachesOneHundredBits()
    {
        for (int v = 0; v <= 30; v++)
        {
            int k = 1 << Hiding.ColumnVariables(v);
            int n = Hiding.CodewordLength(v);
            double rate = (double)Hiding.DegreeBound(k) / n;
            Assert.True(rate <= 9.0 / 8.0 / (1 << Hiding.LogBlowup));
            double epsilon = Math.Pow(0.5 + rate, Hiding.ColumnQueries) + (n / Math.Pow(2.0, GoldilocksExt2.Log2Size));
            Assert.Equal(-Math.Log2(epsilon), Hiding.SoundnessBits(v, GoldilocksExt2.Log2Size), 6);
            Assert.True(Hiding.SoundnessBits(v, GoldilocksExt2.Log2Size) >= 105.0, $"v = {v}");
        }

        // The worst case of the rate bound: −117·log2(1/2 + 9/256) = 105.5 (the earlier default, −130·log2(1/2 + 9/128) = 105.3).
        Assert.Equal(105.5, -Hiding.ColumnQueries * Math.Log2(0.5 + (9.0 / 8.0 / (1 << Hiding.LogBlowup))), 1);
        Assert.Equal(105.3, -130 * Math.Log2(0.5 + (9.0 / 128.0)), 1);
    }

    /// <summary>
    /// The hiding trade-off of <see cref="LigeroParameters"/> remarks ("Choosing the log blowup"): at the rate bound
    /// <c>D/n ≤ (9/8)·2^−b</c> each query passes with probability at most <c>1/2 + (9/8)·2^−b</c>, so ≥ 105 bits need
    /// 295, 164, 130 and 117 queries at <c>b</c> = 2, 3, 4, 5 (≥ 100 bits: 281, 156, 124, 111), one fewer does not, and
    /// each choice reaches the bits by <see cref="LigeroParameters.SoundnessBits"/> for every size up to <c>2^26</c> values.
    /// </summary>
    [Theory]
    [InlineData(2, 281, 295)]
    [InlineData(3, 156, 164)]
    [InlineData(4, 124, 130)]
    [InlineData(5, 111, 117)]
    public void HidingQueriesForEachLogBlowupFollowTheWorstCaseRate(int logBlowup, int queriesFor100, int queriesFor105)
    {
        double bitsPerQuery = -Math.Log2(0.5 + (9.0 / 8.0 / (1 << logBlowup)));
        Assert.True(queriesFor100 * bitsPerQuery >= 100 && (queriesFor100 - 1) * bitsPerQuery < 100);
        Assert.True(queriesFor105 * bitsPerQuery >= 105 && (queriesFor105 - 1) * bitsPerQuery < 105);
        var parameters = new LigeroParameters(logBlowup, queriesFor105, hiding: true);
        for (int v = 0; v <= 26; v++)
        {
            Assert.True(parameters.SoundnessBits(v, GoldilocksExt2.Log2Size) >= 105.0, $"b = {logBlowup}, v = {v}");
        }

        if (logBlowup == Hiding.LogBlowup)
        {
            Assert.Equal(queriesFor105, Hiding.ColumnQueries);
        }
    }

    /// <summary>
    /// The honest-verifier simulator: from the statement (number of variables, point, value) and programmed challenges
    /// (<c>γ</c>, queried columns) alone — no table — it outputs a commitment and an opening that the real checks accept.
    /// </summary>
    internal static (LigeroCommitment Commitment, LigeroOpeningProof<GoldilocksExt2> Proof) Simulate(
        int numVariables, GoldilocksExt2[] point, GoldilocksExt2 value, GoldilocksExt2[] gamma, int[] indices, SeededWordSource rng)
    {
        int rowVariables = Hiding.RowVariables(numVariables);
        return Simulate(numVariables, [new LigeroFunctionalTerm<GoldilocksExt2>(EqPolynomial.Table<GoldilocksExt2>(point.AsSpan(0, rowVariables)), EqPolynomial.Table<GoldilocksExt2>(point.AsSpan(rowVariables)))], value, gamma, indices, rng);
    }

    /// <summary>The simulator of a hiding opening at a functional <c>Σ_t a_t ⊗ b_t</c> (a point is the single term <c>eq(r_row) ⊗ eq(r_col)</c>).</summary>
    internal static (LigeroCommitment Commitment, LigeroOpeningProof<GoldilocksExt2> Proof) Simulate(
        int numVariables, IReadOnlyList<LigeroFunctionalTerm<GoldilocksExt2>> terms, GoldilocksExt2 value, GoldilocksExt2[] gamma, int[] indices, SeededWordSource rng)
    {
        LigeroParameters parameters = Hiding;
        int rowVariables = parameters.RowVariables(numVariables);
        int rows = 1 << rowVariables, k = 1 << (numVariables - rowVariables);
        int n = parameters.CodewordLength(numVariables), d = parameters.DegreeBound(k), height = rows + LigeroParameters.HidingMaskRows;

        // w uniform; q uniform with Σ_H q = value.
        GoldilocksExt2[] w = rng.NextArray<GoldilocksExt2>(d);
        GoldilocksExt2[] q = rng.NextArray<GoldilocksExt2>(2 * d);
        q[0] += (value - LigeroMasking.SumOverSubgroup<GoldilocksExt2>(q, k)) * GoldilocksExt2.Invert(GoldilocksExt2.FromBase(new Goldilocks((ulong)k)));

        // Data rows and μ_2, μ_3 uniform at the queried columns; μ_1 and R solved from the two checks.
        Goldilocks[] points = LigeroProtocol.QueriedPoints(indices, n);
        GoldilocksExt2[] wAt = LigeroMasking.EvaluateAt<GoldilocksExt2>(w, points);
        GoldilocksExt2[] qAt = LigeroMasking.EvaluateAt<GoldilocksExt2>(q, points);
        GoldilocksExt2[][] eAt = terms.Select(t => LigeroProtocol.EncodeAt<GoldilocksExt2>(t.ColumnWeights, points)).ToArray();
        var columns = new Goldilocks[indices.Length * height];
        for (int c = 0; c < indices.Length; c++)
        {
            Span<Goldilocks> column = columns.AsSpan(c * height, height);
            for (int i = 0; i < rows + 2; i++)
            {
                column[i < rows ? i : i + 2] = rng.Next<Goldilocks>();
            }

            column[rows + 4] = rng.Next<Goldilocks>();
            column[rows + 5] = rng.Next<Goldilocks>();
            Goldilocks half = Goldilocks.Pow(points[c], (ulong)(d / 2));
            GoldilocksExt2 data = GoldilocksExt2.Zero;
            for (int t = 0; t < terms.Count; t++)
            {
                GoldilocksExt2 rowSum = GoldilocksExt2.Zero;
                for (int i = 0; i < rows; i++)
                {
                    rowSum += terms[t].RowWeights[i].MultiplyByBase(column[i]);
                }

                data += rowSum * eAt[t][c];
            }

            GoldilocksExt2 mu1 = qAt[c] - data
                - LigeroMasking.Pair<GoldilocksExt2>(column[rows + 2], column[rows + 3]).MultiplyByBase(half)
                - LigeroMasking.Pair<GoldilocksExt2>(column[rows + 4], column[rows + 5]).MultiplyByBase(half * half);
            column[rows] = mu1.GetCoefficient(0);
            column[rows + 1] = mu1.GetCoefficient(1);
            GoldilocksExt2 combined = GoldilocksExt2.Zero;
            for (int i = 0; i < rows + LigeroMasking.EvaluationMaskRows; i++)
            {
                combined += gamma[i].MultiplyByBase(column[i]);
            }

            GoldilocksExt2 mask = wAt[c] - combined;
            column[rows + 6] = mask.GetCoefficient(0);
            column[rows + 7] = mask.GetCoefficient(1);
        }

        // A Merkle tree whose queried leaves hash the simulated columns and whose other leaves are random digests.
        var salts = new byte[indices.Length * MerkleHasher.SaltLength];
        new SeededSaltSource(rng.NextInt(int.MaxValue)).Fill(salts);
        var nodes = new Digest256[2 * n];
        var randomLeaf = new byte[Digest256.Length];
        var saltSource = new SeededSaltSource(rng.NextInt(int.MaxValue));
        for (int j = 0; j < n; j++)
        {
            saltSource.Fill(randomLeaf);
            nodes[n + j] = Digest256.FromBytes(randomLeaf);
        }

        var scratch = new byte[height * 8];
        for (int c = 0; c < indices.Length; c++)
        {
            nodes[n + indices[c]] = LigeroProtocol.HashColumn(salts.AsSpan(c * MerkleHasher.SaltLength, MerkleHasher.SaltLength), columns.AsSpan(c * height, height), scratch);
        }

        MerkleTree.BuildLevels(nodes);
        MerkleTree tree = MerkleTree.FromNodes(nodes, n);
        var proof = new LigeroOpeningProof<GoldilocksExt2>(w, q, height, columns, salts, tree.OpenBatch(indices));
        return (new LigeroCommitment(tree.Root, numVariables), proof);
    }

    /// <summary>Programmed challenges: <c>γ</c> and sorted distinct column indices, drawn from the test's generator.</summary>
    internal static (GoldilocksExt2[] Gamma, int[] Indices) ProgrammedChallenges(int numVariables, SeededWordSource rng)
    {
        int rows = 1 << Hiding.RowVariables(numVariables);
        int n = Hiding.CodewordLength(numVariables);
        int[] indices = Enumerable.Range(0, Hiding.ColumnQueries).Select(_ => rng.NextInt(n)).Distinct().Order().ToArray();
        return (rng.NextArray<GoldilocksExt2>(rows + LigeroMasking.EvaluationMaskRows), indices);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(9)]
    [InlineData(13)]
    public void SimulatedOpeningsWithoutTheTableAreAcceptedByTheVerifierChecks(int numVariables)
    {
        var rng = new SeededWordSource(2400 + numVariables);
        GoldilocksExt2[] point = rng.NextArray<GoldilocksExt2>(numVariables);
        GoldilocksExt2 value = rng.Next<GoldilocksExt2>();
        (GoldilocksExt2[] gamma, int[] indices) = ProgrammedChallenges(numVariables, rng);
        (LigeroCommitment commitment, LigeroOpeningProof<GoldilocksExt2> proof) = Simulate(numVariables, point, value, gamma, indices, rng);
        Assert.Equal(LigeroVerdict.Accepted, LigeroVerifier.CheckHiding(commitment, Hiding, point, value, proof, gamma, indices));
        Assert.Equal(LigeroVerdict.WrongValue, LigeroVerifier.CheckHiding(commitment, Hiding, point, value + GoldilocksExt2.One, proof, gamma, indices));

        // The simulated proof passes the same byte format as a real one.
        LigeroOpeningProof<GoldilocksExt2> reread = LigeroProofSerializer.Deserialize<GoldilocksExt2>(LigeroProofSerializer.Serialize(proof));
        Assert.Equal(LigeroVerdict.Accepted, LigeroVerifier.CheckHiding(commitment, Hiding, point, value, reread, gamma, indices));
    }

    /// <summary>Two tables with the same value at a base-field point: <c>W_2 = W_1 + Δ</c> with <c>Δ̃(r) = 0</c>.</summary>
    private static (Goldilocks[] First, Goldilocks[] Second, GoldilocksExt2[] Point) TwoTablesWithOneValue(int numVariables, int seed)
    {
        var rng = new SeededWordSource(seed);
        Goldilocks[] first = rng.NextArray<Goldilocks>(1 << numVariables);
        Goldilocks[] delta = rng.NextArray<Goldilocks>(1 << numVariables);
        GoldilocksExt2[] point = rng.NextArray<Goldilocks>(numVariables).Select(GoldilocksExt2.FromBase).ToArray();
        GoldilocksExt2[] eq = EqPolynomial.Table<GoldilocksExt2>(point);
        GoldilocksExt2 shift = Direct(delta, point) * GoldilocksExt2.Invert(eq[0]);
        delta[0] -= shift.GetCoefficient(0);
        Goldilocks[] second = first.Zip(delta, (a, b) => a + b).ToArray();
        Assert.Equal(Direct(first, point), Direct(second, point));
        return (first, second, point);
    }

    private static void AddRevealed(TwoSampleChiSquare test, bool first, LigeroOpeningProof<GoldilocksExt2> proof)
    {
        void AddBase(Goldilocks x)
        {
            if (first)
            {
                test.AddFirst(x);
            }
            else
            {
                test.AddSecond(x);
            }
        }

        void Add(GoldilocksExt2 x)
        {
            AddBase(x.GetCoefficient(0));
            AddBase(x.GetCoefficient(1));
        }

        foreach (GoldilocksExt2 x in proof.ProximityRow[..Math.Min(8, proof.ProximityRow.Length)])
        {
            Add(x);
        }

        foreach (GoldilocksExt2 x in proof.EvaluationRow[..Math.Min(8, proof.EvaluationRow.Length)])
        {
            Add(x);
        }

        foreach (Goldilocks x in proof.GetColumn(0))
        {
            AddBase(x);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RevealedElementsOfTwoTablesWithTheSameValueAreIndistinguishableOnlyWhenHiding(bool hiding)
    {
        const int NumVariables = 8, Proofs = 200;
        (Goldilocks[] first, Goldilocks[] second, GoldilocksExt2[] point) = TwoTablesWithOneValue(NumVariables, 2500);
        LigeroParameters parameters = hiding ? Hiding : LigeroParameters.NonHidingForBenchmarks;
        var test = new TwoSampleChiSquare();
        for (int s = 0; s < Proofs; s++)
        {
            foreach ((Goldilocks[] table, bool isFirst) in new[] { (first, true), (second, false) })
            {
                LigeroProverState state = LigeroProver.Commit(table, parameters, new SeededSaltSource((2 * s) + (isFirst ? 0 : 1)));
                LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript(Protocol), state, point, out _);
                AddRevealed(test, isFirst, proof);
            }
        }

        Assert.True(hiding != test.Distinguishes, $"χ² = {test.Statistic():F1} over {test.Counts} values");
    }

    private static LigeroOpeningProof<GoldilocksExt2> Rebuild(LigeroOpeningProof<GoldilocksExt2> proof, GoldilocksExt2[] w, GoldilocksExt2[] q, Goldilocks[] columns) =>
        new(w, q, proof.RowCount, columns, proof.Salts, proof.MerkleProof);

    private static LigeroOpeningProof<GoldilocksExt2> OpenColumns(LigeroProverState state, GoldilocksExt2[] w, GoldilocksExt2[] q, int[] indices)
    {
        int height = state.CommittedRowCount;
        Goldilocks[] columns = LigeroProver.OpenedColumns(state, indices, out byte[] salts);
        return new LigeroOpeningProof<GoldilocksExt2>(w, q, height, columns, salts, state.Tree.OpenBatch(indices));
    }
}
