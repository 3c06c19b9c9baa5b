using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Commitments;

public sealed class LigeroTests
{
    private const string Protocol = "ligero-test";

    internal static (LigeroProverState State, Goldilocks[] Table, GoldilocksExt2[] Point) Setup(int numVariables, int seed, LigeroParameters? parameters = null)
    {
        var rng = new SeededWordSource(seed);
        Goldilocks[] table = rng.NextArray<Goldilocks>(1 << numVariables);
        GoldilocksExt2[] point = rng.NextArray<GoldilocksExt2>(numVariables);
        LigeroProverState state = LigeroProver.Commit(table, parameters ?? LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(seed));
        return (state, table, point);
    }

    private static GoldilocksExt2 Direct(Goldilocks[] table, GoldilocksExt2[] point) =>
        MultilinearPolynomial<GoldilocksExt2>.Evaluate(table.Select(GoldilocksExt2.FromBase).ToArray(), point);

    private static bool Verify(LigeroCommitment commitment, GoldilocksExt2[] point, GoldilocksExt2 value, LigeroOpeningProof<GoldilocksExt2>? proof, LigeroParameters? parameters = null) =>
        LigeroVerifier.Verify(new Transcript(Protocol), commitment, parameters ?? LigeroParameters.NonHidingForBenchmarks, point, value, proof);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(10)]
    public void OpeningEqualsDirectMultilinearEvaluationAndVerifies(int numVariables)
    {
        (LigeroProverState state, Goldilocks[] table, GoldilocksExt2[] point) = Setup(numVariables, 1000 + numVariables);
        LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript(Protocol), state, point, out GoldilocksExt2 value);
        Assert.Equal(Direct(table, point), value);
        Assert.True(Verify(state.Commitment, point, value, proof));
        Assert.Equal(numVariables, state.Commitment.NumVariables);
        Assert.Equal(state.RowLength * 4, state.CodewordLength);
    }

    [Fact]
    public void OpeningAtBooleanPointsReturnsTableEntries()
    {
        (LigeroProverState state, Goldilocks[] table, _) = Setup(5, 1100);
        GoldilocksExt2[] point = [GoldilocksExt2.One, GoldilocksExt2.Zero, GoldilocksExt2.One, GoldilocksExt2.One, GoldilocksExt2.Zero];
        LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript(Protocol), state, point, out GoldilocksExt2 value);
        Assert.Equal(GoldilocksExt2.FromBase(table[0b10110]), value);
        Assert.True(Verify(state.Commitment, point, value, proof));
    }

    [Fact]
    public void WrongValuePointRootParametersOrTranscriptAreRejected()
    {
        (LigeroProverState state, _, GoldilocksExt2[] point) = Setup(8, 1200);
        LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript(Protocol), state, point, out GoldilocksExt2 value);
        (LigeroProverState other, _, _) = Setup(8, 1201);

        Assert.True(Verify(state.Commitment, point, value, proof));
        Assert.False(Verify(state.Commitment, point, value + GoldilocksExt2.One, proof));
        GoldilocksExt2[] otherPoint = (GoldilocksExt2[])point.Clone();
        otherPoint[3] += GoldilocksExt2.One;
        Assert.False(Verify(state.Commitment, otherPoint, value, proof));
        Assert.False(Verify(other.Commitment, point, value, proof));
        Assert.False(Verify(new LigeroCommitment(state.Commitment.Root, 7), point[..7], value, proof));
        Assert.False(Verify(state.Commitment, point, value, proof, new LigeroParameters(2, 255)));
        Assert.False(Verify(state.Commitment, point, value, proof, new LigeroParameters(3, 256)));
        Assert.False(Verify(state.Commitment, point[..7], value, proof));
        Assert.False(Verify(state.Commitment, point, value, null));
        Assert.False(LigeroVerifier.Verify(new Transcript("other"), state.Commitment, LigeroParameters.NonHidingForBenchmarks, point, value, proof));
    }

    [Fact]
    public void ProverThatLiesAboutTheValueIsCaughtByTheColumnChecks()
    {
        (LigeroProverState state, _, GoldilocksExt2[] point) = Setup(8, 1300);
        int rows = state.RowCount, k = state.RowLength, n = state.CodewordLength;
        int rowVariables = LigeroParameters.NonHidingForBenchmarks.RowVariables(8);
        GoldilocksExt2[] eqRow = EqPolynomial.Table<GoldilocksExt2>(point.AsSpan(0, rowVariables));
        GoldilocksExt2[] eqColumn = EqPolynomial.Table<GoldilocksExt2>(point.AsSpan(rowVariables));

        // Honest rows, then shift u so that ⟨u', eq(r_col)⟩ = f(r) + 1 and run the rest of the protocol honestly.
        var u = new GoldilocksExt2[k];
        var w = new GoldilocksExt2[k];
        var transcript = new Transcript(Protocol);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < k; j++)
            {
                u[j] += eqRow[i].MultiplyByBase(state.Evaluations[(i * k) + j]);
            }
        }

        GoldilocksExt2 honest = FieldMath.InnerProduct<GoldilocksExt2>(u, eqColumn);
        u[0] += GoldilocksExt2.Invert(eqColumn[0]);
        GoldilocksExt2 claimed = honest + GoldilocksExt2.One;
        Assert.Equal(claimed, FieldMath.InnerProduct<GoldilocksExt2>(u, eqColumn));

        GoldilocksExt2[] gamma = LigeroProtocol.BeginOpening<GoldilocksExt2>(transcript, state.Commitment, state.Parameters, point, claimed, rows);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < k; j++)
            {
                w[j] += gamma[i].MultiplyByBase(state.Evaluations[(i * k) + j]);
            }
        }

        int[] indices = LigeroProtocol.QueryColumns<GoldilocksExt2>(transcript, w, u, n, state.Parameters.ColumnQueries);
        var columns = new Goldilocks[indices.Length * rows];
        var salts = new byte[indices.Length * MerkleHasher.SaltLength];
        for (int q = 0; q < indices.Length; q++)
        {
            for (int i = 0; i < rows; i++)
            {
                columns[(q * rows) + i] = state.Encoded[(i * n) + indices[q]];
            }

            state.Salts.AsSpan(indices[q] * MerkleHasher.SaltLength, MerkleHasher.SaltLength).CopyTo(salts.AsSpan(q * MerkleHasher.SaltLength));
        }

        var forged = new LigeroOpeningProof<GoldilocksExt2>(w, u, rows, columns, salts, state.Tree.OpenBatch(indices));
        Assert.False(Verify(state.Commitment, point, claimed, forged));
    }

    [Fact]
    public void DefaultParametersReachAtLeastOneHundredBits()
    {
        LigeroParameters defaults = LigeroParameters.NonHidingForBenchmarks;
        Assert.Equal(0.25, defaults.Rate);
        Assert.Equal(0.375, defaults.Delta);

        // BCIKS 2020 at the unique-decoding radius: ε ≤ (1 − δ)^t + n/|F|, computed here from the formula itself.
        for (int v = 0; v <= LigeroParameters.MaxVariables; v++)
        {
            double n = Math.Pow(2.0, defaults.ColumnVariables(v) + defaults.LogBlowup);
            double epsilon = Math.Pow(1.0 - ((1.0 - defaults.Rate) / 2.0), defaults.ColumnQueries) + (n / Math.Pow(2.0, GoldilocksExt2.Log2Size));
            double bits = -Math.Log2(epsilon);
            Assert.True(bits >= 100, $"v = {v}: {bits} bits");
            Assert.Equal(bits, defaults.SoundnessBits(v, GoldilocksExt2.Log2Size), 6);
        }

        // Query term alone: t · log2(8/5); 148 queries are the least reaching 100 bits at rate 1/4.
        Assert.Equal(152 * Math.Log2(8.0 / 5.0), defaults.SoundnessBits(0, 10_000), 6);
        Assert.True(new LigeroParameters(2, 148).SoundnessBits(0, 10_000) >= 100);
        Assert.True(new LigeroParameters(2, 147).SoundnessBits(0, 10_000) < 100);
        Assert.True(new LigeroParameters(2, 189).SoundnessBits(0, 10_000) >= 128);

        // Over the base field alone the field term would dominate: the extension is necessary.
        Assert.True(defaults.SoundnessBits(20, Goldilocks.Log2Size) < 60);
    }

    [Theory]
    [InlineData(17)]
    [InlineData(20)]
    public void ChosenShapeMinimisesTheEstimatedSizeAndBeatsTheSquareLayout(int v)
    {
        LigeroParameters defaults = LigeroParameters.NonHidingForBenchmarks;
        int c = defaults.ColumnVariables(v);
        for (int other = 0; other <= v; other++)
        {
            Assert.True(defaults.EstimatedProofBytes(v, c) <= defaults.EstimatedProofBytes(v, other));
        }

        Assert.True(defaults.EstimatedProofBytes(v, c) < defaults.EstimatedProofBytes(v, (v + 1) / 2));
        Assert.Equal(v - c, defaults.RowVariables(v));
    }

    [Fact]
    public void CommitIsHidingThroughSaltsAndRejectsBadInput()
    {
        var rng = new SeededWordSource(1400);
        Goldilocks[] table = rng.NextArray<Goldilocks>(64);
        LigeroProverState a = LigeroProver.Commit(table, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(1));
        LigeroProverState b = LigeroProver.Commit(table, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(2));
        LigeroProverState c = LigeroProver.Commit(table, LigeroParameters.NonHidingForBenchmarks);
        Assert.NotEqual(a.Commitment.Root, b.Commitment.Root);
        Assert.NotEqual(a.Commitment.Root, c.Commitment.Root);
        Assert.Equal(a.Commitment.Root, LigeroProver.Commit(table, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(1)).Commitment.Root);

        Assert.Throws<ArgumentException>(() => LigeroProver.Commit(new Goldilocks[12], LigeroParameters.NonHidingForBenchmarks));
        Assert.Throws<ArgumentException>(() => LigeroProver.Open<GoldilocksExt2>(new Transcript(Protocol), a, new GoldilocksExt2[5], out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LigeroParameters(0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LigeroParameters(2, 0));
    }
}
