using System.Runtime.CompilerServices;

namespace Thestage.Privacy.Arithmetic;

/// <summary>
/// Modular products on <see cref="IWordLanes{TV}"/>, the same arithmetic at every width.
/// </summary>
internal static class LaneArith
{
    /// <summary>
    /// Shoup's product v·w − ⌊v·w'/2^64⌋·q ∈ [0, 2q) for any v &lt; 2^64 (see <see cref="MultiplyOperand"/>), both
    /// products mod 2^64; <paramref name="wqHigh"/> is w' &gt;&gt; 32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ShoupLazy<TV, TL>(TV v, TV w, TV wq, TV wqHigh, TV q)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
        => TL.Subtract(TL.MultiplyLow(v, w), TL.MultiplyLow(TL.MultiplyHigh(v, wq, wqHigh), q));

    /// <summary>a·b mod q lazily in [0, 3q) for a, b &lt; 2^k (Barrett; see <see cref="BarrettProduct"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV MultiplyLazy<TV, TL>(TV a, TV b, TV q, TV mu, TV muHigh, int k)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        // x = a·b < 2^(2k); q₁ = ⌊x / 2^(k−1)⌋ < 2^(k+1); q₃ = ⌊q₁·μ / 2^(k+1)⌋; x − q₃·q ∈ [0, 3q) (HAC 14.42),
        // computed mod 2^64 since it is below 2^63. The shifts join the two words of each 128-bit product.
        TV low = TL.MultiplyLow(a, b);
        TV high = TL.MultiplyHigh(a, b, TL.High32(b));
        TV q1 = TL.Add(TL.ShiftRightLogical(low, k - 1), TL.ShiftLeft(high, 65 - k));
        TV q3 = TL.Add(TL.ShiftRightLogical(TL.MultiplyLow(q1, mu), k + 1), TL.ShiftLeft(TL.MultiplyHigh(q1, mu, muHigh), 63 - k));
        return TL.Subtract(low, TL.MultiplyLow(q3, q));
    }
}

/// <summary>
/// The constants of Barrett's reduction of a product of two residues: k = bit length of q (2 ≤ k ≤ 61) and
/// μ = ⌊2^(2k) / q⌋ &lt; 2^(k+1) (Barrett, CRYPTO '86; Menezes et al., Handbook of Applied Cryptography, 14.42).
/// </summary>
/// <remarks>
/// Unlike <see cref="Modulus.Reduce(ulong, ulong)"/>, which reduces any 128-bit value with ⌊2^128/q⌋ and carries
/// between words, this form needs x &lt; 2^(2k) — true for a product of two values below q — and no carries, so
/// it vectorises: two 64×64 products and four shifts.
/// </remarks>
internal readonly struct BarrettProduct
{
    public readonly ulong Q;
    public readonly ulong Mu;
    public readonly int K;

    public BarrettProduct(in Modulus q)
    {
        Q = q.Value;
        K = q.BitCount;
        Mu = (ulong)(((UInt128)1 << (2 * K)) / Q);
    }
}
