using System.Runtime.Intrinsics;
using FsCheck.Xunit;
using Thestage.Privacy.Arithmetic;

namespace Thestage.Privacy.Tests.Arithmetic;

/// <summary>
/// Each lane operation at each width this machine runs against 128-bit integer arithmetic, on random words and on
/// the carry edges (0, 2^32 − 1, 2^32, 2^63 − 1, 2^64 − 1 …). Widths the machine lacks are left out (CI reruns with
/// AVX-512 and with all intrinsics switched off, so each path is checked where it runs).
/// </summary>
public sealed unsafe class WordLanesTests
{
    private static readonly ulong[] Edges =
    [
        0, 1, 2, 0xFFFF_FFFF, 0x1_0000_0000, 0x1_0000_0001, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000,
        0xFFFF_FFFF_0000_0000, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFE_FFFF_FFFF, 0x1FFF_FFFF_FFFF_FFFF,
    ];

    [Fact]
    public void Multiply_high_and_low_are_the_words_of_the_128_bit_product()
    {
        (ulong[] a, ulong[] b) = Operands(bits: 64);
        var expectedHigh = new ulong[a.Length];
        var expectedLow = new ulong[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            UInt128 p = (UInt128)a[i] * b[i];
            expectedHigh[i] = (ulong)(p >> 64);
            expectedLow[i] = (ulong)p;
        }

        Assert.Equal(expectedHigh, Apply<ulong, ScalarLanes>(a, b, static (x, y) => ScalarLanes.MultiplyHigh(x, y, y >> 32)));
        Assert.Equal(expectedLow, Apply<ulong, ScalarLanes>(a, b, ScalarLanes.MultiplyLow));
        if (Vector256Lanes.IsSupported)
        {
            Assert.Equal(expectedHigh, Apply<Vector256<ulong>, Vector256Lanes>(a, b, static (x, y) => Vector256Lanes.MultiplyHigh(x, y, Vector256Lanes.High32(y))));
            Assert.Equal(expectedLow, Apply<Vector256<ulong>, Vector256Lanes>(a, b, Vector256Lanes.MultiplyLow));
        }

        if (Vector512Lanes.IsSupported)
        {
            Assert.Equal(expectedHigh, Apply<Vector512<ulong>, Vector512Lanes>(a, b, static (x, y) => Vector512Lanes.MultiplyHigh(x, y, Vector512Lanes.High32(y))));
            Assert.Equal(expectedLow, Apply<Vector512<ulong>, Vector512Lanes>(a, b, Vector512Lanes.MultiplyLow));
        }
    }

    [Fact]
    public void Multiply_high_truncated_falls_short_of_the_high_product_by_less_than_3_below_2_pow_63()
    {
        (ulong[] a, ulong[] b) = Operands(bits: 63);
        ulong[] expected = a.Zip(b, Truncated).ToArray();
        Assert.Equal(expected, Apply<ulong, ScalarLanes>(a, b, static (x, y) => ScalarLanes.MultiplyHighTruncated(x, y, y >> 32)));
        if (Vector256Lanes.IsSupported)
        {
            Assert.Equal(expected, Apply<Vector256<ulong>, Vector256Lanes>(a, b, static (x, y) => Vector256Lanes.MultiplyHighTruncated(x, y, Vector256Lanes.High32(y))));
        }

        if (Vector512Lanes.IsSupported)
        {
            Assert.Equal(expected, Apply<Vector512<ulong>, Vector512Lanes>(a, b, static (x, y) => Vector512Lanes.MultiplyHighTruncated(x, y, Vector512Lanes.High32(y))));
        }
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(FullRange)])]
    public bool Multiply_high_truncated_at_every_width_is_its_definition_for_any_words_below_2_pow_63(ulong x, ulong y, ulong z, ulong t)
    {
        const ulong Mask = (1UL << 63) - 1;
        ulong[] a = new ulong[] { x, y, z, t, y, x, t, z, ~x, ~y, z ^ t, x + y, 0, Mask, t, Mask }.Select(v => v & Mask).ToArray();
        ulong[] b = new ulong[] { y, z, t, x, ~x, t ^ y, x, z, t, ~z, y, x, Mask, Mask, 0, ~t }.Select(v => v & Mask).ToArray();
        ulong[] expected = a.Zip(b, Truncated).ToArray();
        return Same<ulong, ScalarLanes>(a, b, expected)
            && (!Vector256Lanes.IsSupported || Same<Vector256<ulong>, Vector256Lanes>(a, b, expected))
            && (!Vector512Lanes.IsSupported || Same<Vector512<ulong>, Vector512Lanes>(a, b, expected));

        static bool Same<TV, TL>(ulong[] a, ulong[] b, ulong[] expected)
            where TV : unmanaged
            where TL : struct, IWordLanes<TV>
            => expected.AsSpan().SequenceEqual(Apply<TV, TL>(a, b, static (x, y) => TL.MultiplyHighTruncated(x, y, TL.High32(y))));
    }

    [Fact]
    public void Multiply_low_32_is_the_product_of_the_low_halves()
    {
        (ulong[] a, ulong[] b) = Operands(bits: 64);
        ulong[] expected = a.Zip(b, (x, y) => (ulong)(uint)x * (uint)y).ToArray();
        Assert.Equal(expected, Apply<ulong, ScalarLanes>(a, b, ScalarLanes.MultiplyLow32));
        if (Vector256Lanes.IsSupported)
        {
            Assert.Equal(expected, Apply<Vector256<ulong>, Vector256Lanes>(a, b, Vector256Lanes.MultiplyLow32));
        }

        if (Vector512Lanes.IsSupported)
        {
            Assert.Equal(expected, Apply<Vector512<ulong>, Vector512Lanes>(a, b, Vector512Lanes.MultiplyLow32));
        }
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(FullRange)])]
    public bool Multiply_low_32_at_every_width_is_the_product_of_the_low_halves_for_any_words(ulong x, ulong y, ulong z, ulong t)
    {
        // Sixteen lanes (two vectors at every width), each a different pair of full-range words, so a lane mix-up shows.
        ulong[] a = [x, y, z, t, y, x, t, z, ~x, ~y, z ^ t, x + y, 0, ulong.MaxValue, t, z];
        ulong[] b = [y, z, t, x, ~x, t ^ y, x, z, t, ~z, y, x, z, t, 0, ulong.MaxValue];
        ulong[] expected = a.Zip(b, (u, v) => (ulong)((UInt128)(u & 0xFFFF_FFFF) * (v & 0xFFFF_FFFF))).ToArray();
        bool same = expected.AsSpan().SequenceEqual(Apply<ulong, ScalarLanes>(a, b, ScalarLanes.MultiplyLow32));
        if (Vector256Lanes.IsSupported)
        {
            same &= expected.AsSpan().SequenceEqual(Apply<Vector256<ulong>, Vector256Lanes>(a, b, Vector256Lanes.MultiplyLow32));
        }

        if (Vector512Lanes.IsSupported)
        {
            same &= expected.AsSpan().SequenceEqual(Apply<Vector512<ulong>, Vector512Lanes>(a, b, Vector512Lanes.MultiplyLow32));
        }

        return same;
    }

    [Fact]
    public void Subtract_if_greater_or_equal_matches_its_definition_below_2_pow_63()
    {
        (ulong[] a, ulong[] b) = Operands(bits: 63);
        ulong[] expected = a.Zip(b, (x, m) => x >= m ? x - m : x).ToArray();
        Assert.Equal(expected, Apply<ulong, ScalarLanes>(a, b, ScalarLanes.SubtractIfGreaterOrEqual));
        if (Vector256Lanes.IsSupported)
        {
            Assert.Equal(expected, Apply<Vector256<ulong>, Vector256Lanes>(a, b, Vector256Lanes.SubtractIfGreaterOrEqual));
        }

        if (Vector512Lanes.IsSupported)
        {
            Assert.Equal(expected, Apply<Vector512<ulong>, Vector512Lanes>(a, b, Vector512Lanes.SubtractIfGreaterOrEqual));
        }
    }

    [Fact]
    public void Equals_zero_is_an_all_ones_mask_on_zero_lanes()
    {
        (ulong[] a, ulong[] b) = Operands(bits: 64);
        ulong[] expected = a.Select(x => x == 0 ? ulong.MaxValue : 0).ToArray();
        Assert.Equal(expected, Apply<ulong, ScalarLanes>(a, b, static (x, _) => ScalarLanes.EqualsZero(x)));
        if (Vector256Lanes.IsSupported)
        {
            Assert.Equal(expected, Apply<Vector256<ulong>, Vector256Lanes>(a, b, static (x, _) => Vector256Lanes.EqualsZero(x)));
        }

        if (Vector512Lanes.IsSupported)
        {
            Assert.Equal(expected, Apply<Vector512<ulong>, Vector512Lanes>(a, b, static (x, _) => Vector512Lanes.EqualsZero(x)));
        }
    }

    // The definition in 128-bit arithmetic, checked against ⌊a·b/2^63⌋: short of it by 0, 1 or 2.
    private static ulong Truncated(ulong a, ulong b)
    {
        UInt128 a1 = a >> 32, a0 = a & 0xFFFF_FFFF, b1 = b >> 32, b0 = b & 0xFFFF_FFFF;
        ulong value = (ulong)((2 * a1 * b1) + ((a0 * b1 + a1 * b0) >> 31));
        ulong exact = (ulong)(((UInt128)a * b) >> 63);
        Assert.InRange(exact - value, 0UL, 2UL);
        return value;
    }

    // Every pair of edge words, then random words of the given size; a length that is a multiple of 8.
    private static (ulong[] A, ulong[] B) Operands(int bits)
    {
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        var a = new List<ulong>();
        var b = new List<ulong>();
        foreach (ulong x in Edges)
        {
            foreach (ulong y in Edges)
            {
                a.Add(x & mask);
                b.Add(y & mask);
            }
        }

        var random = new Random(bits);
        while (a.Count % 8 != 0 || a.Count < 4096)
        {
            a.Add(Word(random) & mask);
            b.Add(Word(random) & mask);
        }

        return (a.ToArray(), b.ToArray());
    }

    private static ulong Word(Random random) => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);

    private static ulong[] Apply<TV, TL>(ulong[] a, ulong[] b, Func<TV, TV, TV> op)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        var result = new ulong[a.Length];
        fixed (ulong* pa = a, pb = b, pr = result)
        {
            for (int i = 0; i < a.Length; i += TL.Count)
            {
                TL.Store(pr + i, op(TL.Load(pa + i), TL.Load(pb + i)));
            }
        }

        return result;
    }
}
