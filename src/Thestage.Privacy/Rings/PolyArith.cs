using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Thestage.Privacy.Arithmetic;

namespace Thestage.Privacy.Rings;

/// <summary>
/// Coefficient-wise kernels on one limb of an RNS polynomial (N values modulo one prime).
/// Inputs in [0, q), outputs in [0, q); the destination may alias an input.
/// </summary>
internal static class PolyArith
{
    // Add, Sub and Negate run four lanes at a time with Vector256 (AVX2 has no 64-bit high multiply, so only
    // these compare-and-select kernels are vectorized; values are below 2^61, so lane compares are exact) and
    // finish any tail in scalar code. Each output depends only on the inputs at its own index, so destination
    // may alias an input.

    public static void Add(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, ulong q, Span<ulong> destination)
    {
        int n = destination.Length, i = 0;
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rb = ref MemoryMarshal.GetReference(b);
        ref ulong rd = ref MemoryMarshal.GetReference(destination);
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<ulong> vq = Vector256.Create(q);
            for (; i <= n - 4; i += 4)
            {
                Vector256<ulong> s = Vector256.LoadUnsafe(ref ra, (nuint)i) + Vector256.LoadUnsafe(ref rb, (nuint)i);
                (s - (vq & Vector256.GreaterThanOrEqual(s, vq))).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = UInt64Math.SubtractIfGreaterOrEqual(Unsafe.Add(ref ra, i) + Unsafe.Add(ref rb, i), q);
        }
    }

    public static void Sub(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, ulong q, Span<ulong> destination)
    {
        int n = destination.Length, i = 0;
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rb = ref MemoryMarshal.GetReference(b);
        ref ulong rd = ref MemoryMarshal.GetReference(destination);
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<ulong> vq = Vector256.Create(q);
            for (; i <= n - 4; i += 4)
            {
                Vector256<ulong> x = Vector256.LoadUnsafe(ref ra, (nuint)i), y = Vector256.LoadUnsafe(ref rb, (nuint)i);
                (x - y + (vq & Vector256.LessThan(x, y))).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            ulong x = Unsafe.Add(ref ra, i), y = Unsafe.Add(ref rb, i);
            Unsafe.Add(ref rd, i) = UInt64Math.SubtractIfGreaterOrEqual(x - y + q, q);
        }
    }

    public static void Negate(ReadOnlySpan<ulong> a, ulong q, Span<ulong> destination)
    {
        int n = destination.Length, i = 0;
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rd = ref MemoryMarshal.GetReference(destination);
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<ulong> vq = Vector256.Create(q);
            for (; i <= n - 4; i += 4)
            {
                Vector256<ulong> x = Vector256.LoadUnsafe(ref ra, (nuint)i);
                // q − x, except 0 ↦ 0.
                Vector256.AndNot(vq - x, Vector256.Equals(x, Vector256<ulong>.Zero)).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            ulong x = Unsafe.Add(ref ra, i);
            Unsafe.Add(ref rd, i) = x == 0 ? 0 : q - x;
        }
    }

    /// <summary>destination = a ⊙ b (coefficient-wise products, Barrett-reduced).</summary>
    public static void Multiply(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, in Modulus q, Span<ulong> destination)
    {
        int n = destination.Length;
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rb = ref MemoryMarshal.GetReference(b);
        ref ulong rd = ref MemoryMarshal.GetReference(destination);
        for (int i = 0; i < n; i++)
        {
            ulong hi = Math.BigMul(Unsafe.Add(ref ra, i), Unsafe.Add(ref rb, i), out ulong lo);
            Unsafe.Add(ref rd, i) = q.Reduce(lo, hi);
        }
    }

    /// <summary>destination += a ⊙ b.</summary>
    public static void MultiplyAdd(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, in Modulus q, Span<ulong> destination)
    {
        int n = destination.Length;
        ulong qv = q.Value;
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rb = ref MemoryMarshal.GetReference(b);
        ref ulong rd = ref MemoryMarshal.GetReference(destination);
        for (int i = 0; i < n; i++)
        {
            ulong hi = Math.BigMul(Unsafe.Add(ref ra, i), Unsafe.Add(ref rb, i), out ulong lo);
            Unsafe.Add(ref rd, i) = UInt64Math.SubtractIfGreaterOrEqual(Unsafe.Add(ref rd, i) + q.Reduce(lo, hi), qv);
        }
    }

    /// <summary>destination = a·w for a fixed scalar w.</summary>
    public static void MultiplyScalar(ReadOnlySpan<ulong> a, MultiplyOperand w, ulong q, Span<ulong> destination)
    {
        int n = destination.Length;
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rd = ref MemoryMarshal.GetReference(destination);
        for (int i = 0; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = w.Multiply(Unsafe.Add(ref ra, i), q);
        }
    }

    /// <summary>destination = a + c for a scalar c in [0, q).</summary>
    public static void AddScalar(ReadOnlySpan<ulong> a, ulong c, ulong q, Span<ulong> destination)
    {
        int n = destination.Length;
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rd = ref MemoryMarshal.GetReference(destination);
        for (int i = 0; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = UInt64Math.SubtractIfGreaterOrEqual(Unsafe.Add(ref ra, i) + c, q);
        }
    }

    /// <summary>destination[i] = source[i] mod q for values below 2^64.</summary>
    public static void Reduce(ReadOnlySpan<ulong> source, in Modulus q, Span<ulong> destination)
    {
        int n = destination.Length;
        ref ulong rs = ref MemoryMarshal.GetReference(source);
        ref ulong rd = ref MemoryMarshal.GetReference(destination);
        for (int i = 0; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = q.Reduce(Unsafe.Add(ref rs, i));
        }
    }

    /// <summary>
    /// destination[i] = the centered representative of source[i] ∈ [0, p), lifted into (−p/2, p/2], reduced mod q.
    /// </summary>
    public static void LiftCentered(ReadOnlySpan<ulong> source, ulong p, in Modulus q, Span<ulong> destination)
    {
        int n = destination.Length;
        ulong half = p >> 1;
        ulong pModQ = q.Reduce(p);
        ulong qv = q.Value;
        ref ulong rs = ref MemoryMarshal.GetReference(source);
        ref ulong rd = ref MemoryMarshal.GetReference(destination);
        for (int i = 0; i < n; i++)
        {
            ulong v = Unsafe.Add(ref rs, i);
            ulong r = q.Reduce(v);
            Unsafe.Add(ref rd, i) = v > half ? ModArith.Sub(r, pModQ, qv) : r;
        }
    }

    /// <summary>destination += a·w for a fixed scalar w (Shoup).</summary>
    public static void MultiplyScalarAdd(ReadOnlySpan<ulong> a, MultiplyOperand w, ulong q, Span<ulong> destination)
    {
        int n = destination.Length;
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rd = ref MemoryMarshal.GetReference(destination);
        for (int i = 0; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = UInt64Math.SubtractIfGreaterOrEqual(Unsafe.Add(ref rd, i) + w.Multiply(Unsafe.Add(ref ra, i), q), q);
        }
    }
}
