using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Thestage.Privacy.Arithmetic;

namespace Thestage.Privacy.Tests.Arithmetic;

public sealed class NttTablesTests
{
    public static TheoryData<int, int> Cases => new()
    {
        { 1, 20 }, { 2, 20 }, { 3, 30 }, { 4, 30 }, { 5, 40 }, { 6, 50 }, { 8, 60 }, { 10, 36 }, { 10, 61 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_evaluates_at_odd_powers_of_psi_in_bit_reversed_order(int logN, int bits)
    {
        int n = 1 << logN;
        var q = new Modulus(Primes.LargestNttPrimes(2UL * (ulong)n, bits, 1)[0]);
        var tables = new NttTables(logN, q);
        var random = new Random(logN * 100 + bits);
        ulong[] a = RandomPoly(random, n, q.Value);
        ulong[] transformed = (ulong[])a.Clone();
        tables.Forward(transformed);
        for (int k = 0; k < n; k++)
        {
            ulong exponent = 2UL * NttTables.ReverseBits((uint)k, logN) + 1;
            ulong point = ModArith.Pow(tables.Root, exponent, q);
            Assert.Equal(EvaluateNaive(a, point, q), transformed[k]);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pointwise_product_in_ntt_domain_is_negacyclic_convolution(int logN, int bits)
    {
        int n = 1 << logN;
        var q = new Modulus(Primes.LargestNttPrimes(2UL * (ulong)n, bits, 1)[0]);
        var tables = new NttTables(logN, q);
        var random = new Random(logN + bits);
        ulong[] a = RandomPoly(random, n, q.Value), b = RandomPoly(random, n, q.Value);
        ulong[] expected = NegacyclicNaive(a, b, q);
        ulong[] fa = (ulong[])a.Clone(), fb = (ulong[])b.Clone();
        tables.Forward(fa);
        tables.Forward(fb);
        var product = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            product[i] = ModArith.Multiply(fa[i], fb[i], q);
        }

        tables.Inverse(product);
        Assert.Equal(expected, product);
    }

    [Property(MaxTest = 50)]
    public Property Inverse_undoes_forward(PositiveInt seed)
    {
        int logN = 1 + seed.Get % 12;
        int n = 1 << logN;
        int bits = Math.Max(logN + 2, 20 + seed.Get % 42);
        var q = new Modulus(Primes.LargestNttPrimes(2UL * (ulong)n, bits, 1)[0]);
        var tables = new NttTables(logN, q);
        ulong[] a = RandomPoly(new Random(seed.Get), n, q.Value);
        ulong[] b = (ulong[])a.Clone();
        tables.Forward(b);
        tables.Inverse(b);
        return a.AsSpan().SequenceEqual(b).ToProperty();
    }

    [Fact]
    public void Lazy_kernels_agree_with_reduced_ones_after_final_reduction()
    {
        const int logN = 12;
        var q = new Modulus(Primes.LargestNttPrimes(2UL << logN, 61, 1)[0]);
        var tables = new NttTables(logN, q);
        ulong[] a = RandomPoly(new Random(7), 1 << logN, q.Value);
        ulong[] full = (ulong[])a.Clone(), lazy = (ulong[])a.Clone();
        tables.Forward(full);
        tables.ForwardLazy(lazy);
        Assert.All(lazy, v => Assert.True(v < 4 * q.Value));
        Assert.Equal(full, lazy.Select(v => v % q.Value).ToArray());
        tables.InverseLazy(lazy.AsSpan());
        Assert.All(lazy, v => Assert.True(v < 2 * q.Value));
    }

    [Fact]
    public void Root_is_the_minimal_primitive_2n_th_root()
    {
        const int logN = 4;
        const int n = 1 << logN;
        var q = new Modulus(Primes.LargestNttPrimes(2 * n, 20, 1)[0]);
        var tables = new NttTables(logN, q);
        Assert.Equal(q.Value - 1, ModArith.Pow(tables.Root, n, q));
        // Brute force: the smallest x whose order is exactly 2N (x^N = −1).
        ulong expected = 0;
        for (ulong x = 2; x < q.Value; x++)
        {
            if (ModArith.Pow(x, n, q) == q.Value - 1)
            {
                expected = x;
                break;
            }
        }

        Assert.Equal(expected, tables.Root);
    }

    internal static ulong[] RandomPoly(Random random, int n, ulong q)
    {
        var a = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = (ulong)random.NextInt64(0, (long)Math.Min(q, long.MaxValue));
        }

        return a;
    }

    private static ulong EvaluateNaive(ulong[] a, ulong point, Modulus q)
    {
        BigInteger acc = 0, power = 1;
        foreach (ulong c in a)
        {
            acc = (acc + c * power) % q.Value;
            power = power * point % q.Value;
        }

        return (ulong)acc;
    }

    internal static ulong[] NegacyclicNaive(ulong[] a, ulong[] b, Modulus q)
    {
        int n = a.Length;
        var acc = new BigInteger[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                BigInteger p = (BigInteger)a[i] * b[j];
                int k = i + j;
                if (k < n)
                {
                    acc[k] += p;
                }
                else
                {
                    acc[k - n] -= p;
                }
            }
        }

        return acc.Select(v => (ulong)(((v % q.Value) + q.Value) % q.Value)).ToArray();
    }
}
