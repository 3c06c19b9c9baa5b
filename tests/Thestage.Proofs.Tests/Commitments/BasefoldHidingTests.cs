using FsCheck.Xunit;
using Thestage.Proofs.Commitments.Basefold;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Tests.Statistics;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Commitments;

public sealed class BasefoldHidingTests
{
    private static readonly BasefoldParameters Hiding = BasefoldParameters.DefaultHiding;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(11)]
    [InlineData(16)]
    [InlineData(18)]
    public void HonestHidingOpeningVerifies(int numVariables)
    {
        (BasefoldProverState state, Goldilocks[] table, GoldilocksExt2[] point) = BasefoldTests.Setup(numVariables, 8000 + numVariables, Hiding);
        BasefoldOpening<GoldilocksExt2> opening = BasefoldTests.Open(state, point, out GoldilocksExt2 value);
        Assert.Equal(MultilinearPolynomial<GoldilocksExt2>.Evaluate(Array.ConvertAll(table, GoldilocksExt2.FromBase), point), value);
        Assert.True(BasefoldTests.Verify(state.Commitment, point, value, opening, Hiding));
        Assert.False(BasefoldTests.Verify(state.Commitment, point, value + GoldilocksExt2.One, opening, Hiding));
        Assert.False(BasefoldTests.Verify(state.Commitment, point, value, opening, BasefoldParameters.Default));
        BasefoldOpening<GoldilocksExt2> decoded = BasefoldOpeningSerializer.Deserialize<GoldilocksExt2>(BasefoldOpeningSerializer.Serialize(opening));
        Assert.True(BasefoldTests.Verify(state.Commitment, point, value, decoded, Hiding));
    }

    [Property(Replay = "(733,2027)", MaxTest = 25)]
    public bool HidingOpeningsOfRandomTablesVerifyAndRefuseWrongValues(int seed)
    {
        int v = 1 + (int)((uint)seed % 12);
        (BasefoldProverState state, _, GoldilocksExt2[] point) = BasefoldTests.Setup(v, seed, Hiding);
        BasefoldOpening<GoldilocksExt2> opening = BasefoldTests.Open(state, point, out GoldilocksExt2 value);
        return BasefoldTests.Verify(state.Commitment, point, value, opening, Hiding)
            && !BasefoldTests.Verify(state.Commitment, point, value - GoldilocksExt2.One, opening, Hiding);
    }

    [Fact]
    public void MaskVariablesCoverEveryOpenedPosition()
    {
        // 2^(v+e) − 2^v ≥ t·2^LogArity = 1952: one mask variable from 2^11 entries, more below.
        Assert.Equal(1, Hiding.MaskVariables(11));
        Assert.Equal(1, Hiding.MaskVariables(18));
        Assert.Equal(2, Hiding.MaskVariables(10));
        Assert.Equal(10, Hiding.MaskVariables(1));
        Assert.Equal(0, BasefoldParameters.Default.MaskVariables(11));
        Assert.True(Hiding.SoundnessBits(17, GoldilocksExt2.Log2Size) >= 100.8);
    }

    /// <summary>
    /// Every value a hiding opening reveals (the mask value, the round messages, the folded layers' roots aside, the final
    /// coefficients, and the opened leaves of every layer) is bucketed for one of two tables with the same value at the point:
    /// the zero table and a random table adjusted to vanish there. The two samples must be indistinguishable, and the same test on
    /// plain openings must tell them apart (the zero table's leaves, rounds and final polynomial are all zero).
    /// </summary>
    [Fact]
    public void HidingOpenings_OfTwoTablesWithTheSameValue_AreIndistinguishable_WhilePlainOnesAreNot()
    {
        const int v = 11;
        var rng = new SeededWordSource(8100);
        GoldilocksExt2[] point = Array.ConvertAll(rng.NextArray<Goldilocks>(v), GoldilocksExt2.FromBase);
        var zero = new Goldilocks[1 << v];
        Goldilocks[] other = rng.NextArray<Goldilocks>(1 << v);
        GoldilocksExt2[] eq = EqPolynomial.Table(point);
        GoldilocksExt2 at = MultilinearPolynomial<GoldilocksExt2>.Evaluate(Array.ConvertAll(other, GoldilocksExt2.FromBase), point);
        other[5] -= at.C0 * Goldilocks.Invert(eq[5].C0); // a base-field point: eq and the value are base-field
        Assert.Equal(GoldilocksExt2.Zero, MultilinearPolynomial<GoldilocksExt2>.Evaluate(Array.ConvertAll(other, GoldilocksExt2.FromBase), point));

        Assert.False(Sample(Hiding, zero, other, point).Distinguishes);
        Assert.True(Sample(BasefoldParameters.Default, zero, other, point).Distinguishes);
    }

    private static TwoSampleChiSquare Sample(BasefoldParameters parameters, Goldilocks[] first, Goldilocks[] second, GoldilocksExt2[] point)
    {
        var test = new TwoSampleChiSquare();
        for (int run = 0; run < 24; run++)
        {
            foreach ((bool isFirst, Goldilocks[] table) in new[] { (true, first), (false, second) })
            {
                int seed = (run * 2) + (isFirst ? 0 : 1);
                BasefoldProverState state = BasefoldProver.Commit(table, parameters, new SeededSaltSource(81000 + seed), new SeededSaltSource(82000 + seed));
                BasefoldOpening<GoldilocksExt2> opening = BasefoldProver.Open(new Transcript(BasefoldTests.Protocol), state, point, out GoldilocksExt2 value);
                Assert.Equal(GoldilocksExt2.Zero, value);
                if (opening.MaskValue is GoldilocksExt2 mask)
                {
                    test.Add(isFirst, mask);
                }

                foreach (GoldilocksExt2 x in opening.RoundMessages.Concat(opening.FinalCoefficients))
                {
                    test.Add(isFirst, x);
                }

                foreach (BasefoldLayerOpening layer in opening.Layers)
                {
                    foreach (Goldilocks x in layer.Payloads)
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
                }
            }
        }

        return test;
    }
}
