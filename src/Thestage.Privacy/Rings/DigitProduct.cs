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
/// <para>The outputs must not alias the inputs (they hold the partial sums between blocks of digits).</para>
/// <para>AVX-512 and AVX2 have no 64×64 → 128-bit product, so each factor (a residue below q &lt; 2^60) is split into
/// 30-bit halves, d = d₁·2^30 + d₀, and the four partial products (each below 2^60, one <c>vpmuludq</c> each) are summed
/// exactly in three 64-bit accumulators kept in registers across the digits: ll = Σ d₀k₀, mid = Σ (d₀k₁ + d₁k₀),
/// hh = Σ d₁k₁. Seven digits keep them below 2^64 (mid &lt; 7·2^61, ll &lt; 2^60 + 7·2^60 with a carried-in residue);
/// longer sums are reduced every seven digits and carried on in ll, through the output, tile by tile. The sum ll + mid·2^30 + hh·2^60 is then reduced
/// once per coefficient: regrouped as low + high·2^60 (two 64-bit words), low by Barrett with ⌊2^64/q⌋ and high by a
/// Shoup product with 2^60 mod q (any 64-bit input, results in [0, 2q)), then two conditional subtractions. Per digit and component that is eleven
/// lane operations instead of a reduction per product; the digits are read once for both components and the
/// accumulators stay in registers for up to seven digits (the former loop kept 2·N 128-bit sums in memory and cleared them first).</para>
/// <para>Primes below 2^32 (the small primes of deep, low-precision chains) need no split: each product is one
/// <c>vpmuludq</c>, and ⌊(2^64 − q)/(q − 1)²⌋ of them (4,104 for the 26-bit prime 2^26 − 2^16 + 1) fit one 64-bit sum.</para>
/// <para>The result is the exact residue, so every width — and the former scalar 128-bit loop — gives the same words;
/// <c>DigitProductTests</c> checks each width against 128-bit arithmetic.</para>
/// </remarks>
internal static unsafe class DigitProduct
{
    /// <summary>The largest prime size the split handles: residues below 2^60 split into two 30-bit halves.</summary>
    public const int MaxModulusBits = 60;

    private const int Block = 7;
    private const int Tile = 512;
    private const ulong Mask30 = (1UL << 30) - 1;

    /// <summary>
    /// out₀ = Σ_j digits[j] ⊙ keys0[j], out₁ = Σ_j digits[j] ⊙ keys1[j] mod q, for <paramref name="count"/> digits of
    /// <paramref name="n"/> words each (every input in [0, q), q &lt; 2^60; outputs in [0, q)). The outputs must not
    /// alias the inputs.
    /// </summary>
    public static void Run(ulong** digits, ulong** keys0, ulong** keys1, int count, int n, in Modulus q, ulong* out0, ulong* out1, SimdWidth width = SimdWidth.Vector512)
        => Dispatch(new Loaded(digits), keys0, keys1, count, n, q, out0, out1, width);

    /// <summary>
    /// out₀ = Σ_j c_j·keys0[j], out₁ = Σ_j c_j·keys1[j] mod q for constants c_j = <paramref name="constants"/>[j] ∈ [0, q)
    /// (a matrix of plain weights applied to ciphertexts holding one sample per slot), as <see cref="Run"/>.
    /// </summary>
    public static void RunConstants(ulong* constants, ulong** keys0, ulong** keys1, int count, int n, in Modulus q, ulong* out0, ulong* out1, SimdWidth width = SimdWidth.Vector512)
        => Dispatch(new Broadcast(constants), keys0, keys1, count, n, q, out0, out1, width);

    private static void Dispatch<TD>(TD digits, ulong** keys0, ulong** keys1, int count, int n, in Modulus q, ulong* out0, ulong* out1, SimdWidth width)
        where TD : struct, IDigits
    {
        System.Diagnostics.Debug.Assert(q.BitCount <= MaxModulusBits, "The split needs residues below 2^60.");
        var constants = new Constants(q);
        if (q.Value <= uint.MaxValue)
        {
            // Residues below 2^32: one vpmuludq per product, and as many products per sum as keep it below 2^64.
            ulong square = (q.Value - 1) * (q.Value - 1);
            int block = square == 0 ? count : (int)Math.Min((ulong)count, (ulong.MaxValue - q.Value) / square);
            switch (Elementwise.Width(width, n))
            {
                case SimdWidth.Vector512:
                    RunSmall<Vector512<ulong>, Vector512Lanes, TD>(digits, keys0, keys1, count, block, n, constants, out0, out1);
                    break;
                case SimdWidth.Vector256:
                    RunSmall<Vector256<ulong>, Vector256Lanes, TD>(digits, keys0, keys1, count, block, n, constants, out0, out1);
                    break;
                default:
                    RunSmall<ulong, ScalarLanes, TD>(digits, keys0, keys1, count, block, n, constants, out0, out1);
                    break;
            }

            return;
        }

        switch (Elementwise.Width(width, n))
        {
            case SimdWidth.Vector512:
                Run<Vector512<ulong>, Vector512Lanes, TD>(digits, keys0, keys1, count, n, constants, out0, out1);
                break;
            case SimdWidth.Vector256:
                Run<Vector256<ulong>, Vector256Lanes, TD>(digits, keys0, keys1, count, n, constants, out0, out1);
                break;
            default:
                Run<ulong, ScalarLanes, TD>(digits, keys0, keys1, count, n, constants, out0, out1);
                break;
        }
    }

    // n is a multiple of the width (a power of two at least TL.Count, as every ring dimension is).
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)] // its own optimized root: see NttKernels
    private static void Run<TV, TL, TD>(TD digits, ulong** keys0, ulong** keys1, int count, int n, Constants c, ulong* out0, ulong* out1)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
        where TD : struct, IDigits
    {
        System.Diagnostics.Debug.Assert(n % TL.Count == 0, "The length is a multiple of the width.");
        TV mask = TL.Create(Mask30);
        // Tiles of the coefficients, and in each the digits in blocks of seven: a block's sums stay in registers, and
        // its reduced result waits in the output (in L1 within the tile) as the next block's start. A block reads few
        // enough arrays at once for the hardware prefetchers (a single pass over 49 or 256 digits did not).
        for (int tile = 0; tile < n; tile += Tile)
        {
            int tileEnd = Math.Min(n, tile + Tile);
            for (int first = 0; first < count; first += Block)
            {
                int last = Math.Min(count, first + Block);
                for (int x = tile; x < tileEnd; x += TL.Count)
                {
                    TV zero = TL.Create(0);
                    TV ll0 = first == 0 ? zero : TL.Load(out0 + x), ll1 = first == 0 ? zero : TL.Load(out1 + x);
                    TV mid0 = zero, hh0 = zero, mid1 = zero, hh1 = zero;
                    for (int j = first; j < last; j++)
                    {
                        TV d = digits.Load<TV, TL>(j, x);
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
        }
    }

    // q < 2^32: Σ d·k directly in one word per component, `block` products at a time (each below (q − 1)², the carried
    // residue below q, so a block's sum stays below 2^64), reduced by Barrett with ⌊2^64/q⌋.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)] // its own optimized root: see NttKernels
    private static void RunSmall<TV, TL, TD>(TD digits, ulong** keys0, ulong** keys1, int count, int block, int n, Constants c, ulong* out0, ulong* out1)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
        where TD : struct, IDigits
    {
        TV q = TL.Create(c.Q), ratio = TL.Create(c.Ratio), ratioHigh = TL.High32(ratio);
        for (int tile = 0; tile < n; tile += Tile)
        {
            int tileEnd = Math.Min(n, tile + Tile);
            for (int first = 0; first < count; first += block)
            {
                int last = Math.Min(count, first + block);
                for (int x = tile; x < tileEnd; x += TL.Count)
                {
                    TV zero = TL.Create(0);
                    TV s0 = first == 0 ? zero : TL.Load(out0 + x), s1 = first == 0 ? zero : TL.Load(out1 + x);
                    for (int j = first; j < last; j++)
                    {
                        TV d = digits.Load<TV, TL>(j, x);
                        s0 = TL.Add(s0, TL.MultiplyLow32(d, TL.Load(keys0[j] + x)));
                        s1 = TL.Add(s1, TL.MultiplyLow32(d, TL.Load(keys1[j] + x)));
                    }

                    TL.Store(out0 + x, TL.SubtractIfGreaterOrEqual(TL.Subtract(s0, TL.MultiplyLow(TL.MultiplyHigh(s0, ratio, ratioHigh), q)), q));
                    TL.Store(out1 + x, TL.SubtractIfGreaterOrEqual(TL.Subtract(s1, TL.MultiplyLow(TL.MultiplyHigh(s1, ratio, ratioHigh), q)), q));
                }
            }
        }
    }

    /// <summary>Where the kernel reads digit j at word x: from memory, or one constant for every word.</summary>
    private interface IDigits
    {
        TV Load<TV, TL>(int j, int x)
            where TV : unmanaged
            where TL : struct, IWordLanes<TV>;
    }

    private readonly struct Loaded(ulong** digits) : IDigits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Load<TV, TL>(int j, int x)
            where TV : unmanaged
            where TL : struct, IWordLanes<TV>
            => TL.Load(digits[j] + x);
    }

    private readonly struct Broadcast(ulong* constants) : IDigits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Load<TV, TL>(int j, int x)
            where TV : unmanaged
            where TL : struct, IWordLanes<TV>
            => TL.Create(constants[j]);
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
