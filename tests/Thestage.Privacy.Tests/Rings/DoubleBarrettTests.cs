using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Rings;

namespace Thestage.Privacy.Tests.Rings;

/// <summary>
/// The double-precision product of two residues (<see cref="DoubleBarrett"/>) against 128-bit integer arithmetic and
/// against the integer Barrett kernel, word for word at every width this machine runs: over the full range of moduli
/// below 2^50 and of residues (<see cref="FullRange"/> words reduced), and exhaustively at the edges where the
/// quotient's rounding error is largest (q just below 2^50, operands q − 1). CI reruns this class with AVX-512 and
/// with all hardware intrinsics off.
/// </summary>
[Properties(Arbitrary = [typeof(FullRange)])]
public sealed class DoubleBarrettTests
{
    private static readonly SimdWidth[] Widths = [SimdWidth.Scalar, SimdWidth.Vector256, SimdWidth.Vector512];

    // Moduli of every size up to the bound, half of them within 2^20 of it (where the error analysis is tightest).
    private static ulong ModulusFrom(ulong word)
        => (word & 1) == 0 ? 2 + (word >> 1) % (DoubleBarrett.Bound - 2) : DoubleBarrett.Bound - 1 - ((word >> 1) & 0xF_FFFF);

    [Property(MaxTest = 1000)]
    public Property Product_square_and_multiply_add_match_128_bit_arithmetic(ulong modulusWord, ulong x, ulong y, ulong z)
    {
        ulong q = ModulusFrom(modulusWord);
        x %= q;
        y %= q;
        z %= q;
        // Eight lanes: the drawn operands, and the edges beside them so every lane position sees both.
        ulong[] a = [x, q - 1, x, 0, y, q - 1, 1, x];
        ulong[] b = [y, q - 1, q - 1, y, x, 1, q - 1, z];
        ulong[] c = [z, z, q - 1, 0, z, q - 1, z, y];
        UInt128 Q = q;
        ulong[] products = a.Zip(b, (u, v) => (ulong)((UInt128)u * v % Q)).ToArray();
        ulong[] sums = a.Zip(b, c).Select(t => (ulong)((t.Third + (UInt128)t.First * t.Second) % Q)).ToArray();
        ulong[] twice = a.Zip(b, (u, v) => (ulong)(2 * (UInt128)u * v % Q)).ToArray();
        ulong[] squaresA = a.Select(u => (ulong)((UInt128)u * u % Q)).ToArray(), squaresB = b.Select(v => (ulong)((UInt128)v * v % Q)).ToArray();
        var barrett = new DoubleBarrett(q);
        bool ok = true;
        foreach (SimdWidth width in Widths)
        {
            var d = new ulong[8];
            Elementwise.Binary(a, b, d, new DoubleMultiplyOperator(barrett), width);
            ok &= d.AsSpan().SequenceEqual(products);
            ulong[] acc = (ulong[])c.Clone();
            Elementwise.Accumulate(a, b, acc, new DoubleMultiplyAddOperator(barrett), width);
            ok &= acc.AsSpan().SequenceEqual(sums);
            ulong[] d0 = new ulong[8], d1 = new ulong[8], d2 = new ulong[8];
            Elementwise.Square(a, b, d0, d1, d2, new DoubleSquareOperator(barrett), width);
            ok &= d0.AsSpan().SequenceEqual(squaresA) && d1.AsSpan().SequenceEqual(twice) && d2.AsSpan().SequenceEqual(squaresB);
        }

        return ok.Label($"q = {q}, x = {x}, y = {y}, z = {z}");
    }

    [Property(MaxTest = 300)]
    public Property Integer_and_double_kernels_give_the_same_words(ulong modulusWord, ulong seed)
    {
        ulong q = ModulusFrom(modulusWord);
        var random = new Random((int)(seed ^ (seed >> 32)));
        ulong[] a = Enumerable.Range(0, 37).Select(_ => (ulong)random.NextInt64((long)q)).ToArray();
        ulong[] b = Enumerable.Range(0, 37).Select(_ => (ulong)random.NextInt64((long)q)).ToArray();
        var integer = new ulong[37];
        Elementwise.Binary(a, b, integer, new MultiplyOperator(new BarrettProduct(new Modulus(q))), SimdWidth.Scalar);
        bool ok = true;
        foreach (SimdWidth width in Widths)
        {
            var d = new ulong[37];
            Elementwise.Binary(a, b, d, new DoubleMultiplyOperator(new DoubleBarrett(q)), width);
            ok &= d.AsSpan().SequenceEqual(integer);
        }

        return ok.Label($"q = {q}");
    }

    [Theory]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData((1UL << 50) - 1)]
    [InlineData((1UL << 50) - 27)] // the largest prime below 2^50
    [InlineData((1UL << 49) + 1)]
    [InlineData(68719403009UL)] // a 36-bit NTT prime of N = 4096
    public void Every_pair_of_edge_residues_multiplies_exactly(ulong q)
    {
        ulong[] edges = new ulong[] { 0, 1, 2, q / 3, q / 2, q / 2 + 1, q - 2, q - 1 }.Where(v => v < q).Distinct().ToArray();
        ulong[] a = edges.SelectMany(u => edges.Select(_ => u)).ToArray();
        ulong[] b = edges.SelectMany(_ => edges).ToArray();
        ulong[] want = a.Zip(b, (u, v) => (ulong)((UInt128)u * v % q)).ToArray();
        foreach (SimdWidth width in Widths)
        {
            var d = new ulong[a.Length];
            Elementwise.Binary(a, b, d, new DoubleMultiplyOperator(new DoubleBarrett(q)), width);
            Assert.Equal(want, d);
        }
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(1UL << 50)]
    [InlineData(ulong.MaxValue)]
    public void Moduli_outside_the_bound_are_refused(ulong q)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new DoubleBarrett(q));
}
