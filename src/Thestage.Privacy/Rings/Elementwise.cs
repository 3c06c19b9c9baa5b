using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Thestage.Privacy.Arithmetic;

namespace Thestage.Privacy.Rings;

/// <summary>
/// The one loop of the coefficient-wise kernels: it applies an operator struct to every index at the widest
/// width the machine runs (AVX-512, AVX2, scalar), as <c>System.Numerics.Tensors.TensorPrimitives</c> does.
/// </summary>
/// <remarks>
/// <para>An operator writes its arithmetic once, generic over <see cref="IWordLanes{TV}"/>; the JIT specialises it
/// per width, and every width computes the same words (tested with intrinsics off too).</para>
/// <para>A length that is not a multiple of the width ends with one overlapping vector: its inputs are loaded before
/// anything is stored, so the result is right when the destination aliases an input (each output depends only on
/// the inputs at its own index). Lengths below the width fall to a narrower width.</para>
/// </remarks>
internal static unsafe class Elementwise
{
    /// <summary>destination[i] = op(x[i]).</summary>
    public static void Unary<TOp>(ReadOnlySpan<ulong> x, Span<ulong> destination, TOp op, SimdWidth width = SimdWidth.Vector512)
        where TOp : struct, IUnaryWordOperator
    {
        int n = destination.Length;
        CheckLength(x.Length, n);
        // Pinned for the call; every access is at an index in [0, n), n ≤ the length of each span.
        fixed (ulong* px = x, pd = destination)
        {
            switch (Width(width, n))
            {
                case SimdWidth.Vector512:
                    Unary<Vector512<ulong>, Vector512Lanes, TOp>(px, pd, n, op);
                    break;
                case SimdWidth.Vector256:
                    Unary<Vector256<ulong>, Vector256Lanes, TOp>(px, pd, n, op);
                    break;
                default:
                    Unary<ulong, ScalarLanes, TOp>(px, pd, n, op);
                    break;
            }
        }
    }

    /// <summary>destination[i] = op(x[i], y[i]).</summary>
    public static void Binary<TOp>(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y, Span<ulong> destination, TOp op, SimdWidth width = SimdWidth.Vector512)
        where TOp : struct, IBinaryWordOperator
    {
        int n = destination.Length;
        CheckLength(x.Length, n);
        CheckLength(y.Length, n);
        fixed (ulong* px = x, py = y, pd = destination)
        {
            switch (Width(width, n))
            {
                case SimdWidth.Vector512:
                    Binary<Vector512<ulong>, Vector512Lanes, TOp>(px, py, pd, n, op);
                    break;
                case SimdWidth.Vector256:
                    Binary<Vector256<ulong>, Vector256Lanes, TOp>(px, py, pd, n, op);
                    break;
                default:
                    Binary<ulong, ScalarLanes, TOp>(px, py, pd, n, op);
                    break;
            }
        }
    }

    /// <summary>destination[i] = op(x[i], y[i], destination[i]): accumulation into the destination.</summary>
    public static void Accumulate<TOp>(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y, Span<ulong> destination, TOp op, SimdWidth width = SimdWidth.Vector512)
        where TOp : struct, ITernaryWordOperator
    {
        int n = destination.Length;
        CheckLength(x.Length, n);
        CheckLength(y.Length, n);
        fixed (ulong* px = x, py = y, pd = destination)
        {
            switch (Width(width, n))
            {
                case SimdWidth.Vector512:
                    Accumulate<Vector512<ulong>, Vector512Lanes, TOp>(px, py, pd, n, op);
                    break;
                case SimdWidth.Vector256:
                    Accumulate<Vector256<ulong>, Vector256Lanes, TOp>(px, py, pd, n, op);
                    break;
                default:
                    Accumulate<ulong, ScalarLanes, TOp>(px, py, pd, n, op);
                    break;
            }
        }
    }

    /// <summary>
    /// (d0[i], d1[i], d2[i]) = op(x[i], y[i]): one pass writing three outputs (the square of a size-2 ciphertext). d0 may
    /// alias x and d1 may alias y (every input word is loaded before its index is stored); d2 must not overlap either.
    /// </summary>
    public static void Square<TOp>(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y, Span<ulong> d0, Span<ulong> d1, Span<ulong> d2, TOp op, SimdWidth width = SimdWidth.Vector512)
        where TOp : struct, ISquareWordOperator
    {
        int n = d0.Length;
        CheckLength(x.Length, n);
        CheckLength(y.Length, n);
        CheckLength(d1.Length, n);
        CheckLength(d2.Length, n);
        fixed (ulong* px = x, py = y, p0 = d0, p1 = d1, p2 = d2)
        {
            switch (Width(width, n))
            {
                case SimdWidth.Vector512:
                    Square<Vector512<ulong>, Vector512Lanes, TOp>(px, py, p0, p1, p2, n, op);
                    break;
                case SimdWidth.Vector256:
                    Square<Vector256<ulong>, Vector256Lanes, TOp>(px, py, p0, p1, p2, n, op);
                    break;
                default:
                    Square<ulong, ScalarLanes, TOp>(px, py, p0, p1, p2, n, op);
                    break;
            }
        }
    }

    /// <summary>The widest width at most <paramref name="limit"/> that runs here and fits <paramref name="n"/> words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static SimdWidth Width(SimdWidth limit, int n)
    {
        if (limit >= SimdWidth.Vector512 && Vector512Lanes.IsSupported && n >= Vector512Lanes.Count)
        {
            return SimdWidth.Vector512;
        }

        return limit >= SimdWidth.Vector256 && Vector256Lanes.IsSupported && n >= Vector256Lanes.Count ? SimdWidth.Vector256 : SimdWidth.Scalar;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)] // its own optimized root: see NttKernels
    private static void Unary<TV, TL, TOp>(ulong* x, ulong* d, int n, TOp op)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
        where TOp : struct, IUnaryWordOperator
    {
        if (n == 0)
        {
            return;
        }

        int last = n - TL.Count;
        TV tail = op.Invoke<TV, TL>(TL.Load(x + last));
        for (int i = 0; i < last; i += TL.Count)
        {
            TL.Store(d + i, op.Invoke<TV, TL>(TL.Load(x + i)));
        }

        TL.Store(d + last, tail);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)] // its own optimized root: see NttKernels
    private static void Binary<TV, TL, TOp>(ulong* x, ulong* y, ulong* d, int n, TOp op)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
        where TOp : struct, IBinaryWordOperator
    {
        if (n == 0)
        {
            return;
        }

        int last = n - TL.Count;
        TV tail = op.Invoke<TV, TL>(TL.Load(x + last), TL.Load(y + last));
        for (int i = 0; i < last; i += TL.Count)
        {
            TL.Store(d + i, op.Invoke<TV, TL>(TL.Load(x + i), TL.Load(y + i)));
        }

        TL.Store(d + last, tail);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)] // its own optimized root: see NttKernels
    private static void Accumulate<TV, TL, TOp>(ulong* x, ulong* y, ulong* d, int n, TOp op)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
        where TOp : struct, ITernaryWordOperator
    {
        if (n == 0)
        {
            return;
        }

        int last = n - TL.Count;
        TV tail = op.Invoke<TV, TL>(TL.Load(x + last), TL.Load(y + last), TL.Load(d + last));
        for (int i = 0; i < last; i += TL.Count)
        {
            TL.Store(d + i, op.Invoke<TV, TL>(TL.Load(x + i), TL.Load(y + i), TL.Load(d + i)));
        }

        TL.Store(d + last, tail);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)] // its own optimized root: see NttKernels
    private static void Square<TV, TL, TOp>(ulong* x, ulong* y, ulong* d0, ulong* d1, ulong* d2, int n, TOp op)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>
        where TOp : struct, ISquareWordOperator
    {
        if (n == 0)
        {
            return;
        }

        int last = n - TL.Count;
        op.Invoke<TV, TL>(TL.Load(x + last), TL.Load(y + last), out TV tail0, out TV tail1, out TV tail2);
        for (int i = 0; i < last; i += TL.Count)
        {
            op.Invoke<TV, TL>(TL.Load(x + i), TL.Load(y + i), out TV r0, out TV r1, out TV r2);
            TL.Store(d0 + i, r0);
            TL.Store(d1 + i, r1);
            TL.Store(d2 + i, r2);
        }

        TL.Store(d0 + last, tail0);
        TL.Store(d1 + last, tail1);
        TL.Store(d2 + last, tail2);
    }

    private static void CheckLength(int length, int n)
    {
        if (length < n)
        {
            ThrowShort(length, n);
        }
    }

    [DoesNotReturn]
    private static void ThrowShort(int length, int n)
        => throw new ArgumentException($"An input has {length} values, fewer than the destination's {n}.");
}

/// <summary>A coefficient-wise function of one word, written once for every lane width.</summary>
internal interface IUnaryWordOperator
{
    TV Invoke<TV, TL>(TV x)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>;
}

/// <summary>A coefficient-wise function of two words.</summary>
internal interface IBinaryWordOperator
{
    TV Invoke<TV, TL>(TV x, TV y)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>;
}

/// <summary>A coefficient-wise function of two words and the destination's word.</summary>
internal interface ITernaryWordOperator
{
    TV Invoke<TV, TL>(TV x, TV y, TV z)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>;
}

/// <summary>Three coefficient-wise functions of two words, computed together (see <see cref="Elementwise.Square{TOp}"/>).</summary>
internal interface ISquareWordOperator
{
    void Invoke<TV, TL>(TV x, TV y, out TV first, out TV second, out TV third)
        where TV : unmanaged
        where TL : struct, IWordLanes<TV>;
}
