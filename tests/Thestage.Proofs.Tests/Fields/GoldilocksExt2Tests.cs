using System.Numerics;
using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Tests.Fields;

public sealed class GoldilocksExt2Tests
{
    private static readonly BigInteger P = Goldilocks.Modulus;

    [Fact]
    public void DefiningPolynomialIsIrreducible()
    {
        // X^2 − 7 is irreducible over F_p iff 7 is a quadratic non-residue: 7^((p−1)/2) ≡ −1 (Euler's criterion).
        Assert.Equal(P - 1, BigInteger.ModPow(GoldilocksExt2.NonResidue, (P - 1) / 2, P));
        Assert.Equal(-Goldilocks.One, Goldilocks.Pow(new Goldilocks(GoldilocksExt2.NonResidue), (Goldilocks.Modulus - 1) / 2));
    }

    [Fact]
    public void MultiplicationMatchesSchoolbookPolynomialProductModuloXSquaredMinusSeven()
    {
        var rng = new SeededWordSource(77);
        for (int i = 0; i < 200; i++)
        {
            GoldilocksExt2 a = rng.Next<GoldilocksExt2>(), b = rng.Next<GoldilocksExt2>();
            BigInteger a0 = a.C0.Value, a1 = a.C1.Value, b0 = b.C0.Value, b1 = b.C1.Value;
            BigInteger c0 = ((a0 * b0) + (7 * a1 * b1)) % P;
            BigInteger c1 = ((a0 * b1) + (a1 * b0)) % P;
            GoldilocksExt2 product = a * b;
            Assert.Equal((ulong)c0, product.C0.Value);
            Assert.Equal((ulong)c1, product.C1.Value);
        }
    }

    [Fact]
    public void GeneratorOfTheExtensionHasNoSquareRootOfNonResidueInBase()
    {
        var x = new GoldilocksExt2(Goldilocks.Zero, Goldilocks.One);
        Assert.Equal(GoldilocksExt2.FromUInt64(7), x * x);
        Assert.Equal(2, GoldilocksExt2.Degree);
        Assert.InRange(GoldilocksExt2.Log2Size, 127.9, 128.0);
    }

    [Fact]
    public void FrobeniusIsTheConjugation()
    {
        // In F_p[X]/(X^2 − W), a^p = c0 − c1 X; a field of p^2 elements satisfies a^(p^2) = a.
        var rng = new SeededWordSource(78);
        for (int i = 0; i < 20; i++)
        {
            GoldilocksExt2 a = rng.Next<GoldilocksExt2>();
            GoldilocksExt2 frobenius = GoldilocksExt2.Pow(a, Goldilocks.Modulus);
            Assert.Equal(new GoldilocksExt2(a.C0, -a.C1), frobenius);
            Assert.Equal(a, GoldilocksExt2.Pow(frobenius, Goldilocks.Modulus));
        }
    }

    [Fact]
    public void CoefficientAccessAndBaseEmbedding()
    {
        var g = new Goldilocks(123456789);
        var a = new GoldilocksExt2(g, new Goldilocks(5));
        Assert.Equal(g, a.GetCoefficient(0));
        Assert.Equal(new Goldilocks(5), a.GetCoefficient(1));
        Assert.Equal(a, GoldilocksExt2.FromCoefficients([a.C0, a.C1]));
        Assert.Equal(GoldilocksExt2.FromBase(g) * a, a.MultiplyByBase(g));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.GetCoefficient(2));
        Assert.Throws<ArgumentException>(() => GoldilocksExt2.FromCoefficients([g]));
    }
}
