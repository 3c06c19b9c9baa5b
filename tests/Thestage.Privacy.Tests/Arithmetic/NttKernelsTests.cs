using System.Numerics;
using FsCheck.Xunit;
using Thestage.Privacy.Arithmetic;

namespace Thestage.Privacy.Tests.Arithmetic;

/// <summary>
/// Every NTT kernel width this machine runs (scalar, AVX2, AVX-512) and every butterfly arithmetic (integer, truncated, double)
/// against the scalar kernel word for word, lazy outputs included, and against a naive negacyclic product, for every
/// supported log N and primes from 30 to 61 bits.
/// CI reruns this class with <c>DOTNET_EnableAVX512F=0</c> and <c>DOTNET_EnableHWIntrinsic=0</c> (see <c>.ci/run</c>).
/// </summary>
public sealed class NttKernelsTests
{
    private static readonly int[] PrimeBits = [30, 43, 49, 50, 52, 59, 60, 61];

    public static TheoryData<int, int> Shapes()
    {
        var data = new TheoryData<int, int>();
        for (int logN = 1; logN <= 17; logN++)
        {
            foreach (int bits in PrimeBits)
            {
                data.Add(logN, bits);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_width_returns_the_words_of_the_scalar_kernel(int logN, int bits)
    {
        NttTables tables = Tables(logN, bits);
        ulong q = tables.Modulus.Value;
        var random = new Random(logN * 64 + bits);
        int n = tables.N;
        ulong[] reduced = Random(random, n, q), fourQ = Random(random, n, 4 * q), twoQ = Random(random, n, 2 * q);
        // The range ends, where a lazy correction decides: 0 and the largest allowed input.
        fourQ[0] = 0;
        fourQ[n - 1] = 4 * q - 1;
        twoQ[0] = 2 * q - 1;
        twoQ[n - 1] = 0;

        foreach (SimdWidth width in NttTables.SupportedWidths(n).Skip(1))
        {
            // Fully reduced outputs: the same words whatever the arithmetic.
            AssertSameWords(tables, width, null, reduced, (t, v, w, a) => t.Forward(v, w, a));
            AssertSameWords(tables, width, null, reduced, (t, v, w, a) => t.Inverse(v, w, a));
            foreach (NttArithmeticKind arithmetic in Arithmetics(q))
            {
                // Lazy outputs: the same words as the scalar kernel of the same arithmetic.
                AssertSameWords(tables, width, arithmetic, fourQ, (t, v, w, a) => t.ForwardLazy(v, w, a));
                AssertSameWords(tables, width, arithmetic, twoQ, (t, v, w, a) => t.InverseLazy(v, w, a));
            }
        }
    }

    // Any prime size from 30 to 61 bits (either Shoup quotient scale, and the double arithmetic below 2^50), any N from
    // 1024 to 32768, inputs anywhere in the lazy ranges with the range ends at random places; every width against the
    // scalar kernel, and the inverse undoing the forward transform.
    [Property(MaxTest = 64)]
    public bool Every_width_returns_the_words_of_the_scalar_kernel_for_any_prime_size_length_and_input(byte bitsChoice, byte logNChoice, int seed)
    {
        int bits = 30 + (bitsChoice % 32), logN = 10 + (logNChoice % 6);
        NttTables tables = Tables(logN, bits);
        ulong q = tables.Modulus.Value;
        int n = tables.N;
        var random = new Random(seed);
        ulong[] reduced = WithEnds(Random(random, n, q), q), fourQ = WithEnds(Random(random, n, 4 * q), 4 * q), twoQ = WithEnds(Random(random, n, 2 * q), 2 * q);
        bool same = true;
        foreach (SimdWidth width in NttTables.SupportedWidths(n))
        {
            same &= SameWords(tables, width, null, reduced, (t, v, w, a) => t.Forward(v, w, a));
            same &= SameWords(tables, width, null, reduced, (t, v, w, a) => t.Inverse(v, w, a));
            foreach (NttArithmeticKind arithmetic in Arithmetics(q))
            {
                same &= SameWords(tables, width, arithmetic, fourQ, (t, v, w, a) => t.ForwardLazy(v, w, a));
                same &= SameWords(tables, width, arithmetic, twoQ, (t, v, w, a) => t.InverseLazy(v, w, a));
            }

            ulong[] roundTrip = (ulong[])reduced.Clone();
            tables.Forward(roundTrip, width);
            tables.Inverse(roundTrip, width);
            same &= roundTrip.AsSpan().SequenceEqual(reduced);
        }

        return same;

        ulong[] WithEnds(ulong[] values, ulong bound)
        {
            for (int k = 0; k < 8; k++)
            {
                values[random.Next(n)] = bound - 1;
                values[random.Next(n)] = 0;
            }

            return values;
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_width_multiplies_like_the_naive_negacyclic_product(int logN, int bits)
    {
        NttTables tables = Tables(logN, bits);
        var q = tables.Modulus;
        int n = tables.N;
        var random = new Random(logN * 64 + bits + 1);
        ulong[] a = Random(random, n, q.Value);
        // Dense operands up to N = 512 (N² BigInteger products); beyond, b has a few nonzero coefficients, so the
        // schoolbook product costs N per term while every frequency of the transform is still exercised.
        ulong[] b = logN <= 9 ? Random(random, n, q.Value) : Sparse(random, n, q.Value, terms: 3);
        ulong[] expected = NegacyclicNaive(a, b, q);

        foreach (SimdWidth width in NttTables.SupportedWidths(n))
        {
            foreach (NttArithmeticKind arithmetic in Arithmetics(q.Value))
            {
                ulong[] fa = (ulong[])a.Clone(), fb = (ulong[])b.Clone();
                tables.Forward(fa, width, arithmetic);
                tables.Forward(fb, width, arithmetic);
                for (int i = 0; i < n; i++)
                {
                    fa[i] = ModArith.Multiply(fa[i], fb[i], q);
                }

                tables.Inverse(fa, width, arithmetic);
                Assert.True(expected.AsSpan().SequenceEqual(fa), $"{width}, {arithmetic}: the NTT product differs from the schoolbook product.");
            }
        }
    }

    [Theory]
    [InlineData(43, "Double")]
    [InlineData(50, "Double")]
    [InlineData(51, "Truncated")]
    [InlineData(60, "Truncated")]
    [InlineData(61, "Integer")]
    public void Vector_widths_use_doubles_below_2_pow_50_truncated_quotients_below_2_pow_60_and_the_scalar_width_integers(int bits, string kind)
    {
        NttArithmeticKind vector = Enum.Parse<NttArithmeticKind>(kind);
        NttTables tables = Tables(13, bits);
        Assert.Equal(NttArithmeticKind.Integer, tables.ArithmeticFor(SimdWidth.Scalar));
        Assert.Equal(vector, tables.ArithmeticFor(SimdWidth.Vector256));
        Assert.Equal(vector, tables.ArithmeticFor(SimdWidth.Vector512));
    }

    [Fact]
    public void The_double_arithmetic_refuses_a_modulus_of_2_pow_50_or_more()
    {
        NttTables tables = Tables(4, 51);
        Assert.Throws<ArgumentOutOfRangeException>(() => tables.ForwardLazy(new ulong[16], SimdWidth.Scalar, NttArithmeticKind.Double));
    }

    [Fact]
    public void The_truncated_arithmetic_refuses_a_modulus_of_2_pow_60_or_more()
    {
        NttTables tables = Tables(4, 61);
        Assert.Throws<ArgumentOutOfRangeException>(() => tables.ForwardLazy(new ulong[16], SimdWidth.Scalar, NttArithmeticKind.Truncated));
    }

    [Fact]
    public void The_default_width_is_the_widest_supported()
    {
        NttTables tables = Tables(13, 43);
        Assert.Equal(NttTables.SupportedWidths(tables.N).Last(), tables.Width);
    }

    [Fact]
    public void A_span_of_another_length_is_rejected()
    {
        NttTables tables = Tables(4, 30);
        Assert.Throws<ArgumentException>(() => tables.Forward(new ulong[8]));
        Assert.Throws<ArgumentException>(() => tables.InverseLazy(new ulong[32]));
    }

    private delegate void Kernel(NttTables tables, Span<ulong> values, SimdWidth width, NttArithmeticKind? arithmetic);

    private static void AssertSameWords(NttTables tables, SimdWidth width, NttArithmeticKind? arithmetic, ulong[] input, Kernel kernel)
    {
        ulong[] scalar = (ulong[])input.Clone(), vector = (ulong[])input.Clone();
        kernel(tables, scalar, SimdWidth.Scalar, arithmetic);
        kernel(tables, vector, width, arithmetic);
        int first = scalar.AsSpan().CommonPrefixLength(vector);
        Assert.True(first == scalar.Length, $"{width} ({arithmetic?.ToString() ?? "default arithmetic"}) differs from the scalar kernel at index {first} (N = {tables.N}, q = {tables.Modulus}).");
    }

    private static bool SameWords(NttTables tables, SimdWidth width, NttArithmeticKind? arithmetic, ulong[] input, Kernel kernel)
    {
        ulong[] scalar = (ulong[])input.Clone(), other = (ulong[])input.Clone();
        kernel(tables, scalar, SimdWidth.Scalar, arithmetic);
        kernel(tables, other, width, arithmetic);
        return scalar.AsSpan().SequenceEqual(other);
    }

    private static NttArithmeticKind[] Arithmetics(ulong q)
        => q < NttTables.DoubleShoupBound ? [NttArithmeticKind.Integer, NttArithmeticKind.Truncated, NttArithmeticKind.Double]
            : q < NttTables.TruncatedShoupBound ? [NttArithmeticKind.Integer, NttArithmeticKind.Truncated]
            : [NttArithmeticKind.Integer];

    private static NttTables Tables(int logN, int bits)
        => new(logN, new Modulus(Primes.LargestNttPrimes(2UL << logN, bits, 1)[0]));

    private static ulong[] Random(Random random, int n, ulong bound)
        => Enumerable.Range(0, n).Select(_ => (ulong)random.NextInt64((long)bound)).ToArray();

    private static ulong[] Sparse(Random random, int n, ulong q, int terms)
    {
        var b = new ulong[n];
        for (int t = 0; t < terms; t++)
        {
            b[random.Next(n)] = (ulong)random.NextInt64(1, (long)q);
        }

        b[n - 1] = q - 1; // the highest power, whose products all wrap around with a sign change
        return b;
    }

    // Schoolbook product in Z_q[X]/(X^N + 1) over the nonzero coefficients of b, with BigInteger arithmetic.
    private static ulong[] NegacyclicNaive(ulong[] a, ulong[] b, Modulus q)
    {
        int n = a.Length;
        var acc = new BigInteger[n];
        for (int j = 0; j < n; j++)
        {
            if (b[j] == 0)
            {
                continue;
            }

            for (int i = 0; i < n; i++)
            {
                BigInteger p = (BigInteger)a[i] * b[j];
                if (i + j < n)
                {
                    acc[i + j] += p;
                }
                else
                {
                    acc[i + j - n] -= p;
                }
            }
        }

        return acc.Select(v => (ulong)(((v % q.Value) + q.Value) % q.Value)).ToArray();
    }
}
