using System.Numerics;
using FsCheck.Xunit;
using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Tests.Fields;

public sealed class GoldilocksTests
{
    private static readonly BigInteger P = Goldilocks.Modulus;

    // FsCheck favours small integers; mapping each input x to itself and to 2^64−1−x also covers the top of the range.
    private static IEnumerable<ulong> Spread(ulong x) => [x, ulong.MaxValue - x, x << 32, Goldilocks.Modulus - 1 - (x % Goldilocks.Modulus)];

    private static ulong Big(BigInteger value) => (ulong)(((value % P) + P) % P);

    [Property(Replay = "(101,2027)", MaxTest = 300)]
    public bool AdditionMatchesBigInteger(ulong x, ulong y) =>
        Spread(x).Zip(Spread(y)).All(t =>
            (new Goldilocks(t.First) + new Goldilocks(t.Second)).Value == Big((BigInteger)t.First + t.Second));

    [Property(Replay = "(102,2027)", MaxTest = 300)]
    public bool SubtractionMatchesBigInteger(ulong x, ulong y) =>
        Spread(x).Zip(Spread(y)).All(t =>
            (new Goldilocks(t.First) - new Goldilocks(t.Second)).Value == Big((BigInteger)t.First - t.Second));

    [Property(Replay = "(103,2027)", MaxTest = 300)]
    public bool MultiplicationMatchesBigInteger(ulong x, ulong y) =>
        Spread(x).Zip(Spread(y)).All(t =>
            (new Goldilocks(t.First) * new Goldilocks(t.Second)).Value == Big((BigInteger)t.First * t.Second));

    [Property(Replay = "(104,2027)", MaxTest = 300)]
    public bool NegationMatchesBigInteger(ulong x) =>
        Spread(x).All(v => (-new Goldilocks(v)).Value == Big(-(BigInteger)v));

    [Property(Replay = "(105,2027)", MaxTest = 300)]
    public bool Reduce128MatchesBigInteger(ulong hi, ulong lo) =>
        Spread(hi).Zip(Spread(lo)).All(t =>
            Goldilocks.Reduce128(t.First, t.Second) == Big(((BigInteger)t.First << 64) + t.Second));

    [Property(Replay = "(106,2027)", MaxTest = 100)]
    public bool PowAndInverseMatchBigInteger(ulong x, ulong e) =>
        Spread(x).All(v =>
        {
            var g = new Goldilocks(v);
            bool powOk = Goldilocks.Pow(g, e).Value == (ulong)BigInteger.ModPow(v % P, e, P);
            return powOk && (g.IsZero || Goldilocks.Invert(g).Value == (ulong)BigInteger.ModPow(v % P, P - 2, P));
        });

    [Fact]
    public void EdgeCasesOfReduction()
    {
        ulong[] interesting = [0, 1, 2, 0xFFFF_FFFF, 0x1_0000_0000, Goldilocks.Modulus - 1, Goldilocks.Modulus, ulong.MaxValue];
        foreach (ulong a in interesting)
        {
            foreach (ulong b in interesting)
            {
                BigInteger product = (BigInteger)a * b;
                Assert.Equal(Big(product), (new Goldilocks(a) * new Goldilocks(b)).Value);
                Assert.Equal(Big(product), Goldilocks.Reduce128((ulong)(product >> 64), (ulong)(product & ulong.MaxValue)));
            }
        }

        Assert.Equal(Big(BigInteger.Pow(2, 128) - 1), Goldilocks.Reduce128(ulong.MaxValue, ulong.MaxValue));
    }

    [Fact]
    public void RootsOfUnityHaveExactTwoPowerOrder()
    {
        Goldilocks minusOne = -Goldilocks.One;
        for (int log = 1; log <= Goldilocks.TwoAdicity; log++)
        {
            Goldilocks root = Goldilocks.RootOfUnity(log);
            Assert.Equal(minusOne, Goldilocks.Pow(root, 1UL << (log - 1)));
            Assert.Equal(Goldilocks.One, Goldilocks.Pow(root, 1UL << log));
            Assert.Equal(Goldilocks.RootOfUnity(log - 1), root * root);
        }

        Assert.Equal(Goldilocks.One, Goldilocks.RootOfUnity(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Goldilocks.RootOfUnity(33));

        // Independent check: 7^((p−1)/2^32) computed with BigInteger.
        Assert.Equal((ulong)BigInteger.ModPow(7, (P - 1) >> 32, P), Goldilocks.RootOfUnity(32).Value);
        Assert.Equal(Goldilocks.RootOfUnity(32), Goldilocks.TwoAdicGenerator);
    }

    [Fact]
    public void SevenGeneratesTheMultiplicativeGroup()
    {
        // p − 1 = 2^32 · 3 · 5 · 17 · 257 · 65537; 7 is a generator iff 7^((p−1)/q) ≠ 1 for each prime q.
        ulong[] primeFactors = [2, 3, 5, 17, 257, 65537];
        Assert.Equal(P - 1, BigInteger.Pow(2, 32) * 3 * 5 * 17 * 257 * 65537);
        foreach (ulong q in primeFactors)
        {
            Assert.NotEqual(BigInteger.One, BigInteger.ModPow(7, (P - 1) / q, P));
        }
    }

    [Fact]
    public void ConstructorReducesAndTryReadRejectsNonCanonical()
    {
        Assert.Equal(0UL, new Goldilocks(Goldilocks.Modulus).Value);
        Assert.Equal(ulong.MaxValue - Goldilocks.Modulus, new Goldilocks(ulong.MaxValue).Value);
        Assert.False(Goldilocks.TryRead(BitConverter.GetBytes(Goldilocks.Modulus), out _));
        Assert.True(Goldilocks.TryRead(BitConverter.GetBytes(Goldilocks.Modulus - 1), out Goldilocks max));
        Assert.Equal(Goldilocks.Modulus - 1, max.Value);
    }

    /// <summary>
    /// The deserializers' bulk check: for every length 0 … 40, all-canonical words (p − 1 among them) pass, and one word p, p + 1 or
    /// 2^64 − 1 at any position (in a whole SIMD register or in the scalar tail) fails.
    /// </summary>
    [Fact]
    public void AreCanonicalFindsANonCanonicalWordAtEveryPosition()
    {
        var random = new Random(41);
        for (int length = 0; length <= 40; length++)
        {
            ulong[] words = Enumerable.Range(0, length).Select(i => i % 3 == 0 ? Goldilocks.Modulus - 1 : (ulong)random.NextInt64() % Goldilocks.Modulus).ToArray();
            Assert.True(Goldilocks.AreCanonical(words));
            for (int position = 0; position < length; position++)
            {
                foreach (ulong bad in new[] { Goldilocks.Modulus, Goldilocks.Modulus + 1, ulong.MaxValue })
                {
                    ulong[] changed = (ulong[])words.Clone();
                    changed[position] = bad;
                    Assert.False(Goldilocks.AreCanonical(changed));
                }
            }
        }
    }
}
