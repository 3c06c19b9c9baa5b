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

    // The 250-bit base or one of the small bases (k·Q < 2^128).
    private static RnsBase Choose(byte choice) => (choice % 3) switch { 0 => Base, 1 => SmallBases[0], _ => SmallBases[1] };

    // Every base the batch composition is checked on: one prime, the small bases, the 250-bit base, and the eight
    // 48/49-bit primes of N = 16384 (Q ≈ 2^390: five primes must confirm the 192-bit window).
    private static readonly RnsBase[] AllBases =
    [
        new([new Modulus(Primes.CreateCoeffModulus(4096, [50])[0])]),
        SmallBases[0],
        SmallBases[1],
        Base,
        new(Primes.CreateCoeffModulus(16384, [48, 48, 48, 49, 49, 49, 49, 49]).Select(q => new Modulus(q)).ToArray()),
    ];

    [Property(MaxTest = 300)]
    public Property Batch_ComposeCentered_matches_BigInteger_over_the_full_range(ulong[] words, byte bits, bool negative, byte baseChoice)
    {
        // Integers of every magnitude: 1 … 6 words cut to a random bit length, so both |x| < 2^128 (the window) and
        // beyond (the full composition) occur, with either sign, three at a time (limb-major, as the decoder calls it).
        RnsBase rns = AllBases[baseChoice % AllBases.Length];
        words ??= [];
        BigInteger[] xs = new BigInteger[3];
        for (int j = 0; j < xs.Length; j++)
        {
            BigInteger x = BigInteger.Zero;
            for (int w = 0; w < 6 && w < words.Length; w++)
            {
                x = (x << 64) | (words[w] ^ ((ulong)j * 0x9E3779B97F4A7C15UL));
            }

            x &= (BigInteger.One << ((bits + (37 * j)) % 400)) - 1;
            xs[j] = negative ^ (j == 1) ? -x : x;
        }

        return BatchMatchesWordByWord(rns, xs).ToProperty();
    }

    [Property(MaxTest = 300)]
    public Property Batch_ComposeCentered_is_exact_where_the_192_bit_window_aliases(ulong small, ulong low, byte multiple, bool minus, bool negative)
    {
        // x = t·2^192 ± s with s < 2^128 agrees with a small value modulo 2^192: the residues of the checked primes must
        // expose it (the attack on the window), and the full composition must give the exact value.
        RnsBase rns = AllBases[3 + (multiple & 1)];
        BigInteger s = ((BigInteger)small << 64) | low;
        BigInteger t = 1 + (multiple >> 1);
        BigInteger x = (t << 192) + (minus ? -s : s);
        x %= rns.Product / 2;
        x = negative ? -x : x;
        return BatchMatchesWordByWord(rns, [x, negative ? x + 1 : x - 1, s]).ToProperty();
    }

    [Fact]
    public void Batch_ComposeCentered_is_exact_at_the_edges_of_the_window()
    {
        foreach (RnsBase rns in AllBases)
        {
            BigInteger half = rns.Product / 2;
            var xs = new List<BigInteger>();
            foreach (int e in new[] { 0, 1, 63, 64, 65, 127, 128, 129, 191, 192, 193 })
            {
                BigInteger p = BigInteger.One << e;
                foreach (BigInteger x in new[] { p - 1, p, p + 1 })
                {
                    if (x <= half)
                    {
                        xs.Add(x);
                        xs.Add(-x);
                    }
                }
            }

            xs.Add(half);
            xs.Add(-half);
            Assert.True(BatchMatchesWordByWord(rns, xs.ToArray()));
        }
    }

    // The batch composition of xs (their centered representatives) is bit for bit the word-by-word conversion, and each
    // value is what the single-integer ComposeCentered returns.
    private static bool BatchMatchesWordByWord(RnsBase rns, BigInteger[] xs)
    {
        int k = rns.Count, n = xs.Length;
        var residues = new ulong[k * n];
        var one = new ulong[k];
        for (int j = 0; j < n; j++)
        {
            rns.Decompose(xs[j], one);
            for (int i = 0; i < k; i++)
            {
                residues[(i * n) + j] = one[i];
            }
        }

        var actual = new double[n];
        rns.ComposeCentered(residues, actual, new ulong[k * n], new double[n]);
        BigInteger half = rns.Product / 2;
        for (int j = 0; j < n; j++)
        {
            BigInteger centered = BigInteger.Remainder(xs[j], rns.Product);
            centered = centered < 0 ? centered + rns.Product : centered;
            centered = centered > half ? centered - rns.Product : centered;
            double expected = WordByWord(centered);
            double single = rns.ComposeCentered(residues.AsSpan(j), n, new ulong[2 * (k + 1)]);
            if (BitConverter.DoubleToInt64Bits(actual[j]) != BitConverter.DoubleToInt64Bits(expected)
                || BitConverter.DoubleToInt64Bits(single) != BitConverter.DoubleToInt64Bits(expected))
            {
                return false;
            }
        }

        return true;
    }

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
