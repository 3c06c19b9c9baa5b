using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Thestage.Proofs.Fields;

/// <summary>
/// Field-generic forms of the <see cref="Ext2Kernels"/> for protocol code written over <see cref="IExtensionField{T}"/>:
/// for <see cref="GoldilocksExt2"/> (a JIT-time test) they run the vectorised kernel, for any other field the scalar loop.
/// </summary>
internal static class FieldKernels
{
    /// <summary><c>accumulator[j] += w·row[j]</c>.</summary>
    public static void AddScaledBase<T>(Span<T> accumulator, T w, ReadOnlySpan<Goldilocks> row)
        where T : struct, IExtensionField<T>
    {
        if (typeof(T) == typeof(GoldilocksExt2))
        {
            Ext2Kernels.AddScaledBase(MemoryMarshal.Cast<T, GoldilocksExt2>(accumulator), Unsafe.As<T, GoldilocksExt2>(ref w), row);
            return;
        }

        for (int j = 0; j < row.Length; j++)
        {
            accumulator[j] += w.MultiplyByBase(row[j]);
        }
    }

    /// <summary><c>accumulator[j] += w·x[j]</c>.</summary>
    public static void AddScaled<T>(Span<T> accumulator, T w, ReadOnlySpan<T> x)
        where T : struct, IExtensionField<T>
    {
        if (typeof(T) == typeof(GoldilocksExt2))
        {
            Ext2Kernels.AddScaled(MemoryMarshal.Cast<T, GoldilocksExt2>(accumulator), Unsafe.As<T, GoldilocksExt2>(ref w), MemoryMarshal.Cast<T, GoldilocksExt2>(x));
            return;
        }

        for (int j = 0; j < x.Length; j++)
        {
            accumulator[j] += w * x[j];
        }
    }

    /// <summary><c>Σ_i w[i]·x[i]</c>.</summary>
    public static T DotBase<T>(ReadOnlySpan<T> w, ReadOnlySpan<Goldilocks> x)
        where T : struct, IExtensionField<T>
    {
        if (typeof(T) == typeof(GoldilocksExt2))
        {
            GoldilocksExt2 result = Ext2Kernels.DotBase(MemoryMarshal.Cast<T, GoldilocksExt2>(w), x);
            return Unsafe.As<GoldilocksExt2, T>(ref result);
        }

        T sum = T.Zero;
        for (int i = 0; i < x.Length; i++)
        {
            sum += w[i].MultiplyByBase(x[i]);
        }

        return sum;
    }
}
