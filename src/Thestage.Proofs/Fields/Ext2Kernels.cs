using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Fields;

/// <summary>
/// Span kernels over <see cref="GoldilocksExt2"/> that dominate the provers' time: folding a multilinear table,
/// expanding an equality table, accumulating scaled rows and inner products with base-field tables. Each runs at the
/// widest width the machine has (AVX-512, AVX2, scalar); every width returns exactly the scalar loop's elements.
/// </summary>
/// <remarks>
/// The scalar loops are the definitions (written with <see cref="GoldilocksExt2"/>'s operators); the vector loops
/// process <see cref="PackedExt2{TLanes, TV}.Count"/> elements at a time and leave the tail to the scalar loop.
/// <c>tests/Thestage.Proofs.Tests/Fields/Ext2KernelsTests.cs</c> compares every width with the scalar loop.
/// </remarks>
internal static class Ext2Kernels
{
    /// <summary>Binds the first variable: <c>t[i] = t[i] + r·(t[i + h] − t[i])</c> for <c>i &lt; h = len/2</c>.</summary>
    public static void Fold(Span<E> table, E r)
    {
        if (Vector512GoldilocksLanes.IsSupported)
        {
            Fold<Vector512GoldilocksLanes, Vector512<ulong>>(table, r);
        }
        else if (Vector256GoldilocksLanes.IsSupported)
        {
            Fold<Vector256GoldilocksLanes, Vector256<ulong>>(table, r);
        }
        else
        {
            FoldScalar(table, r, 0);
        }
    }

    /// <summary>One doubling of an equality table: <c>t[i + s] = t[i]·r</c>, <c>t[i] = t[i] − t[i + s]</c> for <c>i &lt; s</c>.</summary>
    public static void Expand(Span<E> table, int size, E r)
    {
        if (Vector512GoldilocksLanes.IsSupported)
        {
            Expand<Vector512GoldilocksLanes, Vector512<ulong>>(table, size, r);
        }
        else if (Vector256GoldilocksLanes.IsSupported)
        {
            Expand<Vector256GoldilocksLanes, Vector256<ulong>>(table, size, r);
        }
        else
        {
            ExpandScalar(table, size, r, 0);
        }
    }

    /// <summary><c>accumulator[j] += w·row[j]</c>.</summary>
    public static void AddScaledBase(Span<E> accumulator, E w, ReadOnlySpan<Goldilocks> row)
    {
        if (Vector512GoldilocksLanes.IsSupported)
        {
            AddScaledBase<Vector512GoldilocksLanes, Vector512<ulong>>(accumulator, w, row);
        }
        else if (Vector256GoldilocksLanes.IsSupported)
        {
            AddScaledBase<Vector256GoldilocksLanes, Vector256<ulong>>(accumulator, w, row);
        }
        else
        {
            AddScaledBaseScalar(accumulator, w, row, 0);
        }
    }

    /// <summary><c>accumulator[j] += w·x[j]</c>.</summary>
    public static void AddScaled(Span<E> accumulator, E w, ReadOnlySpan<E> x)
    {
        if (Vector512GoldilocksLanes.IsSupported)
        {
            AddScaled<Vector512GoldilocksLanes, Vector512<ulong>>(accumulator, w, x);
        }
        else if (Vector256GoldilocksLanes.IsSupported)
        {
            AddScaled<Vector256GoldilocksLanes, Vector256<ulong>>(accumulator, w, x);
        }
        else
        {
            AddScaledScalar(accumulator, w, x, 0);
        }
    }

    /// <summary><c>Σ_i w[i]·x[i]</c> for base-field <c>x</c>.</summary>
    public static E DotBase(ReadOnlySpan<E> w, ReadOnlySpan<Goldilocks> x)
    {
        if (Vector512GoldilocksLanes.IsSupported)
        {
            return DotBase<Vector512GoldilocksLanes, Vector512<ulong>>(w, x);
        }

        return Vector256GoldilocksLanes.IsSupported ? DotBase<Vector256GoldilocksLanes, Vector256<ulong>>(w, x) : DotBaseScalar(w, x, 0);
    }

    internal static void Fold<TLanes, TV>(Span<E> table, E r)
        where TLanes : struct, IGoldilocksLanes<TV>
        where TV : struct
    {
        int half = table.Length / 2;
        int width = PackedExt2<TLanes, TV>.Count;
        (TV low, TV high) = PackedExt2<TLanes, TV>.Constant(r);
        ref E t = ref MemoryMarshal.GetReference(table);
        int i = 0;
        for (; i + width <= half; i += width)
        {
            TV a = PackedExt2<TLanes, TV>.Load(in Unsafe.Add(ref t, i));
            TV b = PackedExt2<TLanes, TV>.Load(in Unsafe.Add(ref t, i + half));
            TV folded = TLanes.Add(a, PackedExt2<TLanes, TV>.MultiplyByConstant(TLanes.Subtract(b, a), low, high));
            PackedExt2<TLanes, TV>.Store(folded, ref Unsafe.Add(ref t, i));
        }

        FoldScalar(table, r, i);
    }

    internal static void FoldScalar(Span<E> table, E r, int start)
    {
        int half = table.Length / 2;
        for (int i = start; i < half; i++)
        {
            table[i] += r * (table[i + half] - table[i]);
        }
    }

    internal static void Expand<TLanes, TV>(Span<E> table, int size, E r)
        where TLanes : struct, IGoldilocksLanes<TV>
        where TV : struct
    {
        int width = PackedExt2<TLanes, TV>.Count;
        (TV low, TV high) = PackedExt2<TLanes, TV>.Constant(r);
        ref E t = ref MemoryMarshal.GetReference(table);
        int i = 0;
        for (; i + width <= size; i += width)
        {
            TV value = PackedExt2<TLanes, TV>.Load(in Unsafe.Add(ref t, i));
            TV upper = PackedExt2<TLanes, TV>.MultiplyByConstant(value, low, high);
            PackedExt2<TLanes, TV>.Store(upper, ref Unsafe.Add(ref t, i + size));
            PackedExt2<TLanes, TV>.Store(TLanes.Subtract(value, upper), ref Unsafe.Add(ref t, i));
        }

        ExpandScalar(table, size, r, i);
    }

    internal static void ExpandScalar(Span<E> table, int size, E r, int start)
    {
        for (int i = start; i < size; i++)
        {
            E upper = table[i] * r;
            table[i + size] = upper;
            table[i] -= upper;
        }
    }

    internal static void AddScaledBase<TLanes, TV>(Span<E> accumulator, E w, ReadOnlySpan<Goldilocks> row)
        where TLanes : struct, IGoldilocksLanes<TV>
        where TV : struct
    {
        int width = PackedExt2<TLanes, TV>.Count;
        TV weight = PackedExt2<TLanes, TV>.Create(w);
        ref E a = ref MemoryMarshal.GetReference(accumulator);
        ref Goldilocks x = ref MemoryMarshal.GetReference(row);
        int length = Math.Min(accumulator.Length, row.Length), j = 0;
        for (; j + width <= length; j += width)
        {
            TV product = TLanes.Multiply(PackedExt2<TLanes, TV>.LoadBase(in Unsafe.Add(ref x, j)), weight);
            PackedExt2<TLanes, TV>.Store(TLanes.Add(PackedExt2<TLanes, TV>.Load(in Unsafe.Add(ref a, j)), product), ref Unsafe.Add(ref a, j));
        }

        AddScaledBaseScalar(accumulator, w, row, j);
    }

    internal static void AddScaledBaseScalar(Span<E> accumulator, E w, ReadOnlySpan<Goldilocks> row, int start)
    {
        int length = Math.Min(accumulator.Length, row.Length);
        for (int j = start; j < length; j++)
        {
            accumulator[j] += w.MultiplyByBase(row[j]);
        }
    }

    internal static void AddScaled<TLanes, TV>(Span<E> accumulator, E w, ReadOnlySpan<E> x)
        where TLanes : struct, IGoldilocksLanes<TV>
        where TV : struct
    {
        int width = PackedExt2<TLanes, TV>.Count;
        (TV low, TV high) = PackedExt2<TLanes, TV>.Constant(w);
        ref E a = ref MemoryMarshal.GetReference(accumulator);
        ref E b = ref MemoryMarshal.GetReference(x);
        int length = Math.Min(accumulator.Length, x.Length), j = 0;
        for (; j + width <= length; j += width)
        {
            TV product = PackedExt2<TLanes, TV>.MultiplyByConstant(PackedExt2<TLanes, TV>.Load(in Unsafe.Add(ref b, j)), low, high);
            PackedExt2<TLanes, TV>.Store(TLanes.Add(PackedExt2<TLanes, TV>.Load(in Unsafe.Add(ref a, j)), product), ref Unsafe.Add(ref a, j));
        }

        AddScaledScalar(accumulator, w, x, j);
    }

    internal static void AddScaledScalar(Span<E> accumulator, E w, ReadOnlySpan<E> x, int start)
    {
        int length = Math.Min(accumulator.Length, x.Length);
        for (int j = start; j < length; j++)
        {
            accumulator[j] += w * x[j];
        }
    }

    internal static E DotBase<TLanes, TV>(ReadOnlySpan<E> w, ReadOnlySpan<Goldilocks> x)
        where TLanes : struct, IGoldilocksLanes<TV>
        where TV : struct
    {
        int width = PackedExt2<TLanes, TV>.Count;
        ref E a = ref MemoryMarshal.GetReference(w);
        ref Goldilocks b = ref MemoryMarshal.GetReference(x);
        int length = Math.Min(w.Length, x.Length), i = 0;
        TV sum = TLanes.Create(0);
        for (; i + width <= length; i += width)
        {
            sum = TLanes.Add(sum, TLanes.Multiply(PackedExt2<TLanes, TV>.Load(in Unsafe.Add(ref a, i)), PackedExt2<TLanes, TV>.LoadBase(in Unsafe.Add(ref b, i))));
        }

        return PackedExt2<TLanes, TV>.Sum(sum) + DotBaseScalar(w, x, i);
    }

    internal static E DotBaseScalar(ReadOnlySpan<E> w, ReadOnlySpan<Goldilocks> x, int start)
    {
        int length = Math.Min(w.Length, x.Length);
        E sum = E.Zero;
        for (int i = start; i < length; i++)
        {
            sum += w[i].MultiplyByBase(x[i]);
        }

        return sum;
    }
}
