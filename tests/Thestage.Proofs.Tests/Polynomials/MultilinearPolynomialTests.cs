using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;

namespace Thestage.Proofs.Tests.Polynomials;

public sealed class MultilinearPolynomialTests
{
    private static GoldilocksExt2 Bit(int index, int variable, int numVariables) =>
        ((index >> (numVariables - 1 - variable)) & 1) == 1 ? GoldilocksExt2.One : GoldilocksExt2.Zero;

    private static GoldilocksExt2[] BooleanPoint(int index, int numVariables) =>
        Enumerable.Range(0, numVariables).Select(j => Bit(index, j, numVariables)).ToArray();

    [Fact]
    public void EvaluationOnTheHypercubeReturnsTableEntriesWithFirstVariableAsMostSignificantBit()
    {
        var rng = new SeededWordSource(600);
        GoldilocksExt2[] table = rng.NextArray<GoldilocksExt2>(16);
        var f = new MultilinearPolynomial<GoldilocksExt2>(table);
        Assert.Equal(4, f.NumVariables);
        for (int b = 0; b < 16; b++)
        {
            Assert.Equal(table[b], f.Evaluate(BooleanPoint(b, 4)));
        }

        var one = GoldilocksExt2.One;
        var zero = GoldilocksExt2.Zero;
        Assert.Equal(table[8], f.Evaluate([one, zero, zero, zero]));
    }

    [Fact]
    public void EvaluationMatchesTheLagrangeSumWithDirectEq()
    {
        var rng = new SeededWordSource(601);
        GoldilocksExt2[] table = rng.NextArray<GoldilocksExt2>(32);
        GoldilocksExt2[] point = rng.NextArray<GoldilocksExt2>(5);
        GoldilocksExt2 expected = GoldilocksExt2.Zero;
        for (int b = 0; b < 32; b++)
        {
            expected += table[b] * EqPolynomial.Evaluate<GoldilocksExt2>(point, BooleanPoint(b, 5));
        }

        Assert.Equal(expected, MultilinearPolynomial<GoldilocksExt2>.Evaluate(table, point));
    }

    [Fact]
    public void IsAffineInEachVariable()
    {
        var rng = new SeededWordSource(602);
        var f = new MultilinearPolynomial<GoldilocksExt2>(rng.NextArray<GoldilocksExt2>(8));
        GoldilocksExt2[] point = rng.NextArray<GoldilocksExt2>(3);
        for (int variable = 0; variable < 3; variable++)
        {
            GoldilocksExt2[] at0 = (GoldilocksExt2[])point.Clone(), at1 = (GoldilocksExt2[])point.Clone(), at2 = (GoldilocksExt2[])point.Clone();
            at0[variable] = GoldilocksExt2.Zero;
            at1[variable] = GoldilocksExt2.One;
            at2[variable] = GoldilocksExt2.FromUInt64(2);
            Assert.Equal(f.Evaluate(at1) + f.Evaluate(at1) - f.Evaluate(at0), f.Evaluate(at2));
        }
    }

    [Fact]
    public void FixingTheFirstVariableIsConsistentWithEvaluation()
    {
        var rng = new SeededWordSource(603);
        var f = new MultilinearPolynomial<GoldilocksExt2>(rng.NextArray<GoldilocksExt2>(64));
        GoldilocksExt2[] point = rng.NextArray<GoldilocksExt2>(6);
        MultilinearPolynomial<GoldilocksExt2> folded = f.FixFirstVariable(point[0]);
        Assert.Equal(5, folded.NumVariables);
        Assert.Equal(f.Evaluate(point), folded.Evaluate(point.AsSpan(1)));

        var constant = new MultilinearPolynomial<GoldilocksExt2>([GoldilocksExt2.One]);
        Assert.Throws<InvalidOperationException>(() => constant.FixFirstVariable(GoldilocksExt2.One));
        Assert.Throws<ArgumentException>(() => new MultilinearPolynomial<GoldilocksExt2>(new GoldilocksExt2[3]));
        Assert.Throws<ArgumentException>(() => f.Evaluate(point.AsSpan(1)));
    }

    [Fact]
    public void EqTableMatchesDirectEvaluationAndSumsToOne()
    {
        var rng = new SeededWordSource(604);
        GoldilocksExt2[] r = rng.NextArray<GoldilocksExt2>(6);
        GoldilocksExt2[] table = EqPolynomial.Table<GoldilocksExt2>(r);
        GoldilocksExt2 sum = GoldilocksExt2.Zero;
        for (int b = 0; b < 64; b++)
        {
            Assert.Equal(EqPolynomial.Evaluate<GoldilocksExt2>(r, BooleanPoint(b, 6)), table[b]);
            sum += table[b];
        }

        Assert.Equal(GoldilocksExt2.One, sum);

        GoldilocksExt2[] indicator = EqPolynomial.Table<GoldilocksExt2>(BooleanPoint(5, 3));
        Assert.Equal(Enumerable.Range(0, 8).Select(b => b == 5 ? GoldilocksExt2.One : GoldilocksExt2.Zero), indicator);
        Assert.Equal([GoldilocksExt2.One], EqPolynomial.Table<GoldilocksExt2>([]));
    }
}
