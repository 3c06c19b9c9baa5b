using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Tests.Statistics;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Commitments;

/// <summary>
/// Hiding commitments with an opening budget (<see cref="LigeroParameters.OpeningBudget"/>): each opening uses its own mask
/// set, named in the opening (<c>TSLG</c> v2) and checked by the verifier; <c>B</c> openings of two tables with the same
/// <c>B</c> values are indistinguishable, while without a budget they are told apart.
/// </summary>
public sealed class LigeroOpeningBudgetTests
{
    private const string Protocol = "ligero-budget-test";

    private static GoldilocksExt2 Direct(Goldilocks[] table, GoldilocksExt2[] point) =>
        MultilinearPolynomial<GoldilocksExt2>.Evaluate(table.Select(GoldilocksExt2.FromBase).ToArray(), point);

    private static LigeroOpeningProof<GoldilocksExt2> WithMaskIndex(LigeroOpeningProof<GoldilocksExt2> proof, int? maskIndex) =>
        new(proof.ProximityRow, proof.EvaluationRow, proof.RowCount, proof.Columns, proof.Salts, proof.MerkleProof, maskIndex);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(6, 4)]
    [InlineData(11, 3)]
    public void BudgetedOpeningsVerifyNameTheirMaskSetsAndRoundTrip(int numVariables, int budget)
    {
        LigeroParameters parameters = LigeroParameters.DefaultHidingWithBudget(budget);
        var rng = new SeededWordSource(5100 + numVariables);
        Goldilocks[] table = rng.NextArray<Goldilocks>(1 << numVariables);
        LigeroProverState state = LigeroProver.Commit(table, parameters, new SeededSaltSource(5101));
        Assert.Equal((1 << parameters.RowVariables(numVariables)) + (8 * budget), state.CommittedRowCount);
        for (int b = 0; b < budget; b++)
        {
            GoldilocksExt2[] point = rng.NextArray<GoldilocksExt2>(numVariables);
            LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript(Protocol), state, point, out GoldilocksExt2 value);
            Assert.Equal(Direct(table, point), value);
            Assert.Equal(b, proof.MaskIndex);
            byte[] bytes = LigeroProofSerializer.Serialize(proof);
            Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
            LigeroOpeningProof<GoldilocksExt2> reread = LigeroProofSerializer.Deserialize<GoldilocksExt2>(bytes);
            Assert.Equal(b, reread.MaskIndex);
            Assert.Equal(bytes, LigeroProofSerializer.Serialize(reread));
            Assert.Equal(LigeroVerdict.Accepted, LigeroVerifier.Check(new Transcript(Protocol), state.Commitment, parameters, point, value, reread));

            // Another set, a set beyond the budget, or none: refused (the set is bound in the transcript before γ).
            Assert.NotEqual(LigeroVerdict.Accepted, LigeroVerifier.Check(new Transcript(Protocol), state.Commitment, parameters, point, value, WithMaskIndex(proof, (b + 1) % budget == b ? b + 1 : (b + 1) % budget)));
            Assert.Equal(LigeroVerdict.WrongShape, LigeroVerifier.Check(new Transcript(Protocol), state.Commitment, parameters, point, value, WithMaskIndex(proof, budget)));
            Assert.Equal(LigeroVerdict.WrongShape, LigeroVerifier.Check(new Transcript(Protocol), state.Commitment, parameters, point, value, WithMaskIndex(proof, null)));

            // Checked under the parameters without the budget (a verifier told another budget): refused.
            Assert.NotEqual(LigeroVerdict.Accepted, LigeroVerifier.Check(new Transcript(Protocol), state.Commitment, parameters.WithOpeningBudget(budget + 1), point, value, reread));
            Assert.Equal(LigeroVerdict.WrongShape, LigeroVerifier.Check(new Transcript(Protocol), state.Commitment, LigeroParameters.DefaultHiding, point, value, reread));
        }

        Assert.Throws<OpeningBudgetExhaustedException>(() => LigeroProver.Open(new Transcript(Protocol), state, rng.NextArray<GoldilocksExt2>(numVariables), out _));
    }

    [Fact]
    public void OpeningsWithoutBudgetKeepVersionOneAndRefuseAMaskIndex()
    {
        var rng = new SeededWordSource(5200);
        Goldilocks[] table = rng.NextArray<Goldilocks>(1 << 6);
        LigeroProverState state = LigeroProver.Commit(table, LigeroParameters.DefaultHiding, new SeededSaltSource(5201));
        GoldilocksExt2[] point = rng.NextArray<GoldilocksExt2>(6);
        LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript(Protocol), state, point, out GoldilocksExt2 value);
        Assert.Null(proof.MaskIndex);
        Assert.Equal(0, state.OpeningsUsed);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(LigeroProofSerializer.Serialize(proof).AsSpan(4)));
        Assert.Equal(LigeroVerdict.WrongShape, LigeroVerifier.Check(new Transcript(Protocol), state.Commitment, LigeroParameters.DefaultHiding, point, value, WithMaskIndex(proof, 0)));
    }

    [Fact]
    public void MalformedMaskIndicesAreFormatErrors()
    {
        var rng = new SeededWordSource(5300);
        LigeroParameters parameters = LigeroParameters.DefaultHidingWithBudget(2);
        LigeroProverState state = LigeroProver.Commit(rng.NextArray<Goldilocks>(1 << 5), parameters, new SeededSaltSource(5301));
        byte[] bytes = LigeroProofSerializer.Serialize(LigeroProver.Open(new Transcript(Protocol), state, rng.NextArray<GoldilocksExt2>(5), out _));

        // The set is the u16 after the extension length (offset 8): beyond the largest budget, or the bytes cut inside it.
        foreach (ushort set in new ushort[] { LigeroParameters.MaxOpeningBudget, ushort.MaxValue })
        {
            byte[] oversized = (byte[])bytes.Clone();
            BinaryPrimitives.WriteUInt16LittleEndian(oversized.AsSpan(8), set);
            Assert.Throws<ProofFormatException>(() => LigeroProofSerializer.Deserialize<GoldilocksExt2>(oversized));
        }

        Assert.Throws<ProofFormatException>(() => LigeroProofSerializer.Deserialize<GoldilocksExt2>(bytes.AsSpan(0, 9)));
        byte[] future = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(future.AsSpan(4), 3);
        Assert.Throws<ProofFormatException>(() => LigeroProofSerializer.Deserialize<GoldilocksExt2>(future));
    }

    [Fact]
    public void BudgetParametersAreValidatedAndKeepTheSoundnessAboveOneHundredBits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LigeroParameters(2, 152, hiding: false, openingBudget: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LigeroParameters(5, 117, hiding: true, openingBudget: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LigeroParameters(5, 117, hiding: true, openingBudget: LigeroParameters.MaxOpeningBudget + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LigeroParameters.DefaultHidingWithBudget(0));
        Assert.Equal(0, LigeroParameters.DefaultHiding.OpeningBudget);
        foreach (int budget in new[] { 1, 16, 64, LigeroParameters.MaxOpeningBudget })
        {
            LigeroParameters parameters = LigeroParameters.DefaultHidingWithBudget(budget);
            for (int v = 0; v <= 22; v++)
            {
                int k = 1 << parameters.ColumnVariables(v);
                int d = parameters.DegreeBound(k);

                // T ≥ B·t random coefficients, D ≥ 2·B·t (the mask argument needs |J| ≤ D/2), rate D/n ≤ (9/8)·2^−5.
                Assert.True(d - k >= budget * parameters.ColumnQueries && d >= 2 * budget * parameters.ColumnQueries);
                Assert.True(8L * d * 32 <= 9L * parameters.CodewordLength(v));
                Assert.True(parameters.SoundnessBits(v, GoldilocksExt2.Log2Size) >= 105.4, $"budget {budget}, v = {v}");
            }
        }
    }

    /// <summary>Two tables with the same values at <paramref name="count"/> base-field points: <c>W_2 = W_1 + Δ</c>, <c>Δ̃(r_b) = 0</c> for every point.</summary>
    private static (Goldilocks[] First, Goldilocks[] Second, GoldilocksExt2[][] Points) TwoTablesWithSameValues(int numVariables, int count, int seed)
    {
        var rng = new SeededWordSource(seed);
        Goldilocks[] first = rng.NextArray<Goldilocks>(1 << numVariables);
        Goldilocks[] delta = rng.NextArray<Goldilocks>(1 << numVariables);
        GoldilocksExt2[][] points = Enumerable.Range(0, count).Select(_ => rng.NextArray<Goldilocks>(numVariables).Select(GoldilocksExt2.FromBase).ToArray()).ToArray();

        // Solve for Δ's first `count` entries so that Σ_x eq(r_b, x)·Δ_x = 0 for every b (Gaussian elimination over Goldilocks).
        Goldilocks[][] eq = points.Select(p => EqPolynomial.Table<GoldilocksExt2>(p).Select(x => x.GetCoefficient(0)).ToArray()).ToArray();
        var matrix = new Goldilocks[count][];
        for (int b = 0; b < count; b++)
        {
            Goldilocks rest = Goldilocks.Zero;
            for (int x = count; x < delta.Length; x++)
            {
                rest += eq[b][x] * delta[x];
            }

            matrix[b] = [.. eq[b][..count], -rest];
        }

        for (int c = 0; c < count; c++)
        {
            int pivot = Enumerable.Range(c, count - c).First(r => !matrix[r][c].IsZero);
            (matrix[c], matrix[pivot]) = (matrix[pivot], matrix[c]);
            Goldilocks inverse = Goldilocks.Invert(matrix[c][c]);
            matrix[c] = matrix[c].Select(x => x * inverse).ToArray();
            for (int r = 0; r < count; r++)
            {
                if (r != c && !matrix[r][c].IsZero)
                {
                    Goldilocks factor = matrix[r][c];
                    matrix[r] = matrix[r].Select((x, u) => x - (factor * matrix[c][u])).ToArray();
                }
            }
        }

        for (int c = 0; c < count; c++)
        {
            delta[c] = matrix[c][count];
        }

        Goldilocks[] second = first.Zip(delta, (a, b) => a + b).ToArray();
        Assert.All(points, p => Assert.Equal(Direct(first, p), Direct(second, p)));
        Assert.NotEqual(first, second);
        return (first, second, points);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RevealedElementsOfBOpeningsOfTwoTablesWithTheSameValuesAreIndistinguishableOnlyWithABudget(bool budgeted)
    {
        // B openings of one commitment each, at the same B points for both tables. The distinguisher sees every opening's rows
        // and first column (one χ² test), and the differences q_b − q_0 on H_k (another): without a budget μ cancels there and
        // leaves u_b·ê_b − u_0·ê_0, a function of the table; with one, each q_b has its own mask set.
        const int NumVariables = 6, Openings = 4, Trials = 60;
        (Goldilocks[] first, Goldilocks[] second, GoldilocksExt2[][] points) = TwoTablesWithSameValues(NumVariables, Openings, 5400);
        LigeroParameters parameters = budgeted ? LigeroParameters.DefaultHidingWithBudget(Openings) : LigeroParameters.DefaultHiding;
        var test = new TwoSampleChiSquare();
        var cross = new TwoSampleChiSquare();
        for (int s = 0; s < Trials; s++)
        {
            foreach ((Goldilocks[] table, bool isFirst) in new[] { (first, true), (second, false) })
            {
                LigeroProverState state = LigeroProver.Commit(table, parameters, new SeededSaltSource((2 * s) + (isFirst ? 0 : 1) + 5500));
                int k = state.RowLength;
                Goldilocks[] subgroup = Enumerable.Range(0, k).Select(j => Goldilocks.Pow(Goldilocks.RootOfUnity(System.Numerics.BitOperations.Log2((uint)k)), (ulong)j)).ToArray();
                GoldilocksExt2[]? firstOnSubgroup = null;
                foreach (GoldilocksExt2[] point in points)
                {
                    LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript(Protocol), state, point, out _);
                    foreach (GoldilocksExt2 x in proof.ProximityRow[..8].ToArray().Concat(proof.EvaluationRow[..8].ToArray()))
                    {
                        test.Add(isFirst, x);
                    }

                    foreach (Goldilocks x in proof.GetColumn(0))
                    {
                        if (isFirst)
                        {
                            test.AddFirst(x);
                        }
                        else
                        {
                            test.AddSecond(x);
                        }
                    }

                    GoldilocksExt2[] onSubgroup = LigeroMasking.EvaluateAt<GoldilocksExt2>(proof.EvaluationRow, subgroup);
                    if (firstOnSubgroup is null)
                    {
                        firstOnSubgroup = onSubgroup;
                        continue;
                    }

                    for (int j = 0; j < Math.Min(4, k); j++)
                    {
                        cross.Add(isFirst, onSubgroup[j] - firstOnSubgroup[j]);
                    }
                }
            }
        }

        // The revealed elements themselves look alike either way at this size; the cross-opening differences tell the tables
        // apart without a budget only.
        string report = $"elements χ² = {test.Statistic():F1} over {test.Counts}, differences χ² = {cross.Statistic():F1} over {cross.Counts}";
        Assert.True(budgeted ? !test.Distinguishes && !cross.Distinguishes : cross.Distinguishes, report);
    }
}
