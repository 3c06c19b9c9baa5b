using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Thestage.Privacy.Arithmetic;

namespace Thestage.Privacy.Rings;

/// <summary>
/// The multiply-accumulate of hybrid key switching over its digits, for one target prime q:
/// out₀[x] = Σ_j d_j[x]·a_j[x] mod q and out₁[x] = Σ_j d_j[x]·b_j[x] mod q (the two components of the key share each
/// digit), at the widest width the machine runs, every width giving the same words.
/// </summary>
/// <remarks>
/// <para>AVX-512 and AVX2 have no 64×64 → 128-bit product, so each factor (a residue below q &lt; 2^60) is split into
/// 30-bit halves, d = d₁·2^30 + d₀, and the four partial products (each below 2^60, one <c>vpmuludq</c> each) are summed
/// exactly in three 64-bit accumulators kept in registers across the digits: ll = Σ d₀k₀, mid = Σ (d₀k₁ + d₁k₀),
/// hh = Σ d₁k₁. Seven digits keep them below 2^64 (mid &lt; 7·2^61, ll &lt; 2^60 + 7·2^60 with a carried-in residue);
/// longer sums are reduced every seven digits and carried on in ll. The sum ll + mid·2^30 + hh·2^60 is then reduced
/// once per coefficient: regrouped as low + high·2^60 (two 64-bit words), low by Barrett with ⌊2^64/q⌋ and high by a
/// Shoup product with 2^60 mod q (any 64-bit input, results in [0, 2q)), then two conditional subtractions. Per digit and component that is eleven
/// lane operations instead of a reduction per product; the digits are read once for both components and the
/// accumulators never touch memory (the former loop kept 2·N 128-bit sums in memory and cleared them first).</para>
/// <para>The result is the exact residue, so every width — and the former scalar 128-bit loop — gives the same words;
/// <c>DigitProductTests</c> checks each width against 128-bit arithmetic.</para>
/// </remarks>
internal static unsafe class DigitProduct
{
    /// <summary>The largest prime size the split handles: residues below 2^60 split into two 30-bit halves.</summary>
    public const int MaxModulusBits = 60;

    private const int Block = 7;
    private const ulong Mask30 = (1UL << 30) - 1;

    /// <summary>
    /// out₀ = Σ_j digits[j] ⊙ keys0[j], out₁ = Σ_j digits[j] ⊙ keys1[j] mod q, for <paramref name="count"/> digits of
    /// <paramref name="n"/> words each (every input in [0, q), q &lt; 2^60; outputs in [0, q)). The outputs must not
    /// alias the inputs.
    /// </summary>
    public static void Run(ulong** digits, ulong** keys0, ulong** keys1, int count, int n, in Modulus q, ulong* out0, ulong* out1, SimdWidth width = SimdWidth.Vector512)
    {
        System.Diagnostics.Debug.Assert(q.BitCount <= MaxModulusBits, "The split needs residues below 2^60.");
        var constants = new Constants(q);
        switch (Elementwise.Width(width, n))
        {
            case SimdWidth.Vector512:
                Run<Vector512<ulong>, Vector512Lanes>(digits, keys0, keys1, count, n, constants, out0, out1);
                break;
            case SimdWidth.Vector256:
                Run<Vector256<ulong>, Vector256Lanes>(digits, keys0, keys1, count, n, constants, out0, out1);
                break;
            default:
                Run<ulong, ScalarLanes>(digits, keys0, keys1, count, n, constants, out0, out1);
                break;
        }
    }

    // n is a multiple of the width (a power of two at least TL.Count, as every ring dimension is).
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)] // its own optimized root: see NttKernels
    private static void Run<TV, TL>(ulong** digits, ulong** keys0, ulong** keys1, int count, int n, Constants c, ulong* out0, ulong* out1)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        System.Diagnostics.Debug.Assert(n % TL.Count == 0, "The length is a multiple of the width.");
        TV mask = TL.Create(Mask30);
        for (int x = 0; x < n; x += TL.Count)
        {
            TV ll0 = TL.Create(0), mid0 = ll0, hh0 = ll0, ll1 = ll0, mid1 = ll0, hh1 = ll0;
            for (int j = 0; j < count; j++)
            {
                if (j > 0 && j % Block == 0)
                {
                    // Carry the reduced partial sum on in ll (below q < 2^60), keeping the next block's sums below 2^64.
                    ll0 = Reduce<TV, TL>(ll0, mid0, hh0, c);
                    ll1 = Reduce<TV, TL>(ll1, mid1, hh1, c);
                    mid0 = hh0 = mid1 = hh1 = TL.Create(0);
                }

                TV d = TL.Load(digits[j] + x);
                TV d0 = TL.BitwiseAnd(d, mask), d1 = TL.ShiftRightLogical(d, 30);
                TV a = TL.Load(keys0[j] + x);
                TV a0 = TL.BitwiseAnd(a, mask), a1 = TL.ShiftRightLogical(a, 30);
                ll0 = TL.Add(ll0, TL.MultiplyLow32(d0, a0));
                mid0 = TL.Add(mid0, TL.Add(TL.MultiplyLow32(d0, a1), TL.MultiplyLow32(d1, a0)));
                hh0 = TL.Add(hh0, TL.MultiplyLow32(d1, a1));
                TV b = TL.Load(keys1[j] + x);
                TV b0 = TL.BitwiseAnd(b, mask), b1 = TL.ShiftRightLogical(b, 30);
                ll1 = TL.Add(ll1, TL.MultiplyLow32(d0, b0));
                mid1 = TL.Add(mid1, TL.Add(TL.MultiplyLow32(d0, b1), TL.MultiplyLow32(d1, b0)));
                hh1 = TL.Add(hh1, TL.MultiplyLow32(d1, b1));
            }

            TL.Store(out0 + x, Reduce<TV, TL>(ll0, mid0, hh0, c));
            TL.Store(out1 + x, Reduce<TV, TL>(ll1, mid1, hh1, c));
        }
    }

    // (ll + mid·2^30 + hh·2^60) mod q for ll < 2^63, hh < 2^63 and any mid: with mid = m₁·2^30 + m₀ this is
    // low + high·2^60 for low = ll + m₀·2^30 < 2^63 + 2^60 and high = hh + m₁ < 2^63 + 2^34, both below 2^64.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Reduce<TV, TL>(TV ll, TV mid, TV hh, in Constants c)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV q = TL.Create(c.Q), ratio = TL.Create(c.Ratio);
        TV low = TL.Add(ll, TL.ShiftLeft(TL.BitwiseAnd(mid, TL.Create(Mask30)), 30));
        TV high = TL.Add(hh, TL.ShiftRightLogical(mid, 30));
        // low − ⌊low·⌊2^64/q⌋/2^64⌋·q ∈ [0, 2q) (as ReduceOperator); Shoup's product of high by 2^60 mod q ∈ [0, 2q).
        TV r = TL.Subtract(low, TL.MultiplyLow(TL.MultiplyHigh(low, ratio, TL.High32(ratio)), q));
        TV h = LaneArith.ShoupLazy<TV, TL>(high, TL.Create(c.Pow60.Operand), TL.Create(c.Pow60.Quotient), TL.Create(c.Pow60.Quotient >> 32), q);
        TV s = TL.SubtractIfGreaterOrEqual(TL.Add(r, h), TL.Create(2 * c.Q)); // [0, 4q) → [0, 2q)
        return TL.SubtractIfGreaterOrEqual(s, q);
    }

    private readonly struct Constants
    {
        public readonly ulong Q;
        public readonly ulong Ratio;
        public readonly MultiplyOperand Pow60;

        public Constants(in Modulus q)
        {
            Q = q.Value;
            Ratio = q.BarrettHigh;
            Pow60 = new MultiplyOperand(q.Reduce(1UL << 60), q.Value);
        }
    }
}
