using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;

namespace Thestage.Proofs.Tests.Polynomials;

public sealed class UnivariatePolynomialTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(31)]
    [InlineData(63)]
    public void InterpolationRecoversCoefficientsAndLagrangeMatchesHorner(int degree)
    {
        var rng = new SeededWordSource(700 + degree);
        GoldilocksExt2[] coefficients = rng.NextArray<GoldilocksExt2>(degree + 1);
        GoldilocksExt2[] values = Enumerable.Range(0, degree + 1)
            .Select(i => UnivariatePolynomial.Evaluate<GoldilocksExt2>(coefficients, GoldilocksExt2.FromUInt64((ulong)i)))
            .ToArray();

        Assert.Equal(coefficients, UnivariatePolynomial.InterpolateFromNodeValues<GoldilocksExt2>(values));
        for (int trial = 0; trial < 10; trial++)
        {
            GoldilocksExt2 x = rng.Next<GoldilocksExt2>();
            Assert.Equal(
                UnivariatePolynomial.Evaluate<GoldilocksExt2>(coefficients, x),
                UnivariatePolynomial.EvaluateFromNodeValues<GoldilocksExt2>(values, x));
        }

        for (int i = 0; i <= degree; i++)
        {
            Assert.Equal(values[i], UnivariatePolynomial.EvaluateFromNodeValues<GoldilocksExt2>(values, GoldilocksExt2.FromUInt64((ulong)i)));
        }
    }

    [Fact]
    public void KnownSmallExample()
    {
        // p(X) = X^2 + 1 through (0,1), (1,2), (2,5): p(10) = 101.
        Goldilocks[] values = [new(1), new(2), new(5)];
        Assert.Equal(new Goldilocks(101), UnivariatePolynomial.EvaluateFromNodeValues<Goldilocks>(values, new Goldilocks(10)));
        Assert.Equal([new Goldilocks(1), Goldilocks.Zero, new Goldilocks(1)], UnivariatePolynomial.InterpolateFromNodeValues<Goldilocks>(values));
        Assert.Throws<ArgumentException>(() => UnivariatePolynomial.EvaluateFromNodeValues<Goldilocks>([], Goldilocks.One));
        Assert.Throws<ArgumentException>(() => UnivariatePolynomial.EvaluateFromNodeValues<Goldilocks>(new Goldilocks[65], Goldilocks.One));
    }
}
