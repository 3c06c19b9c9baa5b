using FsCheck.Xunit;
using Thestage.Proofs.Commitments.Basefold;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Commitments;

public sealed class BasefoldTests
{
    internal const string Protocol = "basefold-test";

    internal static (BasefoldProverState State, Goldilocks[] Table, GoldilocksExt2[] Point) Setup(int numVariables, int seed, BasefoldParameters? parameters = null)
    {
        var rng = new SeededWordSource(seed);
        Goldilocks[] table = rng.NextArray<Goldilocks>(1 << numVariables);
        GoldilocksExt2[] point = rng.NextArray<GoldilocksExt2>(numVariables);
        BasefoldProverState state = BasefoldProver.Commit(table, parameters ?? BasefoldParameters.Default, new SeededSaltSource(seed));
        return (state, table, point);
    }

    internal static BasefoldOpening<GoldilocksExt2> Open(BasefoldProverState state, GoldilocksExt2[] point, out GoldilocksExt2 value) =>
        BasefoldProver.Open(new Transcript(Protocol), state, point, out value);

    internal static bool Verify(BasefoldCommitment commitment, GoldilocksExt2[] point, GoldilocksExt2 value, BasefoldOpening<GoldilocksExt2>? opening, BasefoldParameters? parameters = null, VerifierPolicy? policy = null) =>
        BasefoldVerifier.Verify(new Transcript(Protocol), commitment, parameters ?? BasefoldParameters.Default, point, value, opening, policy);

    /// <summary>The value by the library's independent hypercube evaluation (folding the table, not the coefficients).</summary>
    private static GoldilocksExt2 Direct(Goldilocks[] table, GoldilocksExt2[] point) =>
        MultilinearPolynomial<GoldilocksExt2>.Evaluate(Array.ConvertAll(table, GoldilocksExt2.FromBase), point);

    [Property(Replay = "(731,2027)", MaxTest = 40)]
    public bool HonestOpeningsOfRandomTablesAtRandomPointsVerify(int seed)
    {
        int v = 1 + (int)((uint)seed % 12);
        (BasefoldProverState state, Goldilocks[] table, GoldilocksExt2[] point) = Setup(v, seed);
        BasefoldOpening<GoldilocksExt2> opening = Open(state, point, out GoldilocksExt2 value);
        BasefoldOpening<GoldilocksExt2> decoded = BasefoldOpeningSerializer.Deserialize<GoldilocksExt2>(BasefoldOpeningSerializer.Serialize(opening));
        return value == Direct(table, point)
            && Verify(state.Commitment, point, value, opening)
            && Verify(state.Commitment, point, value, decoded)
            && !Verify(state.Commitment, point, value + GoldilocksExt2.One, opening);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    public void HonestOpeningVerifiesForEverySizeUpTo18Variables(int numVariables)
    {
        (BasefoldProverState state, Goldilocks[] table, GoldilocksExt2[] point) = Setup(numVariables, 4000 + numVariables);
        BasefoldOpening<GoldilocksExt2> opening = Open(state, point, out GoldilocksExt2 value);
        Assert.Equal(Direct(table, point), value);
        Assert.True(Verify(state.Commitment, point, value, opening));
        Assert.False(Verify(state.Commitment, point, value - GoldilocksExt2.One, opening));
    }

    [Fact]
    public void KnownAnswer_TwoVariables_OpeningGivesTheBilinearInterpolation()
    {
        // f(x1, x2) on (0,0), (0,1), (1,0), (1,1) = 3, 5, 7, 11 (x1 most significant): f = 3 + 4·x1 + 2·x2 + 2·x1·x2,
        // so f(2, 3) = 3 + 8 + 6 + 12 = 29, computed by hand.
        Goldilocks[] table = [new(3), new(5), new(7), new(11)];
        BasefoldProverState state = BasefoldProver.Commit(table, BasefoldParameters.Default, new SeededSaltSource(1));
        GoldilocksExt2[] point = [GoldilocksExt2.FromUInt64(2), GoldilocksExt2.FromUInt64(3)];
        BasefoldOpening<GoldilocksExt2> opening = Open(state, point, out GoldilocksExt2 value);
        Assert.Equal(GoldilocksExt2.FromUInt64(29), value);
        Assert.True(Verify(state.Commitment, point, value, opening));
    }

    [Fact]
    public void PolynomialCoefficientsAreTheMonomialCoefficientsInBitReversedOrder()
    {
        // f = 3 + 4·x1 + 2·x2 + 2·x1·x2: bit 0 of the coefficient index stands for x1, so c' = (3, 4, 2, 2).
        Goldilocks[] table = [new(3), new(5), new(7), new(11)];
        var coefficients = new Goldilocks[4];
        BasefoldFolding.Coefficients<Goldilocks>(table, coefficients);
        Assert.Equal([new(3), new(4), new(2), new(2)], coefficients);
    }

    [Theory]
    [InlineData(1, 244, 1, 0)]
    [InlineData(2, 149, 2, 3)]
    [InlineData(3, 122, 3, 5)]
    [InlineData(4, 111, 5, 16)]
    [InlineData(6, 104, 4, 2)]
    public void OtherRatesAraritiesAndFinalSizesVerify(int logBlowup, int queries, int logArity, int finalVariables)
    {
        var parameters = new BasefoldParameters(logBlowup, queries, logArity, finalVariables);
        foreach (int v in new[] { 1, 5, 11 })
        {
            Assert.True(parameters.SoundnessBits(v, GoldilocksExt2.Log2Size) >= 100);
            (BasefoldProverState state, Goldilocks[] table, GoldilocksExt2[] point) = Setup(v, 5000 + v + logArity, parameters);
            BasefoldOpening<GoldilocksExt2> opening = Open(state, point, out GoldilocksExt2 value);
            Assert.Equal(Direct(table, point), value);
            Assert.True(Verify(state.Commitment, point, value, opening, parameters));
        }
    }

    [Fact]
    public void WrongValuePointCommitmentParametersOrTranscriptAreRefused()
    {
        (BasefoldProverState state, _, GoldilocksExt2[] point) = Setup(14, 6000);
        BasefoldOpening<GoldilocksExt2> opening = Open(state, point, out GoldilocksExt2 value);
        (BasefoldProverState other, _, _) = Setup(14, 6001);
        Assert.True(Verify(state.Commitment, point, value, opening));

        Assert.False(Verify(state.Commitment, point, value + GoldilocksExt2.One, opening));
        GoldilocksExt2[] otherPoint = (GoldilocksExt2[])point.Clone();
        otherPoint[4] += GoldilocksExt2.One;
        Assert.False(Verify(state.Commitment, otherPoint, value, opening));
        otherPoint = (GoldilocksExt2[])point.Clone();
        otherPoint[13] += GoldilocksExt2.One;
        Assert.False(Verify(state.Commitment, otherPoint, value, opening));
        Assert.False(Verify(other.Commitment, point, value, opening));
        Assert.False(Verify(state.Commitment with { NumVariables = 13 }, point[..13], value, opening));
        Assert.False(Verify(state.Commitment, point[..13], value, opening));
        Assert.False(Verify(state.Commitment, point, value, null));
        Assert.False(Verify(state.Commitment, point, value, opening, new BasefoldParameters(3, 123, 4, 10)));
        Assert.False(Verify(state.Commitment, point, value, opening, new BasefoldParameters(3, 122, 3, 10)));
        Assert.False(Verify(state.Commitment, point, value, opening, new BasefoldParameters(3, 122, 4, 9)));
        Assert.False(Verify(state.Commitment, point, value, opening, new BasefoldParameters(4, 122, 4, 10)));
        Assert.False(BasefoldVerifier.Verify(new Transcript("other"), state.Commitment, BasefoldParameters.Default, point, value, opening));
    }

    [Fact]
    public void DefaultParametersHaveAtLeast100Point8BitsUpTo21Variables()
    {
        for (int v = 1; v <= 21; v++)
        {
            Assert.InRange(BasefoldParameters.Default.SoundnessBits(v, GoldilocksExt2.Log2Size), 100.8, 101.3);
        }

        // From 2^24 entries the field term 2·n_0/|F| = 2^−101 pulls the total under 100 bits: the policy refuses the defaults.
        Assert.True(BasefoldParameters.Default.SoundnessBits(24, GoldilocksExt2.Log2Size) < 100);

        // One query fewer than 121 would leave the query term under 100 bits: −121·log2(9/16) = 100.4.
        Assert.True(new BasefoldParameters(3, 120, 4, 10).SoundnessBits(17, GoldilocksExt2.Log2Size) < 100);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(16)]
    public void EstimatedSizeIsWithinTwoPercentOfTheSerializedOpening(int numVariables)
    {
        (BasefoldProverState state, _, GoldilocksExt2[] point) = Setup(numVariables, 7000 + numVariables);
        BasefoldOpening<GoldilocksExt2> opening = Open(state, point, out _);
        int bytes = BasefoldOpeningSerializer.Serialize(opening).Length;
        Assert.InRange(bytes, 0.98 * BasefoldParameters.Default.EstimatedProofBytes(numVariables), 1.02 * BasefoldParameters.Default.EstimatedProofBytes(numVariables));
    }
}
