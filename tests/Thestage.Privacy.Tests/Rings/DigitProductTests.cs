using System.Runtime.InteropServices;
using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Rings;

namespace Thestage.Privacy.Tests.Rings;

/// <summary>
/// The key-switching multiply-accumulate at every width this machine runs against 128-bit integer arithmetic: digit
/// counts 1…22 (across the seven-digit blocks of its exact sums), moduli from 2 to 60 bits (below 2^32 the one-word
/// sums), residues at both ends of [0, q), constants in place of digits, several tiles of coefficients. CI reruns this
/// class with AVX-512 and with all hardware intrinsics off.
/// </summary>
public sealed unsafe class DigitProductTests
{
    private static readonly ulong[] Moduli =
    [
        3, 65537, 67043329, 2147483647, 4294967291, 0xFFFFEE001, 1125899906826241, 1152921504606584833, (1UL << 60) - 93,
    ];

    public static TheoryData<int, ulong> Cases()
    {
        var cases = new HashSet<(int, ulong)>();
        for (int count = 1; count <= 22; count++)
        {
            cases.Add((count, Moduli[count % Moduli.Length]));
        }

        foreach (ulong q in Moduli)
        {
            cases.Add((8, q));
            cases.Add((15, q));
        }

        var data = new TheoryData<int, ulong>();
        foreach ((int count, ulong q) in cases)
        {
            data.Add(count, q);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_width_matches_128_bit_arithmetic(int count, ulong qValue)
    {
        const int n = 64;
        var q = new Modulus(qValue);
        var random = new Random(count * 7919 + (int)(qValue % 10007));
        ulong[][] digits = Enumerable.Range(0, count).Select(_ => Residues(random, n, qValue)).ToArray();
        ulong[][] keys0 = Enumerable.Range(0, count).Select(_ => Residues(random, n, qValue)).ToArray();
        ulong[][] keys1 = Enumerable.Range(0, count).Select(_ => Residues(random, n, qValue)).ToArray();
        ulong[] expected0 = Sum(digits, keys0, qValue), expected1 = Sum(digits, keys1, qValue);
        foreach (SimdWidth width in new[] { SimdWidth.Scalar, SimdWidth.Vector256, SimdWidth.Vector512 })
        {
            (ulong[] out0, ulong[] out1) = Run(digits, keys0, keys1, q, width);
            Assert.True(expected0.AsSpan().SequenceEqual(out0), $"component 0 at width {width} (running {Elementwise.Width(width, n)})");
            Assert.True(expected1.AsSpan().SequenceEqual(out1), $"component 1 at width {width} (running {Elementwise.Width(width, n)})");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Constants_in_place_of_digits_match_128_bit_arithmetic(int count, ulong qValue)
    {
        const int n = 32;
        var q = new Modulus(qValue);
        var random = new Random(count * 104729 + (int)(qValue % 10007));
        ulong[] constants = Residues(random, count, qValue);
        ulong[][] keys0 = Enumerable.Range(0, count).Select(_ => Residues(random, n, qValue)).ToArray();
        ulong[][] keys1 = Enumerable.Range(0, count).Select(_ => Residues(random, n, qValue)).ToArray();
        ulong[][] asDigits = constants.Select(c => Enumerable.Repeat(c, n).ToArray()).ToArray();
        ulong[] expected0 = Sum(asDigits, keys0, qValue), expected1 = Sum(asDigits, keys1, qValue);
        foreach (SimdWidth width in new[] { SimdWidth.Scalar, SimdWidth.Vector256, SimdWidth.Vector512 })
        {
            var handles = keys0.Concat(keys1).Select(a => GCHandle.Alloc(a, GCHandleType.Pinned)).ToArray();
            try
            {
                nint[] k0 = handles.Take(count).Select(h => h.AddrOfPinnedObject()).ToArray();
                nint[] k1 = handles.Skip(count).Select(h => h.AddrOfPinnedObject()).ToArray();
                var out0 = new ulong[n];
                var out1 = new ulong[n];
                fixed (ulong* pc = constants, po0 = out0, po1 = out1)
                fixed (nint* pk0 = k0, pk1 = k1)
                {
                    DigitProduct.RunConstants(pc, (ulong**)pk0, (ulong**)pk1, count, n, q, po0, po1, width);
                }

                Assert.True(expected0.AsSpan().SequenceEqual(out0), $"component 0 at width {width}");
                Assert.True(expected1.AsSpan().SequenceEqual(out1), $"component 1 at width {width}");
            }
            finally
            {
                foreach (GCHandle h in handles)
                {
                    h.Free();
                }
            }
        }
    }

    [Theory]
    [InlineData(1000, 9, 1152921504606584833UL)]
    [InlineData(1536, 16, 0xFFFFEE001UL)]
    [InlineData(1000, 9, 2147483647UL)]
    public void Several_tiles_of_coefficients_match_128_bit_arithmetic(int n, int count, ulong qValue)
    {
        // Tiles of 512 coefficients (the last one partial for n = 1000), each crossing a block of digits.
        var q = new Modulus(qValue);
        var random = new Random(n + count);
        ulong[][] digits = Enumerable.Range(0, count).Select(_ => Residues(random, n, qValue)).ToArray();
        ulong[][] keys0 = Enumerable.Range(0, count).Select(_ => Residues(random, n, qValue)).ToArray();
        ulong[][] keys1 = Enumerable.Range(0, count).Select(_ => Residues(random, n, qValue)).ToArray();
        ulong[] expected0 = Sum(digits, keys0, qValue), expected1 = Sum(digits, keys1, qValue);
        foreach (SimdWidth width in new[] { SimdWidth.Scalar, SimdWidth.Vector256, SimdWidth.Vector512 })
        {
            (ulong[] out0, ulong[] out1) = Run(digits, keys0, keys1, q, width);
            Assert.True(expected0.AsSpan().SequenceEqual(out0), $"component 0 at width {width}");
            Assert.True(expected1.AsSpan().SequenceEqual(out1), $"component 1 at width {width}");
        }
    }

    [Fact]
    public void The_largest_residues_do_not_overflow_the_sums()
    {
        // Every factor q − 1: with q just below 2^60 each partial sum at its bound for 7, 14 and 21 digits; below 2^32 the
        // one-word sums at their bound (one product per sum just below 2^32, three for 2^31 − 1, 4,104 for a 26-bit prime)
        // across block boundaries.
        foreach ((ulong qValue, int count) in new[] { ((1UL << 60) - 93, 7), ((1UL << 60) - 93, 14), ((1UL << 60) - 93, 21), (4294967291UL, 1), (4294967291UL, 3), (2147483647UL, 7), (67043329UL, 8300) })
        {
            ulong[] row = Enumerable.Repeat(qValue - 1, 16).ToArray();
            ulong[][] all = Enumerable.Repeat(row, count).ToArray();
            ulong[] expected = Sum(all, all, qValue);
            foreach (SimdWidth width in new[] { SimdWidth.Scalar, SimdWidth.Vector256, SimdWidth.Vector512 })
            {
                Assert.Equal(expected, Run(all, all, all, new Modulus(qValue), width).Out0);
            }
        }
    }

    private static (ulong[] Out0, ulong[] Out1) Run(ulong[][] digits, ulong[][] keys0, ulong[][] keys1, Modulus q, SimdWidth width)
    {
        int count = digits.Length, n = digits[0].Length;
        var handles = new List<GCHandle>();
        nint[] Pin(ulong[][] arrays) => arrays.Select(a =>
        {
            GCHandle h = GCHandle.Alloc(a, GCHandleType.Pinned);
            handles.Add(h);
            return h.AddrOfPinnedObject();
        }).ToArray();
        try
        {
            nint[] d = Pin(digits), k0 = Pin(keys0), k1 = Pin(keys1);
            var out0 = new ulong[n];
            var out1 = new ulong[n];
            fixed (nint* pd = d, pk0 = k0, pk1 = k1)
            fixed (ulong* po0 = out0, po1 = out1)
            {
                DigitProduct.Run((ulong**)pd, (ulong**)pk0, (ulong**)pk1, count, n, q, po0, po1, width);
            }

            return (out0, out1);
        }
        finally
        {
            handles.ForEach(h => h.Free());
        }
    }

    private static ulong[] Sum(ulong[][] digits, ulong[][] keys, ulong q)
    {
        int n = digits[0].Length;
        var result = new ulong[n];
        for (int x = 0; x < n; x++)
        {
            UInt128 sum = 0;
            for (int j = 0; j < digits.Length; j++)
            {
                sum += (UInt128)digits[j][x] * keys[j][x];
            }

            result[x] = (ulong)(sum % q);
        }

        return result;
    }

    private static ulong[] Residues(Random random, int n, ulong q)
    {
        ulong[] v = Enumerable.Range(0, n).Select(_ => (ulong)random.NextInt64((long)q)).ToArray();
        for (int i = 0; i < n; i += 5)
        {
            v[i] = i % 10 == 0 ? 0 : q - 1;
        }

        return v;
    }
}
