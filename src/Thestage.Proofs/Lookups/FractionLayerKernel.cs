using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Thestage.Proofs.Fields;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Lookups;

/// <summary>
/// The arithmetic of <see cref="FractionalSumcheck"/>'s prover: splitting a layer of fractions into its left (even) and
/// right (odd) children, building a parent layer, and the layer sumcheck's inner sums
/// <c>H(t) = Σ_x e(x)·(p_L q_R + q_L (p_R + λ q_R))(t, x)</c> for <c>t = 0, 1, 2</c> (the fold by the previous challenge fused
/// in). Generic scalar loops (the definitions) and, for <see cref="GoldilocksExt2"/>, vector loops at the widest width, split
/// over the cores above <see cref="ParallelThreshold"/>; every path returns the same elements.
/// </summary>
/// <remarks><c>tests/Thestage.Proofs.Tests/Lookups/FractionLayerKernelTests.cs</c> compares the widths with the scalar loops.</remarks>
internal static unsafe class FractionLayerKernel
{
    /// <summary>The number of pairs from which work is split over the cores.</summary>
    public const int ParallelThreshold = 1 << 12;

    /// <summary>Writes <c>even[i] = values[2i]</c>, <c>odd[i] = values[2i + 1]</c>.</summary>
    public static void Split<T>(T[] values, T[] even, T[] odd)
        where T : struct, IExtensionField<T>
    {
        int start = 0;
        if (typeof(T) == typeof(E))
        {
            var v = (E[])(object)values;
            var e = (E[])(object)even;
            var o = (E[])(object)odd;
            if (Vector512GoldilocksLanes.IsSupported)
            {
                start = Split<Vector512GoldilocksLanes, Vector512<ulong>>(v, e, o);
            }
            else if (Vector256GoldilocksLanes.IsSupported)
            {
                start = Split<Vector256GoldilocksLanes, Vector256<ulong>>(v, e, o);
            }
        }

        for (int i = start; i < even.Length; i++)
        {
            even[i] = values[2 * i];
            odd[i] = values[(2 * i) + 1];
        }
    }

    /// <summary>
    /// The parent layer of children <c>(pL, pR, qL, qR)</c> (<c>2·count</c> each): <c>p = pL qR + pR qL</c>, <c>q = qL qR</c>, written
    /// split by parity into <paramref name="parentP"/> = (even, odd) and <paramref name="parentQ"/> (<paramref name="count"/> each).
    /// </summary>
    public static void Parent<T>(T[] pl, T[] pr, T[] ql, T[] qr, int count, (T[] Even, T[] Odd) parentP, (T[] Even, T[] Odd) parentQ)
        where T : struct, IExtensionField<T>
    {
        int chunks = count >= ParallelThreshold ? Environment.ProcessorCount : 1;
        if (chunks == 1)
        {
            ParentChunk(pl, pr, ql, qr, parentP, parentQ, 0, count);
        }
        else
        {
            int size = (count + chunks - 1) / chunks;
            Parallel.For(0, chunks, c => ParentChunk(pl, pr, ql, qr, parentP, parentQ, Math.Min(count, c * size), Math.Min(count, (c + 1) * size)));
        }
    }

    /// <summary>
    /// <c>(H(0), H(1), H(2))</c> over the pairs of tables of <c>2h</c> entries, or, when <paramref name="fold"/>, after folding them
    /// by <paramref name="r"/> to <c>h</c> entries (then over <c>h/2</c> pairs); <paramref name="e"/> holds one weight per pair.
    /// </summary>
    public static (T H0, T H1, T H2) Round<T>(T[][] tables, T[] e, int half, T r, bool fold, T lambda)
        where T : struct, IExtensionField<T>
    {
        int pairs = fold ? half / 2 : half;
        int chunks = pairs >= ParallelThreshold ? Environment.ProcessorCount : 1;
        var partial = new T[3 * chunks];
        if (chunks == 1)
        {
            RoundChunk(tables, e, half, r, fold, lambda, 0, pairs, partial);
        }
        else
        {
            int size = (pairs + chunks - 1) / chunks;
            Parallel.For(0, chunks, c => RoundChunk(tables, e, half, r, fold, lambda, Math.Min(pairs, c * size), Math.Min(pairs, (c + 1) * size), partial.AsSpan(3 * c, 3)));
        }

        T h0 = T.Zero, h1 = T.Zero, h2 = T.Zero;
        for (int c = 0; c < chunks; c++)
        {
            h0 += partial[3 * c];
            h1 += partial[(3 * c) + 1];
            h2 += partial[(3 * c) + 2];
        }

        return (h0, h1, h2);
    }

    internal static int Split<TLanes, TV>(E[] values, E[] even, E[] odd)
        where TLanes : struct, IGoldilocksLanes<TV>
        where TV : unmanaged
    {
        int width = PackedExt2<TLanes, TV>.Count;
        int i = 0;
        for (; i + width <= even.Length; i += width)
        {
            TLanes.UnzipPairs(
                PackedExt2<TLanes, TV>.Load(in values[2 * i]), PackedExt2<TLanes, TV>.Load(in values[(2 * i) + width]), out TV e, out TV o);
            PackedExt2<TLanes, TV>.Store(e, ref even[i]);
            PackedExt2<TLanes, TV>.Store(o, ref odd[i]);
        }

        return i;
    }

    private static void ParentChunk<T>(T[] pl, T[] pr, T[] ql, T[] qr, (T[] Even, T[] Odd) parentP, (T[] Even, T[] Odd) parentQ, int start, int end)
        where T : struct, IExtensionField<T>
    {
        if (typeof(T) == typeof(E))
        {
            var args = ((E[])(object)pl, (E[])(object)pr, (E[])(object)ql, (E[])(object)qr,
                ((E[])(object)parentP.Even, (E[])(object)parentP.Odd), ((E[])(object)parentQ.Even, (E[])(object)parentQ.Odd));
            if (Vector512GoldilocksLanes.IsSupported)
            {
                start = ParentChunk<Vector512GoldilocksLanes, Vector512<ulong>>(args.Item1, args.Item2, args.Item3, args.Item4, args.Item5, args.Item6, start, end);
            }
            else if (Vector256GoldilocksLanes.IsSupported)
            {
                start = ParentChunk<Vector256GoldilocksLanes, Vector256<ulong>>(args.Item1, args.Item2, args.Item3, args.Item4, args.Item5, args.Item6, start, end);
            }
        }

        ParentChunkScalar(pl, pr, ql, qr, parentP, parentQ, start, end);
    }

    /// <summary>Parent pairs <c>[start, end)</c> (parents <c>2j</c> and <c>2j + 1</c>), one at a time.</summary>
    internal static void ParentChunkScalar<T>(T[] pl, T[] pr, T[] ql, T[] qr, (T[] Even, T[] Odd) parentP, (T[] Even, T[] Odd) parentQ, int start, int end)
        where T : struct, IExtensionField<T>
    {
        for (int j = start; j < end; j++)
        {
            int i = 2 * j;
            parentP.Even[j] = (pl[i] * qr[i]) + (pr[i] * ql[i]);
            parentQ.Even[j] = ql[i] * qr[i];
            parentP.Odd[j] = (pl[i + 1] * qr[i + 1]) + (pr[i + 1] * ql[i + 1]);
            parentQ.Odd[j] = ql[i + 1] * qr[i + 1];
        }
    }

    /// <summary>Parent pairs from <paramref name="start"/> in whole vectors; returns where the scalar tail starts.</summary>
    internal static int ParentChunk<TLanes, TV>(E[] pl, E[] pr, E[] ql, E[] qr, (E[] Even, E[] Odd) parentP, (E[] Even, E[] Odd) parentQ, int start, int end)
        where TLanes : struct, IGoldilocksLanes<TV>
        where TV : unmanaged
    {
        int width = PackedExt2<TLanes, TV>.Count;
        int j = start;
        for (; j + width <= end; j += width)
        {
            int i = 2 * j;
            (TV p0, TV q0) = ParentOf<TLanes, TV>(pl, pr, ql, qr, i);
            (TV p1, TV q1) = ParentOf<TLanes, TV>(pl, pr, ql, qr, i + width);
            TLanes.UnzipPairs(p0, p1, out TV pEven, out TV pOdd);
            TLanes.UnzipPairs(q0, q1, out TV qEven, out TV qOdd);
            PackedExt2<TLanes, TV>.Store(pEven, ref parentP.Even[j]);
            PackedExt2<TLanes, TV>.Store(pOdd, ref parentP.Odd[j]);
            PackedExt2<TLanes, TV>.Store(qEven, ref parentQ.Even[j]);
            PackedExt2<TLanes, TV>.Store(qOdd, ref parentQ.Odd[j]);
        }

        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TV P, TV Q) ParentOf<TLanes, TV>(E[] pl, E[] pr, E[] ql, E[] qr, int i)
        where TLanes : struct, IGoldilocksLanes<TV>
        where TV : unmanaged
    {
        TV a = PackedExt2<TLanes, TV>.Load(in pl[i]), b = PackedExt2<TLanes, TV>.Load(in pr[i]);
        TV c = PackedExt2<TLanes, TV>.Load(in ql[i]), d = PackedExt2<TLanes, TV>.Load(in qr[i]);
        return (TLanes.Add(PackedExt2<TLanes, TV>.Multiply(a, d), PackedExt2<TLanes, TV>.Multiply(b, c)), PackedExt2<TLanes, TV>.Multiply(c, d));
    }

    private static void RoundChunk<T>(T[][] tables, T[] e, int half, T r, bool fold, T lambda, int start, int end, Span<T> sums)
        where T : struct, IExtensionField<T>
    {
        sums.Clear();
        if (typeof(T) == typeof(E))
        {
            var ext = (E[][])(object)tables;
            var weights = (E[])(object)e;
            Span<E> s = MemoryMarshal.Cast<T, E>(sums);
            if (Vector512GoldilocksLanes.IsSupported)
            {
                start = RoundChunk<Vector512GoldilocksLanes, Vector512<ulong>>(ext, weights, half, Unsafe.As<T, E>(ref r), fold, Unsafe.As<T, E>(ref lambda), start, end, s);
            }
            else if (Vector256GoldilocksLanes.IsSupported)
            {
                start = RoundChunk<Vector256GoldilocksLanes, Vector256<ulong>>(ext, weights, half, Unsafe.As<T, E>(ref r), fold, Unsafe.As<T, E>(ref lambda), start, end, s);
            }
        }

        RoundChunkScalar(tables, e, half, r, fold, lambda, start, end, sums);
    }

    /// <summary>The definition, one pair at a time; adds into <paramref name="sums"/>.</summary>
    internal static void RoundChunkScalar<T>(T[][] tables, T[] e, int half, T r, bool fold, T lambda, int start, int end, Span<T> sums)
        where T : struct, IExtensionField<T>
    {
        int offset = fold ? half / 2 : half;
        var low = new T[4];
        var high = new T[4];
        for (int i = start; i < end; i++)
        {
            for (int k = 0; k < 4; k++)
            {
                T[] table = tables[k];
                T lo = table[i], hi = table[i + offset];
                if (fold)
                {
                    lo += r * (table[i + half] - lo);
                    hi += r * (table[i + offset + half] - hi);
                    table[i] = lo;
                    table[i + offset] = hi;
                }

                low[k] = lo;
                high[k] = hi;
            }

            // h(t) = pL·qR + qL·(pR + λ·qR) at t = 0, 1, 2 (each factor linear in t: x(2) = x(1) + (x(1) − x(0))).
            T weight = e[i];
            for (int t = 0; t < 3; t++)
            {
                sums[t] += weight * ((low[0] * low[3]) + (low[2] * (low[1] + (lambda * low[3]))));
                for (int k = 0; k < 4; k++)
                {
                    (low[k], high[k]) = (high[k], high[k] + (high[k] - low[k]));
                }
            }
        }
    }

    /// <summary>Pairs from <paramref name="start"/> in whole vectors (adds into <paramref name="sums"/>); returns where the scalar tail starts.</summary>
    internal static int RoundChunk<TLanes, TV>(E[][] tables, E[] e, int half, E r, bool fold, E lambda, int start, int end, Span<E> sums)
        where TLanes : struct, IGoldilocksLanes<TV>
        where TV : unmanaged
    {
        int width = PackedExt2<TLanes, TV>.Count;
        int offset = fold ? half / 2 : half;
        (TV rLow, TV rHigh) = PackedExt2<TLanes, TV>.Constant(r);
        (TV lambdaLow, TV lambdaHigh) = PackedExt2<TLanes, TV>.Constant(lambda);
        ref E pl = ref MemoryMarshal.GetArrayDataReference(tables[0]);
        ref E pr = ref MemoryMarshal.GetArrayDataReference(tables[1]);
        ref E ql = ref MemoryMarshal.GetArrayDataReference(tables[2]);
        ref E qr = ref MemoryMarshal.GetArrayDataReference(tables[3]);
        TV* h = stackalloc TV[3];
        h[0] = h[1] = h[2] = TLanes.Create(0);
        int i = start;
        for (; i + width <= end; i += width)
        {
            Load<TLanes, TV>(ref pl, i, half, offset, fold, rLow, rHigh, out TV pl0, out TV pl1);
            Load<TLanes, TV>(ref pr, i, half, offset, fold, rLow, rHigh, out TV pr0, out TV pr1);
            Load<TLanes, TV>(ref ql, i, half, offset, fold, rLow, rHigh, out TV ql0, out TV ql1);
            Load<TLanes, TV>(ref qr, i, half, offset, fold, rLow, rHigh, out TV qr0, out TV qr1);
            TV weight = PackedExt2<TLanes, TV>.Load(in Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(e), i));
            TV dpl = TLanes.Subtract(pl1, pl0), dpr = TLanes.Subtract(pr1, pr0), dql = TLanes.Subtract(ql1, ql0), dqr = TLanes.Subtract(qr1, qr0);

            // t = 0, 1, 2 in a loop (not unrolled, so the JIT inlines its body once and keeps every operation inline).
            for (int t = 0; t < 3; t++)
            {
                TV sum = TLanes.Add(pr0, PackedExt2<TLanes, TV>.MultiplyByConstant(qr0, lambdaLow, lambdaHigh));
                TV value = TLanes.Add(PackedExt2<TLanes, TV>.Multiply(pl0, qr0), PackedExt2<TLanes, TV>.Multiply(ql0, sum));
                h[t] = TLanes.Add(h[t], PackedExt2<TLanes, TV>.Multiply(weight, value));
                pl0 = TLanes.Add(pl0, dpl);
                pr0 = TLanes.Add(pr0, dpr);
                ql0 = TLanes.Add(ql0, dql);
                qr0 = TLanes.Add(qr0, dqr);
            }
        }

        sums[0] += PackedExt2<TLanes, TV>.Sum(h[0]);
        sums[1] += PackedExt2<TLanes, TV>.Sum(h[1]);
        sums[2] += PackedExt2<TLanes, TV>.Sum(h[2]);
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Load<TLanes, TV>(ref E table, int i, int half, int offset, bool fold, TV rLow, TV rHigh, out TV lo, out TV hi)
        where TLanes : struct, IGoldilocksLanes<TV>
        where TV : unmanaged
    {
        lo = PackedExt2<TLanes, TV>.Load(in Unsafe.Add(ref table, i));
        hi = PackedExt2<TLanes, TV>.Load(in Unsafe.Add(ref table, i + offset));
        if (fold)
        {
            TV loFar = PackedExt2<TLanes, TV>.Load(in Unsafe.Add(ref table, i + half));
            TV hiFar = PackedExt2<TLanes, TV>.Load(in Unsafe.Add(ref table, i + offset + half));
            lo = TLanes.Add(lo, PackedExt2<TLanes, TV>.MultiplyByConstant(TLanes.Subtract(loFar, lo), rLow, rHigh));
            hi = TLanes.Add(hi, PackedExt2<TLanes, TV>.MultiplyByConstant(TLanes.Subtract(hiFar, hi), rLow, rHigh));
            PackedExt2<TLanes, TV>.Store(lo, ref Unsafe.Add(ref table, i));
            PackedExt2<TLanes, TV>.Store(hi, ref Unsafe.Add(ref table, i + offset));
        }
    }
}
