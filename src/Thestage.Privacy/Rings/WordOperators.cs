using System.Runtime.CompilerServices;
using Thestage.Privacy.Arithmetic;

namespace Thestage.Privacy.Rings;

// The operators of PolyArith, each written once for every width (see Elementwise). Inputs in [0, q), outputs in
// [0, q) unless stated; every constant below is a broadcast of a value fixed for the whole call.

/// <summary>(x + y) mod q.</summary>
internal readonly struct AddOperator(ulong q) : IBinaryWordOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV, TL>(TV x, TV y)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
        => TL.SubtractIfGreaterOrEqual(TL.Add(x, y), TL.Create(q));
}

/// <summary>(x − y) mod q.</summary>
internal readonly struct SubtractOperator(ulong q) : IBinaryWordOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV, TL>(TV x, TV y)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV vq = TL.Create(q);
        return TL.SubtractIfGreaterOrEqual(TL.Add(TL.Subtract(x, y), vq), vq);
    }
}

/// <summary>−x mod q (0 stays 0).</summary>
internal readonly struct NegateOperator(ulong q) : IUnaryWordOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV, TL>(TV x)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
        => TL.AndNot(TL.Subtract(TL.Create(q), x), TL.EqualsZero(x));
}

/// <summary>(x + c) mod q for a constant c ∈ [0, q).</summary>
internal readonly struct AddScalarOperator(ulong c, ulong q) : IUnaryWordOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV, TL>(TV x)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
        => TL.SubtractIfGreaterOrEqual(TL.Add(x, TL.Create(c)), TL.Create(q));
}

/// <summary>x·y mod q (Barrett, <see cref="LaneArith.MultiplyLazy"/>, then two corrections from [0, 3q)).</summary>
internal readonly struct MultiplyOperator(BarrettProduct barrett) : IBinaryWordOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV, TL>(TV x, TV y)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV q = TL.Create(barrett.Q);
        TV r = LaneArith.MultiplyLazy<TV, TL>(x, y, q, TL.Create(barrett.Mu), TL.Create(barrett.Mu >> 32), barrett.K);
        return TL.SubtractIfGreaterOrEqual(TL.SubtractIfGreaterOrEqual(r, q), q);
    }
}

/// <summary>(z + x·y) mod q: the lazy product in [0, 3q) plus z ∈ [0, q) is below 4q, reduced by 2q then q.</summary>
internal readonly struct MultiplyAddOperator(BarrettProduct barrett) : ITernaryWordOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV, TL>(TV x, TV y, TV z)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV q = TL.Create(barrett.Q);
        TV r = TL.Add(z, LaneArith.MultiplyLazy<TV, TL>(x, y, q, TL.Create(barrett.Mu), TL.Create(barrett.Mu >> 32), barrett.K));
        return TL.SubtractIfGreaterOrEqual(TL.SubtractIfGreaterOrEqual(r, TL.Create(2 * barrett.Q)), q);
    }
}

/// <summary>x·y mod q in double precision (<see cref="DoubleBarrett"/>, q &lt; 2^50): the same words as <see cref="MultiplyOperator"/>.</summary>
internal readonly struct DoubleMultiplyOperator(DoubleBarrett barrett) : IBinaryWordOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV, TL>(TV x, TV y)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV r = LaneArith.ProductDouble<TV, TL>(LaneArith.ToDouble<TV, TL>(x), LaneArith.ToDouble<TV, TL>(y), TL.Create(barrett.NegativeQ), TL.Create(barrett.Inverse));
        return LaneArith.ReduceSignedDouble<TV, TL>(r, TL.Create(barrett.Q));
    }
}

/// <summary>(z + x·y) mod q in double precision (q &lt; 2^50): the product in [0, q), then a modular addition.</summary>
internal readonly struct DoubleMultiplyAddOperator(DoubleBarrett barrett) : ITernaryWordOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV, TL>(TV x, TV y, TV z)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
        => TL.SubtractIfGreaterOrEqual(TL.Add(z, new DoubleMultiplyOperator(barrett).Invoke<TV, TL>(x, y)), TL.Create(barrett.Value));
}

/// <summary>(x², 2xy mod q, y²) mod q: the square of a size-2 ciphertext, one limb, with the integer Barrett product.</summary>
internal readonly struct SquareOperator(BarrettProduct barrett) : ISquareWordOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<TV, TL>(TV x, TV y, out TV xx, out TV xy2, out TV yy)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        var product = new MultiplyOperator(barrett);
        TV q = TL.Create(barrett.Q);
        TV xy = product.Invoke<TV, TL>(x, y);
        xx = product.Invoke<TV, TL>(x, x);
        xy2 = TL.SubtractIfGreaterOrEqual(TL.Add(xy, xy), q);
        yy = product.Invoke<TV, TL>(y, y);
    }
}

/// <summary><see cref="SquareOperator"/> in double precision (q &lt; 2^50): each input converted once.</summary>
internal readonly struct DoubleSquareOperator(DoubleBarrett barrett) : ISquareWordOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<TV, TL>(TV x, TV y, out TV xx, out TV xy2, out TV yy)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV q = TL.Create(barrett.Q), negativeQ = TL.Create(barrett.NegativeQ), inverse = TL.Create(barrett.Inverse);
        TV a = LaneArith.ToDouble<TV, TL>(x), b = LaneArith.ToDouble<TV, TL>(y);
        TV xy = LaneArith.ReduceSignedDouble<TV, TL>(LaneArith.ProductDouble<TV, TL>(a, b, negativeQ, inverse), q);
        xx = LaneArith.ReduceSignedDouble<TV, TL>(LaneArith.ProductDouble<TV, TL>(a, a, negativeQ, inverse), q);
        xy2 = TL.SubtractIfGreaterOrEqual(TL.Add(xy, xy), TL.Create(barrett.Value));
        yy = LaneArith.ReduceSignedDouble<TV, TL>(LaneArith.ProductDouble<TV, TL>(b, b, negativeQ, inverse), q);
    }
}

/// <summary>x·w mod q for a fixed w (Shoup, <see cref="MultiplyOperand"/>); x may be any word below 2^64.</summary>
internal readonly struct MultiplyScalarOperator(MultiplyOperand w, ulong q) : IUnaryWordOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV, TL>(TV x)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV vq = TL.Create(q);
        TV r = LaneArith.ShoupLazy<TV, TL>(x, TL.Create(w.Operand), TL.Create(w.Quotient), TL.Create(w.Quotient >> 32), vq);
        return TL.SubtractIfGreaterOrEqual(r, vq);
    }
}

/// <summary>x mod q for any x &lt; 2^64 (Barrett with ⌊2^64/q⌋, as <see cref="Modulus.Reduce(ulong)"/>).</summary>
internal readonly struct ReduceOperator(in Modulus modulus) : IUnaryWordOperator
{
    private readonly ulong _q = modulus.Value;
    private readonly ulong _ratio = modulus.BarrettHigh;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV, TL>(TV x)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        // q̂ = ⌊x·⌊2^64/q⌋ / 2^64⌋ is ⌊x/q⌋ or one less, so x − q̂·q ∈ [0, 2q).
        TV vq = TL.Create(_q), ratio = TL.Create(_ratio);
        return TL.SubtractIfGreaterOrEqual(TL.Subtract(x, TL.MultiplyLow(TL.MultiplyHigh(x, ratio, TL.High32(ratio)), vq)), vq);
    }
}

/// <summary>
/// x mod q for x read as a two's complement 64-bit integer (any long), as <see cref="ModArith.FromSigned"/>: |x| reduced
/// by <see cref="ReduceOperator"/>, then q − r for a negative x with a nonzero remainder r.
/// </summary>
internal readonly struct SignedReduceOperator(in Modulus modulus) : IUnaryWordOperator
{
    private readonly ReduceOperator _reduce = new(modulus);
    private readonly ulong _q = modulus.Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV, TL>(TV x)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        // negative: all ones for x < 0; |x| = 0 − x there (2^63 for long.MinValue, still a valid input of the reduction).
        TV zero = TL.Create(0);
        TV negative = TL.Subtract(zero, TL.ShiftRightLogical(x, 63));
        TV magnitude = TL.ConditionalSelect(negative, TL.Subtract(zero, x), x);
        TV vq = TL.Create(_q);
        TV r = _reduce.Invoke<TV, TL>(magnitude);
        return TL.ConditionalSelect(negative, TL.SubtractIfGreaterOrEqual(TL.Subtract(vq, r), vq), r);
    }
}

/// <summary>
/// The centered lift of x ∈ [0, p) into (−p/2, p/2], reduced mod q: x mod q, less p mod q when x &gt; ⌊p/2⌋.
/// </summary>
internal readonly struct CenteredLiftOperator(ulong p, in Modulus modulus) : IUnaryWordOperator
{
    private readonly ReduceOperator _reduce = new(modulus);
    private readonly ulong _q = modulus.Value;
    private readonly ulong _half = p >> 1;
    private readonly ulong _pModQ = modulus.Reduce(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV, TL>(TV x)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV vq = TL.Create(_q);
        TV r = _reduce.Invoke<TV, TL>(x);
        TV shifted = TL.SubtractIfGreaterOrEqual(TL.Add(TL.Subtract(r, TL.Create(_pModQ)), vq), vq);
        return TL.ConditionalSelect(TL.LessThan(TL.Create(_half), x), shifted, r); // x, ⌊p/2⌋ < 2^61
    }
}

/// <summary>
/// (x mod q) + q − c for any x &lt; 2^64 and c ∈ [0, q): a representative in [0, 2q) of x − c, the lazy input of a
/// forward NTT (the last prime's residue moved to q in a division by that prime, see <c>RnsTool</c>).
/// </summary>
internal readonly struct ReduceSubtractLazyOperator(in Modulus modulus, ulong c) : IUnaryWordOperator
{
    private readonly ReduceOperator _reduce = new(modulus);
    private readonly ulong _qMinusC = modulus.Value - c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV, TL>(TV x)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
        => TL.Add(_reduce.Invoke<TV, TL>(x), TL.Create(_qMinusC));
}

/// <summary>
/// (x − y)·w mod q for x ∈ [0, q), y ∈ [0, 4q) and a fixed w: Shoup's product of x + 4q − y ∈ (0, 5q) (any input
/// below 2^64), then one correction; q &lt; 2^61.
/// </summary>
internal readonly struct SubtractMultiplyScalarOperator(MultiplyOperand w, ulong q) : IBinaryWordOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV, TL>(TV x, TV y)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV vq = TL.Create(q);
        TV r = LaneArith.ShoupLazy<TV, TL>(TL.Subtract(TL.Add(x, TL.Create(4 * q)), y), TL.Create(w.Operand), TL.Create(w.Quotient), TL.Create(w.Quotient >> 32), vq);
        return TL.SubtractIfGreaterOrEqual(r, vq);
    }
}

/// <summary>z + (x − y)·w mod q, z the destination's word in [0, q), x and y as in <see cref="SubtractMultiplyScalarOperator"/>.</summary>
internal readonly struct SubtractMultiplyScalarAddOperator(MultiplyOperand w, ulong q) : ITernaryWordOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV, TL>(TV x, TV y, TV z)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV vq = TL.Create(q);
        TV r = LaneArith.ShoupLazy<TV, TL>(TL.Subtract(TL.Add(x, TL.Create(4 * q)), y), TL.Create(w.Operand), TL.Create(w.Quotient), TL.Create(w.Quotient >> 32), vq);
        return TL.SubtractIfGreaterOrEqual(TL.SubtractIfGreaterOrEqual(TL.Add(z, r), TL.Create(2 * q)), vq); // [0, 3q) → [0, q)
    }
}
