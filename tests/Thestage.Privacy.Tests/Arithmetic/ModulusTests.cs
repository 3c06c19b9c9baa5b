using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Thestage.Privacy.Arithmetic;

namespace Thestage.Privacy.Tests.Arithmetic;

/// <summary>Modular kernels against BigInteger, over the full 64-bit range (<see cref="FullRange"/>) and exhaustively at the edge values.</summary>
[Properties(Arbitrary = [typeof(FullRange)])]
public sealed class ModulusTests
{
    private static readonly ulong[] Moduli =
    [
        2, 3, 17, 65537, 1UL << 20, 1152921504606584833, (1UL << 61) - 1, 0x7fffffd8001, 12289, 1099511922689,
    ];

    private static Modulus Pick(int index) => new(Moduli[(int)((uint)index % (uint)Moduli.Length)]);

    [Property(MaxTest = 500)]
    public Property Reduce64_matches_BigInteger(ulong x, int which)
    {
        Modulus q = Pick(which);
        return (q.Reduce(x) == x % q.Value).ToProperty();
    }

    [Property(MaxTest = 500)]
    public Property Reduce128_matches_BigInteger(ulong low, ulong high, int which)
    {
        Modulus q = Pick(which);
        BigInteger x = ((BigInteger)high << 64) | low;
        return (q.Reduce(low, high) == (ulong)(x % q.Value)).ToProperty();
    }

    [Property(MaxTest = 500)]
    public Property Multiply_and_shoup_match_BigInteger(ulong a, ulong b, int which)
    {
        Modulus q = Pick(which);
        a %= q.Value;
        b %= q.Value;
        ulong expected = (ulong)((BigInteger)a * b % q.Value);
        var operand = new MultiplyOperand(b, q.Value);
        ulong lazy = operand.MultiplyLazy(a, q.Value);
        return (ModArith.Multiply(a, b, q) == expected && operand.Multiply(a, q.Value) == expected && lazy < 2 * q.Value && lazy % q.Value == expected).ToProperty();
    }

    [Property(MaxTest = 300)]
    public Property Shoup_lazy_accepts_any_64_bit_input(ulong x, ulong w)
    {
        var q = new Modulus(1152921504606584833);
        w %= q.Value;
        ulong r = new MultiplyOperand(w, q.Value).MultiplyLazy(x, q.Value);
        return (r < 2 * q.Value && r % q.Value == (ulong)((BigInteger)x * w % q.Value)).ToProperty();
    }

    [Property(MaxTest = 300)]
    public Property Add_sub_negate_match_BigInteger(ulong a, ulong b, int which)
    {
        Modulus q = Pick(which);
        ulong qv = q.Value;
        a %= qv;
        b %= qv;
        return (ModArith.Add(a, b, qv) == (ulong)(((BigInteger)a + b) % qv)
            && ModArith.Sub(a, b, qv) == (ulong)((((BigInteger)a - b) % qv + qv) % qv)
            && ModArith.Add(a, ModArith.Negate(a, qv), qv) == 0).ToProperty();
    }

    [Property(MaxTest = 200)]
    public Property Pow_and_inverse_match_BigInteger(ulong a, ulong e)
    {
        var q = new Modulus(1152921504606584833); // prime
        a %= q.Value;
        bool pow = ModArith.Pow(a, e, q) == (ulong)BigInteger.ModPow(a, e, q.Value);
        bool inverse = a == 0 || ModArith.Multiply(ModArith.Inverse(a, q.Value), a, q) == 1;
        return (pow && inverse).ToProperty();
    }

    [Property(MaxTest = 300)]
    public Property FromSigned_matches_BigInteger(long v, int which)
    {
        Modulus q = Pick(which);
        return (ModArith.FromSigned(v, q) == (ulong)(((v % (BigInteger)q.Value) + q.Value) % q.Value)).ToProperty();
    }

    [Fact]
    public void Edge_values_match_BigInteger()
    {
        foreach (ulong v in Moduli)
        {
            var q = new Modulus(v);
            ulong[] edges = FullRange.EdgesAround(v);
            foreach (ulong x in edges)
            {
                Assert.Equal(x % v, q.Reduce(x));
                Assert.Equal((ulong)(((BigInteger)(long)x % v + v) % v), ModArith.FromSigned((long)x, q));
                foreach (ulong y in edges)
                {
                    Assert.Equal((ulong)((((BigInteger)y << 64) | x) % v), q.Reduce(x, y));
                    ulong a = x % v, b = y % v;
                    ulong expected = (ulong)((BigInteger)a * b % v);
                    Assert.Equal(expected, ModArith.Multiply(a, b, q));
                    var operand = new MultiplyOperand(b, v);
                    ulong lazy = operand.MultiplyLazy(x, v);
                    Assert.True(lazy < 2 * v && lazy % v == (ulong)((BigInteger)x * b % v), $"Shoup lazy {x}·{b} mod {v} = {lazy}");
                    Assert.Equal((ulong)(((BigInteger)a + b) % v), ModArith.Add(a, b, v));
                    Assert.Equal((ulong)((((BigInteger)a - b) % v + v) % v), ModArith.Sub(a, b, v));
                }
            }
        }
    }

    [Fact]
    public void Barrett_constant_is_floor_of_2_to_128_over_q()
    {
        foreach (ulong v in Moduli)
        {
            var q = new Modulus(v);
            BigInteger expected = (BigInteger.One << 128) / v;
            Assert.Equal(expected, ((BigInteger)q.BarrettHigh << 64) | q.BarrettLow);
            Assert.Equal((int)new BigInteger(v).GetBitLength(), q.BitCount);
        }
    }

    [Fact]
    public void Rejects_out_of_range_values_and_non_invertible_elements()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Modulus(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Modulus(1UL << 61));
        Assert.Throws<ArgumentException>(() => ModArith.Inverse(0, 17));
        Assert.Throws<ArgumentException>(() => ModArith.Inverse(6, 9));
    }
}
