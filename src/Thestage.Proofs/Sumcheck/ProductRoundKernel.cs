using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Thestage.Proofs.Fields;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// The rounds of <see cref="SumcheckProver"/> over <see cref="GoldilocksExt2"/> tables for products of two or three
/// multilinear factors (every sumcheck of the provers has one of these degrees): the round values
/// <c>g(t) = Σ_{i&lt;h} Π_k (T_k[i] + t·(T_k[i + h] − T_k[i]))</c> for <c>t = 0 … d</c>, and the fold by the challenge fused
/// with the next round's values, so that each round reads the tables once. Vectorised (<see cref="PackedExt2{TLanes, TV}"/>)
/// and split over the cores above <see cref="ParallelThreshold"/>.
/// </summary>
/// <remarks>
/// The values are exact field sums, so neither the vector width, the split into chunks nor the fusion changes a bit of
/// them: <c>tests/Thestage.Proofs.Tests/Sumcheck/ProductRoundKernelTests.cs</c> compares every width with the generic
/// prover. Thaler, "Time-optimal interactive proofs for circuit evaluation", CRYPTO 2013 (the folding prover).
/// </remarks>
internal static unsafe class ProductRoundKernel
{
    /// <summary>The number of index pairs from which a round is split over the cores.</summary>
    public const int ParallelThreshold = 1 << 12;

    /// <summary>Whether the kernel handles <paramref name="degree"/> factors.</summary>
    public static bool Supports(int degree) => degree is 2 or 3;

    /// <summary>The round values over tables of <c>2h</c> entries.</summary>
    public static void Evaluate(E[][] tables, int half, Span<E> values) => Run(tables, half, default, false, values);

    /// <summary>Folds tables of <c>2h</c> entries by <paramref name="r"/> and returns the next round's values over the <c>h</c> folded entries.</summary>
    public static void FoldAndEvaluate(E[][] tables, int half, E r, Span<E> values) => Run(tables, half, r, true, values);

    private static void Run(E[][] tables, int half, E r, bool fold, Span<E> values)
    {
        int pairs = fold ? half / 2 : half;
        int chunks = pairs >= ParallelThreshold ? Math.Min(Environment.ProcessorCount, 8) : 1;
        int degree = tables.Length;
        var partial = new E[chunks * (degree + 1)];
        if (chunks == 1)
        {
            Chunk(tables, half, r, fold, 0, pairs, partial);
        }
        else
        {
            int size = (pairs + chunks - 1) / chunks;
            Parallel.For(0, chunks, c => Chunk(tables, half, r, fold, Math.Min(pairs, c * size), Math.Min(pairs, (c + 1) * size), partial.AsSpan(c * (degree + 1), degree + 1)));
        }

        values.Clear();
        for (int c = 0; c < chunks; c++)
        {
            for (int t = 0; t <= degree; t++)
            {
                values[t] += partial[(c * (degree + 1)) + t];
            }
        }
    }

    private static void Chunk(E[][] tables, int half, E r, bool fold, int start, int end, Span<E> values)
    {
        if (Vector512GoldilocksLanes.IsSupported)
        {
            Chunk<Vector512GoldilocksLanes, Vector512<ulong>>(tables, half, r, fold, start, end, values);
        }
        else if (Vector256GoldilocksLanes.IsSupported)
        {
            Chunk<Vector256GoldilocksLanes, Vector256<ulong>>(tables, half, r, fold, start, end, values);
        }
        else
        {
            ChunkScalar(tables, half, r, fold, start, end, values);
        }
    }

    /// <summary>Pairs <c>[start, end)</c> at one vector width, the tail by <see cref="ChunkScalar"/>.</summary>
    internal static void Chunk<TLanes, TV>(E[][] tables, int half, E r, bool fold, int start, int end, Span<E> values)
        where TLanes : struct, IGoldilocksLanes<TV>
        where TV : unmanaged
    {
        int width = PackedExt2<TLanes, TV>.Count;
        int vectorEnd = start + ((end - start) / width * width);
        if (tables.Length == 2)
        {
            Two<TLanes, TV>(tables[0], tables[1], half, r, fold, start, vectorEnd, values);
        }
        else
        {
            Three<TLanes, TV>(tables[0], tables[1], tables[2], half, r, fold, start, vectorEnd, values);
        }

        Span<E> tail = stackalloc E[values.Length];
        ChunkScalar(tables, half, r, fold, vectorEnd, end, tail);
        for (int t = 0; t < values.Length; t++)
        {
            values[t] += tail[t];
        }
    }

    /// <summary>The definition, one pair at a time (and the tail of the vector loops).</summary>
    internal static void ChunkScalar(E[][] tables, int half, E r, bool fold, int start, int end, Span<E> values)
    {
        int degree = tables.Length;
        int offset = fold ? half / 2 : half;
        Span<E> low = stackalloc E[degree];
        Span<E> step = stackalloc E[degree];
        values.Clear();
        for (int i = start; i < end; i++)
        {
            for (int k = 0; k < degree; k++)
            {
                E[] table = tables[k];
                E lo = table[i], hi = table[i + offset];
                if (fold)
                {
                    lo += r * (table[i + half] - lo);
                    hi += r * (table[i + offset + half] - hi);
                    table[i] = lo;
                    table[i + offset] = hi;
                }

                low[k] = lo;
                step[k] = hi - lo;
            }

            for (int t = 0; t <= degree; t++)
            {
                E product = low[0];
                for (int k = 1; k < degree; k++)
                {
                    product *= low[k];
                }

                values[t] += product;
                for (int k = 0; k < degree; k++)
                {
                    low[k] += step[k];
                }
            }
        }
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

    private static void Two<TLanes, TV>(E[] a, E[] b, int half, E r, bool fold, int start, int end, Span<E> values)
        where TLanes : struct, IGoldilocksLanes<TV>
        where TV : unmanaged
    {
        int width = PackedExt2<TLanes, TV>.Count;
        int offset = fold ? half / 2 : half;
        (TV rLow, TV rHigh) = PackedExt2<TLanes, TV>.Constant(r);
        ref E ra = ref MemoryMarshal.GetArrayDataReference(a);
        ref E rb = ref MemoryMarshal.GetArrayDataReference(b);
        TV v0 = TLanes.Create(0), v1 = v0, v2 = v0;
        for (int i = start; i < end; i += width)
        {
            Load<TLanes, TV>(ref ra, i, half, offset, fold, rLow, rHigh, out TV a0, out TV a1);
            Load<TLanes, TV>(ref rb, i, half, offset, fold, rLow, rHigh, out TV b0, out TV b1);
            TV a2 = TLanes.Add(a1, TLanes.Subtract(a1, a0));
            TV b2 = TLanes.Add(b1, TLanes.Subtract(b1, b0));
            v0 = TLanes.Add(v0, PackedExt2<TLanes, TV>.Multiply(a0, b0));
            v1 = TLanes.Add(v1, PackedExt2<TLanes, TV>.Multiply(a1, b1));
            v2 = TLanes.Add(v2, PackedExt2<TLanes, TV>.Multiply(a2, b2));
        }

        values[0] = PackedExt2<TLanes, TV>.Sum(v0);
        values[1] = PackedExt2<TLanes, TV>.Sum(v1);
        values[2] = PackedExt2<TLanes, TV>.Sum(v2);
    }

    private static void Three<TLanes, TV>(E[] a, E[] b, E[] c, int half, E r, bool fold, int start, int end, Span<E> values)
        where TLanes : struct, IGoldilocksLanes<TV>
        where TV : unmanaged
    {
        int width = PackedExt2<TLanes, TV>.Count;
        int offset = fold ? half / 2 : half;
        (TV rLow, TV rHigh) = PackedExt2<TLanes, TV>.Constant(r);
        ref E ra = ref MemoryMarshal.GetArrayDataReference(a);
        ref E rb = ref MemoryMarshal.GetArrayDataReference(b);
        ref E rc = ref MemoryMarshal.GetArrayDataReference(c);
        TV* v = stackalloc TV[4];
        v[0] = v[1] = v[2] = v[3] = TLanes.Create(0);
        for (int i = start; i < end; i += width)
        {
            Load<TLanes, TV>(ref ra, i, half, offset, fold, rLow, rHigh, out TV a0, out TV a1);
            Load<TLanes, TV>(ref rb, i, half, offset, fold, rLow, rHigh, out TV b0, out TV b1);
            Load<TLanes, TV>(ref rc, i, half, offset, fold, rLow, rHigh, out TV c0, out TV c1);
            TV da = TLanes.Subtract(a1, a0), db = TLanes.Subtract(b1, b0), dc = TLanes.Subtract(c1, c0);

            // t = 0 … 3 in a loop (not unrolled, so the JIT inlines its body once and keeps every operation inline).
            for (int t = 0; t < 4; t++)
            {
                v[t] = TLanes.Add(v[t], PackedExt2<TLanes, TV>.Multiply(PackedExt2<TLanes, TV>.Multiply(a0, b0), c0));
                a0 = TLanes.Add(a0, da);
                b0 = TLanes.Add(b0, db);
                c0 = TLanes.Add(c0, dc);
            }
        }

        for (int t = 0; t < 4; t++)
        {
            values[t] = PackedExt2<TLanes, TV>.Sum(v[t]);
        }
    }
}
