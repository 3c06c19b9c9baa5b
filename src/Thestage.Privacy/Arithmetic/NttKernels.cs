using System.Runtime.CompilerServices;

namespace Thestage.Privacy.Arithmetic;

/// <summary>
/// The negacyclic NTT stage loops of <see cref="NttTables"/>, written once over a lane width
/// (<see cref="IWordLanes{TV}"/>: scalar, AVX2, AVX-512) and a butterfly arithmetic (<see cref="INttArithmetic{TSelf, TV}"/>:
/// Shoup's product in integers or in doubles), both specialised by the JIT.
/// </summary>
/// <remarks>
/// <para>Stages whose butterfly gap is at least the width load both halves of a group as whole registers with one
/// broadcast twiddle. The last stages of the forward transform (the first of the inverse), whose gap is below the
/// width (4, 2, 1 with 8 lanes; 2, 1 with 4), load two registers of consecutive words, regroup them into first and
/// second halves with two permutes (<see cref="IShuffleLanes{TV}.Split"/>), run the same butterfly with one twiddle
/// per lane, and permute back — Intel HEXL's treatment of the last two stages, extended to three for 8 lanes.</para>
/// <para>The butterfly is the same arithmetic at every width, so every path returns the same words as the scalar
/// one, lazy outputs included.</para>
/// <para>Pointers: <c>x</c> holds N = 2^logN words; <c>w</c>, <c>aux</c> hold the N twiddles and their auxiliary
/// words (Shoup quotients, or w/q as doubles) in bit-reversed order. Every access stays in [0, N): the stage loops
/// partition [0, N) into groups of 2·gap, and the spread twiddle loads of the small-gap stages read Count words at
/// index m + g ≤ N − Count (for N ≥ 2·Count, the smallest N the vector paths are used for).</para>
/// <para>Each stage method is its own JIT root (NoInlining), compiled optimized at once (AggressiveOptimization): at
/// tier 0 no lane operation inlines, and a root holding more than one stage — or a caller that inlined a stage —
/// exceeds what the JIT inlines into one method, leaving calls to tier-0 lane operations in the hot loop.</para>
/// </remarks>
internal static unsafe class NttKernels
{
    // The bits of 2^52: u + these bits, read as a double, is 2^52 + u exactly for u < 2^52.
    private const ulong TwoPow52Bits = 0x4330_0000_0000_0000;

    /// <summary>
    /// Forward transform of values in [0, 4q) (the values of <typeparamref name="TA"/>), the outputs left in [0, 4q) or,
    /// for integer words, reduced by <paramref name="corrections"/> ∈ {0, 1, 2} conditional subtractions (2q, then q)
    /// in the last stage's registers; the double arithmetic passes 0 and reduces while converting back.
    /// </summary>
    public static void Forward<TV, TL, TA>(ulong* x, int n, ulong* w, ulong* aux, ulong q, int corrections)
        where TV : unmanaged
        where TL : struct, IShuffleLanes<TV>
        where TA : struct, INttArithmetic<TA, TV>
    {
        ForwardWideStages<TV, TL, TA>(x, n, w, aux, q, TL.Count);
        if (TL.Count == 8)
        {
            ForwardNarrowStage<TV, TL, TA, Gap4>(x, n, w, aux, q, last: false, 0);
        }

        ForwardNarrowStage<TV, TL, TA, Gap2>(x, n, w, aux, q, last: false, 0);
        ForwardNarrowStage<TV, TL, TA, Gap1>(x, n, w, aux, q, last: true, corrections);
    }

    /// <summary>Forward lazy transform, one word at a time.</summary>
    public static void ForwardLazyScalar<TA>(ulong* x, int n, ulong* w, ulong* aux, ulong q)
        where TA : struct, INttArithmetic<TA, ulong>
        => ForwardWideStages<ulong, ScalarLanes, TA>(x, n, w, aux, q, 1);

    /// <summary>
    /// Inverse transform of values in [0, 2q), with N⁻¹ folded into the last stage: (n1, n1Aux) is N⁻¹ and (n2, n2Aux)
    /// is ψ^−rev(1)·N⁻¹ with their auxiliary words. Outputs in [0, 2q), or for integer words in [0, q) when
    /// <paramref name="reduce"/> (one conditional subtraction in the last stage's registers).
    /// </summary>
    public static void Inverse<TV, TL, TA>(ulong* x, int n, ulong* w, ulong* aux, ulong q, ulong n1, ulong n1Aux, ulong n2, ulong n2Aux, bool reduce)
        where TV : unmanaged
        where TL : struct, IShuffleLanes<TV>
        where TA : struct, INttArithmetic<TA, TV>
    {
        InverseNarrowStage<TV, TL, TA, Gap1>(x, n, w, aux, q);
        InverseNarrowStage<TV, TL, TA, Gap2>(x, n, w, aux, q);
        if (TL.Count == 8)
        {
            InverseNarrowStage<TV, TL, TA, Gap4>(x, n, w, aux, q);
        }

        InverseWideStages<TV, TL, TA>(x, n, w, aux, q, TL.Count);
        InverseLastStage<TV, TL, TA>(x, n, q, n1, n1Aux, n2, n2Aux, reduce);
    }

    /// <summary><see cref="Inverse"/>, one word at a time.</summary>
    public static void InverseScalar<TA>(ulong* x, int n, ulong* w, ulong* aux, ulong q, ulong n1, ulong n1Aux, ulong n2, ulong n2Aux, bool reduce)
        where TA : struct, INttArithmetic<TA, ulong>
    {
        InverseWideStages<ulong, ScalarLanes, TA>(x, n, w, aux, q, 1);
        InverseLastStage<ulong, ScalarLanes, TA>(x, n, q, n1, n1Aux, n2, n2Aux, reduce);
    }

    /// <summary>
    /// The scalar forward kernel's outputs brought into [0, 4q) (<see cref="INttArithmetic{TSelf, TV}.ForwardOutput"/>),
    /// then x ← x mod q for x ∈ [0, 2^k·q), k = <paramref name="corrections"/> ∈ {0, 1, 2}.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void FinishForwardScalar<TA>(ulong* x, int n, ulong q, int corrections)
        where TA : struct, INttArithmetic<TA, ulong>
    {
        TA arithmetic = TA.Create(q);
        ulong twoQ = 2 * q;
        for (ulong* p = x, end = x + n; p < end; p++)
        {
            ulong v = arithmetic.ForwardOutput(*p);
            if (corrections == 2)
            {
                v = UInt64Math.SubtractIfGreaterOrEqual(v, twoQ);
            }

            *p = corrections >= 1 ? UInt64Math.SubtractIfGreaterOrEqual(v, q) : v;
        }
    }

    /// <summary>Each word u &lt; 2^52 becomes the double u, in place (exact: 2^52 + u is a double, less 2^52).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void ToDoubles<TV, TL>(ulong* x, int n)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV magic = TL.Create(TwoPow52Bits);
        for (ulong* p = x, end = x + n; p < end; p += TL.Count)
        {
            TL.Store(p, TL.SubtractDouble(TL.Add(TL.Load(p), magic), magic));
        }
    }

    /// <summary>Each double holding an integer u ∈ [0, 2^52) becomes the word u, in place; then x ← x mod q for x ∈ [0, 2^k·q), k = <paramref name="corrections"/> ∈ {0, 1, 2}.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void FromDoubles<TV, TL>(ulong* x, int n, ulong q, int corrections)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV magic = TL.Create(TwoPow52Bits), vq = TL.Create(q), twoQ = TL.Create(2 * q);
        for (ulong* p = x, end = x + n; p < end; p += TL.Count)
        {
            TV v = TL.Subtract(TL.AddDouble(TL.Load(p), magic), magic);
            if (corrections == 2)
            {
                v = TL.SubtractIfGreaterOrEqual(v, twoQ);
            }

            if (corrections >= 1)
            {
                v = TL.SubtractIfGreaterOrEqual(v, vq);
            }

            TL.Store(p, v);
        }
    }

    // Stages m = 1, 2, 4, … while the gap N/(2m) is at least `width`.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void ForwardWideStages<TV, TL, TA>(ulong* x, int n, ulong* w, ulong* aux, ulong q, int width)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
        where TA : struct, INttArithmetic<TA, TV>
    {
        TA arithmetic = TA.Create(q);
        for (int gap = n >> 1, m = 1; gap >= width; m <<= 1, gap >>= 1)
        {
            ulong* group = x;
            for (int i = 0; i < m; i++, group += 2 * gap)
            {
                TV vw = TL.Create(w[m + i]), vaux = TL.Create(aux[m + i]), prepared = arithmetic.Prepare(vaux);
                for (ulong* p = group, end = group + gap; p < end; p += TL.Count)
                {
                    TV a = TL.Load(p), b = TL.Load(p + gap);
                    arithmetic.Forward(ref a, ref b, vw, vaux, prepared);
                    TL.Store(p, a);
                    TL.Store(p + gap, b);
                }
            }
        }
    }

    // The stage of gap G < width: m = N/(2G) groups, each register pair covers 2·Count words = Count/G groups.
    // The last stage brings its outputs into [0, 4q) (the arithmetic's ForwardOutput), then makes `corrections` as in
    // Forward; the branches on `last` and `corrections` go the same way every iteration.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void ForwardNarrowStage<TV, TL, TA, TGap>(ulong* x, int n, ulong* w, ulong* aux, ulong q, bool last, int corrections)
        where TV : unmanaged
        where TL : struct, IShuffleLanes<TV>
        where TA : struct, INttArithmetic<TA, TV>
        where TGap : struct, IButterflyGap
    {
        TA arithmetic = TA.Create(q);
        TV vq = TL.Create(q), twoQ = TL.Create(2 * q);
        int m = n / (2 * TGap.Value), groupsPerBlock = TL.Count / TGap.Value;
        ulong* tw = w + m, taux = aux + m;
        for (ulong* p = x, end = x + n; p < end; p += 2 * TL.Count, tw += groupsPerBlock, taux += groupsPerBlock)
        {
            TL.Split<TGap>(TL.Load(p), TL.Load(p + TL.Count), out TV a, out TV b);
            TV vaux = TL.LoadSpread<TGap>(taux);
            arithmetic.Forward(ref a, ref b, TL.LoadSpread<TGap>(tw), vaux, arithmetic.Prepare(vaux));
            if (last)
            {
                a = arithmetic.ForwardOutput(a);
                b = arithmetic.ForwardOutput(b);
            }

            if (corrections == 2)
            {
                a = TL.SubtractIfGreaterOrEqual(a, twoQ);
                b = TL.SubtractIfGreaterOrEqual(b, twoQ);
            }

            if (corrections >= 1)
            {
                a = TL.SubtractIfGreaterOrEqual(a, vq);
                b = TL.SubtractIfGreaterOrEqual(b, vq);
            }

            TL.Join<TGap>(a, b, out TV v0, out TV v1);
            TL.Store(p, v0);
            TL.Store(p + TL.Count, v1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void InverseNarrowStage<TV, TL, TA, TGap>(ulong* x, int n, ulong* w, ulong* aux, ulong q)
        where TV : unmanaged
        where TL : struct, IShuffleLanes<TV>
        where TA : struct, INttArithmetic<TA, TV>
        where TGap : struct, IButterflyGap
    {
        TA arithmetic = TA.Create(q);
        int m = n / (2 * TGap.Value), groupsPerBlock = TL.Count / TGap.Value;
        ulong* tw = w + m, taux = aux + m;
        for (ulong* p = x, end = x + n; p < end; p += 2 * TL.Count, tw += groupsPerBlock, taux += groupsPerBlock)
        {
            TL.Split<TGap>(TL.Load(p), TL.Load(p + TL.Count), out TV a, out TV b);
            TV vaux = TL.LoadSpread<TGap>(taux);
            arithmetic.Inverse(ref a, ref b, TL.LoadSpread<TGap>(tw), vaux, arithmetic.Prepare(vaux));
            TL.Join<TGap>(a, b, out TV v0, out TV v1);
            TL.Store(p, v0);
            TL.Store(p + TL.Count, v1);
        }
    }

    // Stages from gap `width` (m = N/(2·width)) up to gap N/4.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void InverseWideStages<TV, TL, TA>(ulong* x, int n, ulong* w, ulong* aux, ulong q, int width)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
        where TA : struct, INttArithmetic<TA, TV>
    {
        TA arithmetic = TA.Create(q);
        int gap = width;
        for (int m = n / (2 * width); m > 1; m >>= 1, gap <<= 1)
        {
            ulong* group = x;
            for (int i = 0; i < m; i++, group += 2 * gap)
            {
                TV vw = TL.Create(w[m + i]), vaux = TL.Create(aux[m + i]), prepared = arithmetic.Prepare(vaux);
                for (ulong* p = group, end = group + gap; p < end; p += TL.Count)
                {
                    TV a = TL.Load(p), b = TL.Load(p + gap);
                    arithmetic.Inverse(ref a, ref b, vw, vaux, prepared);
                    TL.Store(p, a);
                    TL.Store(p + gap, b);
                }
            }
        }
    }

    // The last stage (m = 1, gap N/2) with N⁻¹ folded in: (a + b)·N⁻¹ and (a − b)·ψ^−rev(1)·N⁻¹, both lazily in [0, 2q),
    // then reduced to [0, q) when `reduce` (integer words).
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void InverseLastStage<TV, TL, TA>(ulong* x, int n, ulong q, ulong n1, ulong n1Aux, ulong n2, ulong n2Aux, bool reduce)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
        where TA : struct, INttArithmetic<TA, TV>
    {
        TA arithmetic = TA.Create(q);
        TV vq = TL.Create(q);
        TV v1 = TL.Create(n1), v1Aux = TL.Create(n1Aux), v1Prepared = arithmetic.Prepare(v1Aux);
        TV v2 = TL.Create(n2), v2Aux = TL.Create(n2Aux), v2Prepared = arithmetic.Prepare(v2Aux);
        int half = n >> 1;
        for (ulong* p = x, end = x + half; p < end; p += TL.Count)
        {
            arithmetic.SumAndDifference(TL.Load(p), TL.Load(p + half), out TV s, out TV d);
            TV a = arithmetic.InverseOutput(arithmetic.MultiplyLazy(s, v1, v1Aux, v1Prepared));
            TV b = arithmetic.InverseOutput(arithmetic.MultiplyLazy(d, v2, v2Aux, v2Prepared));
            if (reduce)
            {
                a = TL.SubtractIfGreaterOrEqual(a, vq);
                b = TL.SubtractIfGreaterOrEqual(b, vq);
            }

            TL.Store(p, a);
            TL.Store(p + half, b);
        }
    }
}
