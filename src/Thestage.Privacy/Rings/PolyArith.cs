using Thestage.Privacy.Arithmetic;

namespace Thestage.Privacy.Rings;

/// <summary>
/// Coefficient-wise kernels on one limb of an RNS polynomial (N values modulo one prime).
/// Inputs in [0, q), outputs in [0, q); the destination may alias an input.
/// </summary>
/// <remarks>
/// Each kernel is one operator of <c>WordOperators.cs</c> run by <see cref="Elementwise"/> at the widest width the
/// machine has (AVX-512, AVX2, scalar), with the same words on every width.
/// </remarks>
internal static class PolyArith
{
    public static void Add(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, ulong q, Span<ulong> destination)
        => Elementwise.Binary(a, b, destination, new AddOperator(q));

    public static void Sub(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, ulong q, Span<ulong> destination)
        => Elementwise.Binary(a, b, destination, new SubtractOperator(q));

    public static void Negate(ReadOnlySpan<ulong> a, ulong q, Span<ulong> destination)
        => Elementwise.Unary(a, destination, new NegateOperator(q));

    /// <summary>
    /// destination = a ⊙ b (coefficient-wise products, Barrett-reduced: in double precision where
    /// <see cref="DoubleBarrett.Applies"/>, else in 64-bit integers; the same words either way).
    /// </summary>
    public static void Multiply(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, in Modulus q, Span<ulong> destination)
    {
        if (DoubleBarrett.Applies(q.Value))
        {
            Elementwise.Binary(a, b, destination, new DoubleMultiplyOperator(new DoubleBarrett(q.Value)));
        }
        else
        {
            Elementwise.Binary(a, b, destination, new MultiplyOperator(new BarrettProduct(q)));
        }
    }

    /// <summary>destination += a ⊙ b (the product's arithmetic as in <see cref="Multiply"/>).</summary>
    public static void MultiplyAdd(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, in Modulus q, Span<ulong> destination)
    {
        if (DoubleBarrett.Applies(q.Value))
        {
            Elementwise.Accumulate(a, b, destination, new DoubleMultiplyAddOperator(new DoubleBarrett(q.Value)));
        }
        else
        {
            Elementwise.Accumulate(a, b, destination, new MultiplyAddOperator(new BarrettProduct(q)));
        }
    }

    /// <summary>
    /// (d0, d1, d2) = (x ⊙ x, 2·x ⊙ y, y ⊙ y) in one pass (the arithmetic as in <see cref="Multiply"/>); d0 may be x
    /// and d1 may be y, d2 overlaps neither.
    /// </summary>
    public static void Square(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y, in Modulus q, Span<ulong> d0, Span<ulong> d1, Span<ulong> d2)
    {
        if (DoubleBarrett.Applies(q.Value))
        {
            Elementwise.Square(x, y, d0, d1, d2, new DoubleSquareOperator(new DoubleBarrett(q.Value)));
        }
        else
        {
            Elementwise.Square(x, y, d0, d1, d2, new SquareOperator(new BarrettProduct(q)));
        }
    }

    /// <summary>destination = a·w for a fixed scalar w.</summary>
    public static void MultiplyScalar(ReadOnlySpan<ulong> a, MultiplyOperand w, ulong q, Span<ulong> destination)
        => Elementwise.Unary(a, destination, new MultiplyScalarOperator(w, q));

    /// <summary>destination = a + c for a scalar c in [0, q).</summary>
    public static void AddScalar(ReadOnlySpan<ulong> a, ulong c, ulong q, Span<ulong> destination)
        => Elementwise.Unary(a, destination, new AddScalarOperator(c, q));

    /// <summary>destination[i] = source[i] mod q for values below 2^64.</summary>
    public static void Reduce(ReadOnlySpan<ulong> source, in Modulus q, Span<ulong> destination)
        => Elementwise.Unary(source, destination, new ReduceOperator(q));

    /// <summary>
    /// destination[i] = the centered representative of source[i] ∈ [0, p), lifted into (−p/2, p/2], reduced mod q.
    /// </summary>
    public static void LiftCentered(ReadOnlySpan<ulong> source, ulong p, in Modulus q, Span<ulong> destination)
        => Elementwise.Unary(source, destination, new CenteredLiftOperator(p, q));
}
