using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Rings;

namespace Thestage.Privacy.Tests.Rings;

/// <summary>The span kernels (vectorized where the hardware allows) against scalar modular arithmetic, every length 0…67, with and without aliasing.</summary>
public sealed class PolyArithTests
{
    private static readonly Modulus Q = new(1152921504606584833);

    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int n = 0; n <= 67; n++)
        {
            data.Add(n);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Kernels_match_scalar_arithmetic(int n)
    {
        var random = new Random(n);
        ulong[] a = Values(random, n), b = Values(random, n);
        a[..Math.Min(n, 3)].AsSpan().Fill(0); // include zeros (negation edge) and equal operands
        if (n > 4)
        {
            b[4] = a[4];
        }

        ulong q = Q.Value;
        Check(n, a, b, (x, y) => ModArith.Add(x, y, q), (x, y, d) => PolyArith.Add(x, y, q, d));
        Check(n, a, b, (x, y) => ModArith.Sub(x, y, q), (x, y, d) => PolyArith.Sub(x, y, q, d));
        Check(n, a, b, (x, _) => ModArith.Negate(x, q), (x, _, d) => PolyArith.Negate(x, q, d));
        Check(n, a, b, (x, y) => ModArith.Multiply(x, y, Q), (x, y, d) => PolyArith.Multiply(x, y, Q, d));
    }

    private delegate void Kernel(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> destination);

    private static void Check(int n, ulong[] a, ulong[] b, Func<ulong, ulong, ulong> scalar, Kernel kernel)
    {
        ulong[] expected = a.Zip(b, scalar).ToArray();
        var separate = new ulong[n];
        kernel(a, b, separate);
        Assert.Equal(expected, separate);
        ulong[] aliased = (ulong[])a.Clone();
        kernel(aliased, b, aliased);
        Assert.Equal(expected, aliased);
    }

    private static ulong[] Values(Random random, int n)
        => Enumerable.Range(0, n).Select(_ => (ulong)random.NextInt64((long)Q.Value)).ToArray();
}
