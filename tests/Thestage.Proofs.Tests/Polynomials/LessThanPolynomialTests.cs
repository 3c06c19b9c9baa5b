using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;

namespace Thestage.Proofs.Tests.Polynomials;

public sealed class LessThanPolynomialTests
{
    [Fact]
    public void AgreesWithTheExtensionOfTheMaskTable()
    {
        // Independent computation: the multilinear extension Σ_y [y < n]·eq(x, y) of the explicit 0/1 table.
        var random = new SeededWordSource(610);
        for (int m = 0; m <= 6; m++)
        {
            GoldilocksExt2[] point = random.NextArray<GoldilocksExt2>(m);
            for (long bound = 0; bound <= (1L << m) + 1; bound++)
            {
                GoldilocksExt2[] mask = Enumerable.Range(0, 1 << m).Select(y => y < bound ? GoldilocksExt2.One : GoldilocksExt2.Zero).ToArray();
                GoldilocksExt2 expected = new MultilinearPolynomial<GoldilocksExt2>(mask).Evaluate(point);
                Assert.Equal(expected, LessThanPolynomial.Evaluate<GoldilocksExt2>(point, bound));
            }
        }
    }

    [Fact]
    public void IsTheMaskOnTheHypercube()
    {
        for (int y = 0; y < 16; y++)
        {
            Goldilocks[] point = Enumerable.Range(0, 4).Select(i => ((y >> (3 - i)) & 1) == 1 ? Goldilocks.One : Goldilocks.Zero).ToArray();
            for (int bound = 0; bound <= 16; bound++)
            {
                Assert.Equal(y < bound ? Goldilocks.One : Goldilocks.Zero, LessThanPolynomial.Evaluate<Goldilocks>(point, bound));
            }
        }
    }
}
