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

    /// <summary>The double holding the integer x, for x &lt; 2^52: the bits of 2^52 + x read as a double, less 2^52 (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ToDouble<TV, TL>(TV x)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
        => TL.SubtractDouble(TL.Add(x, TL.Create(DoubleBarrett.TwoTo52)), TL.Create(DoubleBarrett.TwoTo52));

    /// <summary>
    /// a·b mod q as a double in (−q, q), for doubles a, b holding integers in [0, q), q &lt; 2^50 (see
    /// <see cref="DoubleBarrett"/> for why it is exact).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ProductDouble<TV, TL>(TV a, TV b, TV negativeQ, TV inverse)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV high = TL.MultiplyDouble(a, b);
        TV low = TL.FusedMultiplySubtractDouble(a, b, high);
        TV quotient = TL.RoundDouble(TL.MultiplyDouble(high, inverse));
        return TL.AddDouble(TL.FusedMultiplyAddDouble(quotient, negativeQ, high), low);
    }

    /// <summary>The word r mod q ∈ [0, q) of a double r holding an integer in (−q, q), q &lt; 2^51.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ReduceSignedDouble<TV, TL>(TV r, TV q)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        // t = 2^52 + r is exact and, as a bit pattern, 2^52's bits + r for r ≥ 0; below 2^52 (r < 0) add q first.
        TV bias = TL.Create(DoubleBarrett.TwoTo52);
        TV t = TL.AddDouble(r, bias);
        t = TL.ConditionalSelect(TL.LessThanDouble(t, bias), TL.AddDouble(t, q), t);
        return TL.Subtract(t, bias);
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

/// <summary>
/// The constants of a product of two residues in double precision for q &lt; <see cref="Bound"/> = 2^50: Barrett's
/// quotient from a floating-point inverse, the role AVX-512 IFMA's 52-bit products play in Intel HEXL (.NET 10 exposes
/// no IFMA intrinsics); <see cref="DoubleShoup{TV, TL}"/> is the same idea for a fixed twiddle.
/// </summary>
/// <remarks>
/// <para>For a, b ∈ [0, q): h = fl(a·b) and l = fma(a, b, −h) give a·b = h + l exactly (Dekker's TwoProduct; h and l
/// are integers, |l| ≤ ulp(h)/2 ≤ 2^46 as a·b &lt; 2^100). q̂ = round(fl(h·fl(1/q))): t = a·b/q &lt; q, and the
/// three roundings each carry a relative error ≤ 2^−53, so |fl(h·fl(1/q)) − t| ≤ q·3.01·2^−53 &lt; 0.38 and
/// |q̂ − t| &lt; 0.88 &lt; 1. Hence r = a·b − q̂·q ∈ (−q, q). It is computed exactly: fma(q̂, −q, h) = r − l is an
/// integer of magnitude below 2^51 (one rounding of an exact, representable value), and (r − l) + l = r below 2^50.</para>
/// <para>Every step is one IEEE operation with round-to-nearest-even, so every width gives the same bits, and the
/// fully reduced result is the unique residue: the same word as the integer <see cref="BarrettProduct"/>. About 14
/// AVX-512 instructions per 8 products, against about 45 for the 64-bit integer form (three <c>vpmullq</c>, eight
/// <c>vpmuludq</c>).</para>
/// <para>Secret operands (the decryptor's s, the encryptor's u) go through it, so its timing must not depend on them:
/// there is no branch, and no subnormal value arises — every intermediate is 0 or an integer, except h·fl(1/q), which
/// is 0 or at least 2^−50 — so each floating-point instruction takes the same time for every input.</para>
/// </remarks>
internal readonly struct DoubleBarrett
{
    /// <summary>The modulus bound (exclusive).</summary>
    public const ulong Bound = 1UL << 50;

    /// <summary>The bits of the double 2^52: adding an integer below 2^52 to them gives the bits of 2^52 plus it.</summary>
    public const ulong TwoTo52 = 0x4330_0000_0000_0000;

    /// <summary>q.</summary>
    public readonly ulong Value;

    /// <summary>q as a double (bits).</summary>
    public readonly ulong Q;

    /// <summary>−q as a double (bits).</summary>
    public readonly ulong NegativeQ;

    /// <summary>fl(1/q) (bits).</summary>
    public readonly ulong Inverse;

    public DoubleBarrett(ulong q)
    {
        if (q is < 2 or >= Bound)
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "The double-precision product needs 2 ≤ q < 2^50.");
        }

        Value = q;
        Q = BitConverter.DoubleToUInt64Bits(q);
        NegativeQ = BitConverter.DoubleToUInt64Bits(-(double)q);
        Inverse = BitConverter.DoubleToUInt64Bits(1.0 / q);
    }

    /// <summary>
    /// Whether products modulo <paramref name="q"/> take this form: q &lt; 2^50 and a vector width runs (the scalar
    /// width keeps the integer form, where <c>mulx</c> is shorter than the double chain).
    /// </summary>
    public static bool Applies(ulong q) => q < Bound && Vector256Lanes.IsSupported;
}
