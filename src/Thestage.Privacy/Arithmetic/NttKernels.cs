using System.Runtime.CompilerServices;

namespace Thestage.Privacy.Arithmetic;

/// <summary>
/// The negacyclic NTT butterflies of <see cref="NttTables"/>, written once over <see cref="IWordLanes{TV}"/> and
/// specialised by the JIT per width (scalar, AVX2, AVX-512).
/// </summary>
/// <remarks>
/// <para>Stages whose butterfly gap is at least the width load both halves of a group as whole registers with one
/// broadcast twiddle. The last stages of the forward transform (the first of the inverse), whose gap is below the
/// width (4, 2, 1 with 8 lanes; 2, 1 with 4), load two registers of consecutive words, regroup them into first and
/// second halves with two permutes (<see cref="IShuffleLanes{TV}.Split"/>), run the same butterfly with one twiddle
/// per lane, and permute back — Intel HEXL's treatment of the last two stages, extended to three for 8 lanes.</para>
/// <para>The butterfly is the same arithmetic at every width (Harvey's lazy forward butterfly: X ∈ [0, 4q) reduced
/// to [0, 2q), W·Y by Shoup's method in [0, 2q); the inverse: X + Y reduced to [0, 2q), (X − Y + 2q)·W in [0, 2q)),
/// so every path returns the same words as the scalar one, lazy outputs included.</para>
/// <para>Pointers: <c>x</c> holds N = 2^logN words; <c>w</c>, <c>wq</c> hold the N twiddles and Shoup quotients in
/// bit-reversed order. Every access stays in [0, N): the stage loops partition [0, N) into groups of 2·gap, and the
/// spread twiddle loads of the small-gap stages read Count words at index m + g ≤ N/2 + N/2 − Count (checked for
/// N ≥ 2·Count, the smallest N the vector paths are used for).</para>
/// </remarks>
internal static unsafe class NttKernels
{
    /// <summary>Forward lazy transform at width <typeparamref name="TL"/>: input and output in [0, 4q).</summary>
    public static void ForwardLazy<TV, TL>(ulong* x, int n, ulong* w, ulong* wq, ulong q)
        where TV : unmanaged
        where TL : struct, IShuffleLanes<TV>
    {
        int gap = ForwardWideStages<TV, TL>(x, n, w, wq, q, TL.Count);
        if (TL.Count == 8)
        {
            ForwardNarrowStage<TV, TL, Gap4>(x, n, w, wq, q);
        }

        ForwardNarrowStage<TV, TL, Gap2>(x, n, w, wq, q);
        ForwardNarrowStage<TV, TL, Gap1>(x, n, w, wq, q);
        System.Diagnostics.Debug.Assert(gap == TL.Count / 2);
    }

    /// <summary>Forward lazy transform, one word at a time: input and output in [0, 4q).</summary>
    public static void ForwardLazyScalar(ulong* x, int n, ulong* w, ulong* wq, ulong q)
        => ForwardWideStages<ulong, ScalarLanes>(x, n, w, wq, q, 1);

    /// <summary>Inverse lazy transform at width <typeparamref name="TL"/>, with N⁻¹ folded into the last stage: [0, 2q) → [0, 2q).</summary>
    public static void InverseLazy<TV, TL>(ulong* x, int n, ulong* w, ulong* wq, ulong q, MultiplyOperand invN, MultiplyOperand invNTimesRoot)
        where TV : unmanaged
        where TL : struct, IShuffleLanes<TV>
    {
        InverseNarrowStage<TV, TL, Gap1>(x, n, w, wq, q);
        InverseNarrowStage<TV, TL, Gap2>(x, n, w, wq, q);
        if (TL.Count == 8)
        {
            InverseNarrowStage<TV, TL, Gap4>(x, n, w, wq, q);
        }

        InverseWideStages<TV, TL>(x, n, w, wq, q, TL.Count);
        InverseLastStage<TV, TL>(x, n, q, invN, invNTimesRoot);
    }

    /// <summary>Inverse lazy transform, one word at a time: [0, 2q) → [0, 2q).</summary>
    public static void InverseLazyScalar(ulong* x, int n, ulong* w, ulong* wq, ulong q, MultiplyOperand invN, MultiplyOperand invNTimesRoot)
    {
        InverseWideStages<ulong, ScalarLanes>(x, n, w, wq, q, 1);
        InverseLastStage<ulong, ScalarLanes>(x, n, q, invN, invNTimesRoot);
    }

    /// <summary>x ← x mod q for x ∈ [0, 4q) (after <see cref="ForwardLazy{TV, TL}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReduceFromFourQ<TV, TL>(ulong* x, int n, ulong q)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV vq = TL.Create(q), twoQ = TL.Create(2 * q);
        for (ulong* p = x, end = x + n; p < end; p += TL.Count)
        {
            TL.Store(p, TL.SubtractIfGreaterOrEqual(TL.SubtractIfGreaterOrEqual(TL.Load(p), twoQ), vq));
        }
    }

    /// <summary>x ← x mod q for x ∈ [0, 2q) (after <see cref="InverseLazy{TV, TL}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReduceFromTwoQ<TV, TL>(ulong* x, int n, ulong q)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV vq = TL.Create(q);
        for (ulong* p = x, end = x + n; p < end; p += TL.Count)
        {
            TL.Store(p, TL.SubtractIfGreaterOrEqual(TL.Load(p), vq));
        }
    }

    // Each stage method is its own JIT root, compiled optimized at once (AggressiveOptimization): at tier 0 no lane
    // operation would inline, and one root holding every stage exceeds what the JIT inlines into one method.

    // Stages m = 1, 2, 4, … while the gap N/(2m) is at least `width`; returns the first gap below it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ForwardWideStages<TV, TL>(ulong* x, int n, ulong* w, ulong* wq, ulong q, int width)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV vq = TL.Create(q), twoQ = TL.Create(2 * q);
        int gap = n >> 1, m = 1;
        for (; gap >= width; m <<= 1, gap >>= 1)
        {
            ulong* group = x;
            for (int i = 0; i < m; i++, group += 2 * gap)
            {
                TV vw = TL.Create(w[m + i]), vwq = TL.Create(wq[m + i]), vwqHigh = TL.Create(wq[m + i] >> 32);
                for (ulong* p = group, end = group + gap; p < end; p += TL.Count)
                {
                    TV a = TL.Load(p), b = TL.Load(p + gap);
                    ForwardButterfly<TV, TL>(ref a, ref b, vw, vwq, vwqHigh, vq, twoQ);
                    TL.Store(p, a);
                    TL.Store(p + gap, b);
                }
            }
        }

        return gap;
    }

    // The stage of gap G < width: m = N/(2G) groups, each register pair covers 2·Count words = Count/G groups.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardNarrowStage<TV, TL, TGap>(ulong* x, int n, ulong* w, ulong* wq, ulong q)
        where TV : unmanaged
        where TL : struct, IShuffleLanes<TV>
        where TGap : struct, IButterflyGap
    {
        TV vq = TL.Create(q), twoQ = TL.Create(2 * q);
        int m = n / (2 * TGap.Value), groupsPerBlock = TL.Count / TGap.Value;
        ulong* tw = w + m, twq = wq + m;
        for (ulong* p = x, end = x + n; p < end; p += 2 * TL.Count, tw += groupsPerBlock, twq += groupsPerBlock)
        {
            TL.Split<TGap>(TL.Load(p), TL.Load(p + TL.Count), out TV a, out TV b);
            TV vwq = TL.LoadSpread<TGap>(twq);
            ForwardButterfly<TV, TL>(ref a, ref b, TL.LoadSpread<TGap>(tw), vwq, TL.High32(vwq), vq, twoQ);
            TL.Join<TGap>(a, b, out TV v0, out TV v1);
            TL.Store(p, v0);
            TL.Store(p + TL.Count, v1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InverseNarrowStage<TV, TL, TGap>(ulong* x, int n, ulong* w, ulong* wq, ulong q)
        where TV : unmanaged
        where TL : struct, IShuffleLanes<TV>
        where TGap : struct, IButterflyGap
    {
        TV vq = TL.Create(q), twoQ = TL.Create(2 * q);
        int m = n / (2 * TGap.Value), groupsPerBlock = TL.Count / TGap.Value;
        ulong* tw = w + m, twq = wq + m;
        for (ulong* p = x, end = x + n; p < end; p += 2 * TL.Count, tw += groupsPerBlock, twq += groupsPerBlock)
        {
            TL.Split<TGap>(TL.Load(p), TL.Load(p + TL.Count), out TV a, out TV b);
            TV vwq = TL.LoadSpread<TGap>(twq);
            InverseButterfly<TV, TL>(ref a, ref b, TL.LoadSpread<TGap>(tw), vwq, TL.High32(vwq), vq, twoQ);
            TL.Join<TGap>(a, b, out TV v0, out TV v1);
            TL.Store(p, v0);
            TL.Store(p + TL.Count, v1);
        }
    }

    // Stages from gap `width` (m = N/(2·width)) up to gap N/4.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InverseWideStages<TV, TL>(ulong* x, int n, ulong* w, ulong* wq, ulong q, int width)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV vq = TL.Create(q), twoQ = TL.Create(2 * q);
        int gap = width;
        for (int m = n / (2 * width); m > 1; m >>= 1, gap <<= 1)
        {
            ulong* group = x;
            for (int i = 0; i < m; i++, group += 2 * gap)
            {
                TV vw = TL.Create(w[m + i]), vwq = TL.Create(wq[m + i]), vwqHigh = TL.Create(wq[m + i] >> 32);
                for (ulong* p = group, end = group + gap; p < end; p += TL.Count)
                {
                    TV a = TL.Load(p), b = TL.Load(p + gap);
                    InverseButterfly<TV, TL>(ref a, ref b, vw, vwq, vwqHigh, vq, twoQ);
                    TL.Store(p, a);
                    TL.Store(p + gap, b);
                }
            }
        }
    }

    // The last stage (m = 1, gap N/2) with N⁻¹ folded in: (a + b)·N⁻¹ and (a − b)·ψ^−rev(1)·N⁻¹, both lazily in [0, 2q).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InverseLastStage<TV, TL>(ulong* x, int n, ulong q, MultiplyOperand invN, MultiplyOperand invNTimesRoot)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV vq = TL.Create(q), twoQ = TL.Create(2 * q);
        TV n1 = TL.Create(invN.Operand), n1q = TL.Create(invN.Quotient), n1qHigh = TL.Create(invN.Quotient >> 32);
        TV n2 = TL.Create(invNTimesRoot.Operand), n2q = TL.Create(invNTimesRoot.Quotient), n2qHigh = TL.Create(invNTimesRoot.Quotient >> 32);
        int half = n >> 1;
        for (ulong* p = x, end = x + half; p < end; p += TL.Count)
        {
            TV a = TL.Load(p), b = TL.Load(p + half);
            TV s = TL.SubtractIfGreaterOrEqual(TL.Add(a, b), twoQ);
            TV d = TL.Add(TL.Subtract(a, b), twoQ);
            TL.Store(p, LaneArith.ShoupLazy<TV, TL>(s, n1, n1q, n1qHigh, vq));
            TL.Store(p + half, LaneArith.ShoupLazy<TV, TL>(d, n2, n2q, n2qHigh, vq));
        }
    }

    // (X, Y) → (X' + W·Y, X' − W·Y + 2q) with X' = X reduced from [0, 4q) to [0, 2q) and W·Y ∈ [0, 2q): outputs in [0, 4q).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardButterfly<TV, TL>(ref TV x, ref TV y, TV w, TV wq, TV wqHigh, TV q, TV twoQ)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV a = TL.SubtractIfGreaterOrEqual(x, twoQ);
        TV t = LaneArith.ShoupLazy<TV, TL>(y, w, wq, wqHigh, q);
        x = TL.Add(a, t);
        y = TL.Add(TL.Subtract(a, t), twoQ);
    }

    // (X, Y) ∈ [0, 2q)² → (X + Y reduced to [0, 2q), (X − Y + 2q)·W ∈ [0, 2q)).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InverseButterfly<TV, TL>(ref TV x, ref TV y, TV w, TV wq, TV wqHigh, TV q, TV twoQ)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
    {
        TV s = TL.SubtractIfGreaterOrEqual(TL.Add(x, y), twoQ);
        y = LaneArith.ShoupLazy<TV, TL>(TL.Add(TL.Subtract(x, y), twoQ), w, wq, wqHigh, q);
        x = s;
    }
}
