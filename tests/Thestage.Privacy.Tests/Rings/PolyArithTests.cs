using System.Numerics;
using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Rings;

namespace Thestage.Privacy.Tests.Rings;

/// <summary>
/// The coefficient-wise kernels against 128-bit integer arithmetic, at every width this machine runs (scalar, AVX2,
/// AVX-512) and through PolyArith's default, for every length 0…67, with and without the destination aliasing an
/// input, for moduli from 2 to 61 bits. CI reruns this class with AVX-512 and with all hardware intrinsics off.
/// </summary>
public sealed class PolyArithTests
{
    private static readonly ulong[] Moduli =
    [
        3, 17, 0xFFFFEE001, 1125899906826241, 1152921504606584833, (1UL << 61) - 1,
    ];

    public static TheoryData<int, ulong> Cases()
    {
        var data = new TheoryData<int, ulong>();
        for (int n = 0; n <= 67; n++)
        {
            data.Add(n, Moduli[n % Moduli.Length]);
        }

        foreach (ulong q in Moduli)
        {
            data.Add(4096, q);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_width_matches_128_bit_arithmetic(int n, ulong qValue)
    {
        var q = new Modulus(qValue);
        var random = new Random(n * 31 + (int)(qValue % 1000));
        ulong[] a = Residues(random, n, qValue), b = Residues(random, n, qValue), d = Residues(random, n, qValue);
        ulong[] words = Enumerable.Range(0, n).Select(i => i % 5 == 0 ? ulong.MaxValue - (ulong)i : (ulong)random.NextInt64() * 2 + (ulong)(i & 1)).ToArray();
        // Signed words (two's complement): long.MinValue, −1, 0, ±q, ±(q − 1) and random longs of both signs.
        ulong[] signedWords = Enumerable.Range(0, n).Select(i => (i % 8) switch
        {
            0 => 1UL << 63, 1 => ulong.MaxValue, 2 => 0UL, 3 => qValue, 4 => (ulong)-(long)qValue, 5 => (ulong)(1 - (long)qValue), 6 => (ulong)long.MaxValue,
            _ => (ulong)random.NextInt64(long.MinValue, long.MaxValue),
        }).ToArray();
        ulong p = 1152921504606748673; // the source modulus of a centered lift (any odd value works)
        ulong[] fromP = Enumerable.Range(0, n).Select(i => (i % 4) switch { 0 => p >> 1, 1 => (p >> 1) + 1, 2 => p - 1, _ => (ulong)random.NextInt64((long)p) }).ToArray();
        var w = new MultiplyOperand(qValue - 2, qValue);
        ulong c = qValue / 3;
        ulong[] lazy = Enumerable.Range(0, n).Select(i => (i % 3) switch { 0 => 4 * qValue - 1, 1 => 0UL, _ => (ulong)random.NextInt64((long)(4 * qValue)) }).ToArray();
        UInt128 Q = qValue;

        foreach (SimdWidth width in new[] { SimdWidth.Scalar, SimdWidth.Vector256, SimdWidth.Vector512 })
        {
            Binary(width, a, b, (x, y) => (ulong)(((UInt128)x + y) % Q), new AddOperator(qValue));
            Binary(width, a, b, (x, y) => (ulong)(((UInt128)x + Q - y) % Q), new SubtractOperator(qValue));
            Binary(width, a, b, (x, y) => (ulong)((UInt128)x * y % Q), new MultiplyOperator(new BarrettProduct(q)));
            Unary(width, a, x => (ulong)((Q - x) % Q), new NegateOperator(qValue));
            Unary(width, a, x => (ulong)(((UInt128)x + c) % Q), new AddScalarOperator(c, qValue));
            Unary(width, words, x => (ulong)((UInt128)x * w.Operand % Q), new MultiplyScalarOperator(w, qValue));
            Unary(width, words, x => x % qValue, new ReduceOperator(q));
            Unary(width, signedWords, x => (ulong)(((BigInteger)(long)x % qValue + qValue) % qValue), new SignedReduceOperator(q));
            Unary(width, fromP, x => (ulong)(((x > p / 2 ? (BigInteger)x - p : x) % qValue + qValue) % qValue), new CenteredLiftOperator(p, q));
            Accumulate(width, a, b, d, (x, y, z) => (ulong)((z + (UInt128)x * y) % Q), new MultiplyAddOperator(new BarrettProduct(q)));
            Square(width, a, b, qValue, new SquareOperator(new BarrettProduct(q)));
            if (qValue < DoubleBarrett.Bound)
            {
                Binary(width, a, b, (x, y) => (ulong)((UInt128)x * y % Q), new DoubleMultiplyOperator(new DoubleBarrett(qValue)));
                Accumulate(width, a, b, d, (x, y, z) => (ulong)((z + (UInt128)x * y) % Q), new DoubleMultiplyAddOperator(new DoubleBarrett(qValue)));
                Square(width, a, b, qValue, new DoubleSquareOperator(new DoubleBarrett(qValue)));
            }

            // The division by the last prime (RnsTool): a lazy representative of x − c, then (x − y)·w for y ∈ [0, 4q).
            Unary(width, words, x => x % qValue + qValue - c, new ReduceSubtractLazyOperator(q, c));
            Binary(width, a, lazy, (x, y) => (ulong)((x + 4 * Q - y) * w.Operand % Q), new SubtractMultiplyScalarOperator(w, qValue));
            Accumulate(width, a, lazy, d, (x, y, z) => (ulong)((z + (x + 4 * Q - y) * w.Operand) % Q), new SubtractMultiplyScalarAddOperator(w, qValue));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PolyArith_matches_128_bit_arithmetic(int n, ulong qValue)
    {
        var q = new Modulus(qValue);
        var random = new Random(n);
        ulong[] a = Residues(random, n, qValue), b = Residues(random, n, qValue);
        UInt128 Q = qValue;
        Check(a, b, (x, y) => (ulong)(((UInt128)x + y) % Q), (x, y, dst) => PolyArith.Add(x, y, qValue, dst));
        Check(a, b, (x, y) => (ulong)(((UInt128)x + Q - y) % Q), (x, y, dst) => PolyArith.Sub(x, y, qValue, dst));
        Check(a, b, (x, _) => (ulong)((Q - x) % Q), (x, _, dst) => PolyArith.Negate(x, qValue, dst));
        Check(a, b, (x, y) => (ulong)((UInt128)x * y % Q), (x, y, dst) => PolyArith.Multiply(x, y, q, dst));
        ulong[] acc = (ulong[])b.Clone();
        PolyArith.MultiplyAdd(a, a, q, acc);
        Assert.Equal(a.Zip(b, (x, y) => (ulong)((y + (UInt128)x * x) % Q)), acc);
        ulong[] d0 = new ulong[n], d1 = new ulong[n], d2 = new ulong[n];
        PolyArith.Square(a, b, q, d0, d1, d2);
        Assert.Equal(a.Select(x => (ulong)((UInt128)x * x % Q)), d0);
        Assert.Equal(a.Zip(b, (x, y) => (ulong)(2 * (UInt128)x * y % Q)), d1);
        Assert.Equal(b.Select(y => (ulong)((UInt128)y * y % Q)), d2);
    }

    private delegate void Kernel(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> destination);

    // Separate destination, then the destination aliasing the first input.
    private static void Check(ulong[] a, ulong[] b, Func<ulong, ulong, ulong> expected, Kernel kernel)
    {
        ulong[] want = a.Zip(b, expected).ToArray();
        var separate = new ulong[a.Length];
        kernel(a, b, separate);
        Assert.Equal(want, separate);
        ulong[] aliased = (ulong[])a.Clone();
        kernel(aliased, b, aliased);
        Assert.Equal(want, aliased);
    }

    private static void Binary<TOp>(SimdWidth width, ulong[] a, ulong[] b, Func<ulong, ulong, ulong> expected, TOp op)
        where TOp : struct, IBinaryWordOperator
    {
        ulong[] want = a.Zip(b, expected).ToArray();
        var separate = new ulong[a.Length];
        Elementwise.Binary(a, b, separate, op, width);
        AssertWords(want, separate, width, typeof(TOp).Name);
        ulong[] first = (ulong[])a.Clone(), second = (ulong[])b.Clone();
        Elementwise.Binary(first, b, first, op, width);
        Elementwise.Binary(a, second, second, op, width);
        AssertWords(want, first, width, typeof(TOp).Name + " (destination = x)");
        AssertWords(want, second, width, typeof(TOp).Name + " (destination = y)");
    }

    private static void Unary<TOp>(SimdWidth width, ulong[] a, Func<ulong, ulong> expected, TOp op)
        where TOp : struct, IUnaryWordOperator
    {
        ulong[] want = a.Select(expected).ToArray();
        var separate = new ulong[a.Length];
        Elementwise.Unary(a, separate, op, width);
        AssertWords(want, separate, width, typeof(TOp).Name);
        ulong[] aliased = (ulong[])a.Clone();
        Elementwise.Unary(aliased, aliased, op, width);
        AssertWords(want, aliased, width, typeof(TOp).Name + " (in place)");
    }

    private static void Accumulate<TOp>(SimdWidth width, ulong[] a, ulong[] b, ulong[] d, Func<ulong, ulong, ulong, ulong> expected, TOp op)
        where TOp : struct, ITernaryWordOperator
    {
        ulong[] want = Enumerable.Range(0, a.Length).Select(i => expected(a[i], b[i], d[i])).ToArray();
        ulong[] acc = (ulong[])d.Clone();
        Elementwise.Accumulate(a, b, acc, op, width);
        AssertWords(want, acc, width, typeof(TOp).Name);
    }

    // A separate destination, then in place as the evaluator's SquareInplace runs it (x², 2xy over x, y; y² apart).
    private static void Square<TOp>(SimdWidth width, ulong[] a, ulong[] b, ulong q, TOp op)
        where TOp : struct, ISquareWordOperator
    {
        UInt128 Q = q;
        ulong[] want0 = a.Select(x => (ulong)((UInt128)x * x % Q)).ToArray();
        ulong[] want1 = a.Zip(b, (x, y) => (ulong)(2 * (UInt128)x * y % Q)).ToArray();
        ulong[] want2 = b.Select(y => (ulong)((UInt128)y * y % Q)).ToArray();
        ulong[] d0 = new ulong[a.Length], d1 = new ulong[a.Length], d2 = new ulong[a.Length];
        Elementwise.Square(a, b, d0, d1, d2, op, width);
        AssertWords(want0, d0, width, typeof(TOp).Name + " x²");
        AssertWords(want1, d1, width, typeof(TOp).Name + " 2xy");
        AssertWords(want2, d2, width, typeof(TOp).Name + " y²");
        ulong[] x0 = (ulong[])a.Clone(), y0 = (ulong[])b.Clone(), z = new ulong[a.Length];
        Elementwise.Square(x0, y0, x0, y0, z, op, width);
        AssertWords(want0, x0, width, typeof(TOp).Name + " x² (in place)");
        AssertWords(want1, y0, width, typeof(TOp).Name + " 2xy (in place)");
        AssertWords(want2, z, width, typeof(TOp).Name + " y² (in place)");
    }

    private static void AssertWords(ulong[] expected, ulong[] actual, SimdWidth width, string what)
    {
        int first = expected.AsSpan().CommonPrefixLength(actual);
        Assert.True(first == expected.Length, $"{what} at width {width} (running {Elementwise.Width(width, expected.Length)}) differs at index {first} of {expected.Length}.");
    }

    // Residues in [0, q) with both ends present.
    private static ulong[] Residues(Random random, int n, ulong q)
    {
        ulong[] v = Enumerable.Range(0, n).Select(_ => (ulong)random.NextInt64((long)q)).ToArray();
        for (int i = 0; i < n; i += 7)
        {
            v[i] = i % 14 == 0 ? 0 : q - 1;
        }

        return v;
    }
}
