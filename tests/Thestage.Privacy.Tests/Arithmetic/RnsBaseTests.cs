using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Thestage.Privacy.Arithmetic;

namespace Thestage.Privacy.Tests.Arithmetic;

/// <summary>CRT composition against BigInteger, over the full 64-bit range of each input word (<see cref="FullRange"/>).</summary>
[Properties(Arbitrary = [typeof(FullRange)])]
public sealed class RnsBaseTests
{
    private static readonly RnsBase Base = new(Primes.CreateCoeffModulus(8192, [60, 40, 40, 60, 50]).Select(q => new Modulus(q)).ToArray());

    // k·Q < 2^128: ComposeCentered's 128-bit path (SEAL's default primes of N = 4096, and two primes near 2^61).
    private static readonly RnsBase[] SmallBases =
    [
        new(Primes.CreateCoeffModulus(4096, [36, 36, 37]).Select(q => new Modulus(q)).ToArray()),
        new(Primes.CreateCoeffModulus(8192, [61, 60]).Select(q => new Modulus(q)).ToArray()),
    ];

    [Property(MaxTest = 300)]
    public Property Compose_inverts_decompose(ulong a, ulong b, ulong c, ulong d)
    {
        BigInteger x = (((((BigInteger)a << 64) | b) << 64 | c) << 64 | d) % Base.Product;
        var residues = new ulong[Base.Count];
        Base.Decompose(x, residues);
        return (Base.Compose(residues) == x).ToProperty();
    }

    [Property(MaxTest = 300)]
    public Property ComposeCentered_matches_BigInteger(ulong a, ulong b, ulong c, ulong d, bool negative)
    {
        BigInteger x = (((((BigInteger)a << 64) | b) << 64 | c) << 64 | d) % (Base.Product / 2);
        if (negative)
        {
            x = -x;
        }

        var residues = new ulong[Base.Count];
        Base.Decompose(x, residues);
        var scratch = new ulong[2 * (Base.Count + 1)];
        double actual = Base.ComposeCentered(residues, 1, scratch);
        double expected = (double)x;
        return (Math.Abs(actual - expected) <= Math.Abs(expected) * 1e-15).ToProperty();
    }

    [Property(MaxTest = 300)]
    public Property ComposeCentered_near_half_the_product_matches_BigInteger(ulong offset, bool below, bool negative, byte baseChoice)
    {
        // Around ±Q/2 the floating-point estimate of the multiple of Q is ambiguous: the exact comparisons must decide,
        // and the result must be what BigInteger says, converted the same way (magnitude word by word from the top).
        RnsBase rns = Choose(baseChoice);
        BigInteger half = rns.Product / 2;
        BigInteger x = below ? half - offset : half + 1 + offset;
        x = negative ? -x : x;
        var residues = new ulong[rns.Count];
        rns.Decompose(x, residues);
        BigInteger centered = BigInteger.Remainder(x, rns.Product);
        centered = centered < 0 ? centered + rns.Product : centered;
        centered = centered > half ? centered - rns.Product : centered;
        double actual = rns.ComposeCentered(residues, 1, new ulong[2 * (rns.Count + 1)]);
        return (BitConverter.DoubleToInt64Bits(actual) == BitConverter.DoubleToInt64Bits(WordByWord(centered))).ToProperty();
    }

    [Property(MaxTest = 300)]
    public Property ComposeCentered_is_the_word_by_word_conversion_of_the_centered_value(ulong a, ulong b, ulong c, ulong d, ulong e, byte baseChoice)
    {
        RnsBase rns = Choose(baseChoice);
        BigInteger x = ((((((BigInteger)a << 64) | b) << 64 | c) << 64 | d) << 64 | e) % rns.Product;
        var residues = new ulong[rns.Count];
        rns.Decompose(x, residues);
        BigInteger centered = x > rns.Product / 2 ? x - rns.Product : x;
        double actual = rns.ComposeCentered(residues, 1, new ulong[2 * (rns.Count + 1)]);
        return (BitConverter.DoubleToInt64Bits(actual) == BitConverter.DoubleToInt64Bits(WordByWord(centered))).ToProperty();
    }

    // The 250-bit base (multi-word path) or one of the small bases (128-bit path).
    private static RnsBase Choose(byte choice) => (choice % 3) switch { 0 => Base, 1 => SmallBases[0], _ => SmallBases[1] };

    // The conversion ComposeCentered promises: |x| as 64-bit words, result = result·2^64 + word from the top, then the sign.
    private static double WordByWord(BigInteger x)
    {
        BigInteger magnitude = BigInteger.Abs(x);
        var words = new List<ulong>();
        for (BigInteger m = magnitude; m > 0; m >>= 64)
        {
            words.Add((ulong)(m & ulong.MaxValue));
        }

        double result = 0;
        for (int w = words.Count - 1; w >= 0; w--)
        {
            result = result * 18446744073709551616.0 + words[w];
        }

        return x.Sign < 0 ? -result : result;
    }

    [Fact]
    public void ComposeCentered_of_small_values_is_exact_with_a_stride()
    {
        var single = new RnsBase([new Modulus(12289)]);
        var scratch = new ulong[4];
        Assert.Equal(-1.0, single.ComposeCentered([12288UL], 1, scratch));
        var residues = new ulong[Base.Count * 3];
        for (long v = -5; v <= 5; v++)
        {
            var r = new ulong[Base.Count];
            Base.Decompose(v, r);
            for (int i = 0; i < Base.Count; i++)
            {
                residues[i * 3] = r[i];
            }

            Assert.Equal(v, Base.ComposeCentered(residues, 3, new ulong[2 * (Base.Count + 1)]));
        }
    }

    [Fact]
    public void Repeated_moduli_are_rejected() =>
        Assert.Throws<ArgumentException>(() => new RnsBase([new Modulus(17), new Modulus(17)]));
}
