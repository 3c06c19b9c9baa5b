using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Thestage.Privacy.Ckks;

/// <summary>
/// Complex numbers stored interleaved (re, im, re, im, …, the layout of <see cref="System.Numerics.Complex"/>[]) at one
/// register width: the arithmetic of <see cref="SpecialFft"/>'s butterflies, written once and specialised per width.
/// </summary>
/// <remarks>
/// Every width rounds exactly as <see cref="System.Numerics.Complex"/>'s operators do: a product v·w is
/// (v_re·w_re − v_im·w_im, v_im·w_re + v_re·w_im), each product and sum rounded once (no fused multiply–add); the
/// vector widths compute the real part as v_re·w_re + (−(v_im·w_im)), which is the same IEEE result, since negation
/// is exact and a − b is defined as a + (−b). So the scalar and the vector paths give the same bits.
/// </remarks>
internal unsafe interface IComplexLanes<TV>
    where TV : struct
{
    /// <summary>Complex values per register.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this machine runs the width.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>Loads <see cref="Count"/> interleaved complex values.</summary>
    static abstract TV Load(double* source);

    /// <summary>Stores <see cref="Count"/> interleaved complex values.</summary>
    static abstract void Store(double* destination, TV value);

    /// <summary>Lane-wise sum.</summary>
    static abstract TV Add(TV a, TV b);

    /// <summary>Lane-wise difference.</summary>
    static abstract TV Subtract(TV a, TV b);

    /// <summary>
    /// The complex products v·w, where <paramref name="wRe"/> holds each w's real part twice (in the real and the
    /// imaginary position) and <paramref name="wIm"/> its imaginary part twice.
    /// </summary>
    static abstract TV Multiply(TV v, TV wRe, TV wIm);
}

/// <summary>One complex value in two doubles.</summary>
internal readonly unsafe struct ScalarComplexLanes : IComplexLanes<ScalarComplexLanes>
{
    private readonly double _re;
    private readonly double _im;

    private ScalarComplexLanes(double re, double im)
    {
        _re = re;
        _im = im;
    }

    public static int Count => 1;

    public static bool IsSupported => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarComplexLanes Load(double* source) => new(source[0], source[1]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(double* destination, ScalarComplexLanes value)
    {
        destination[0] = value._re;
        destination[1] = value._im;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarComplexLanes Add(ScalarComplexLanes a, ScalarComplexLanes b) => new(a._re + b._re, a._im + b._im);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarComplexLanes Subtract(ScalarComplexLanes a, ScalarComplexLanes b) => new(a._re - b._re, a._im - b._im);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarComplexLanes Multiply(ScalarComplexLanes v, ScalarComplexLanes wRe, ScalarComplexLanes wIm)
        => new((v._re * wRe._re) - (v._im * wIm._re), (v._im * wRe._re) + (v._re * wIm._re));
}

/// <summary>Two complex values per AVX register.</summary>
internal readonly unsafe struct Vector256ComplexLanes : IComplexLanes<Vector256<double>>
{
    public static int Count => 2;

    public static bool IsSupported => Vector256.IsHardwareAccelerated && Avx.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load(double* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(double* destination, Vector256<double> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Subtract(Vector256<double> a, Vector256<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Multiply(Vector256<double> v, Vector256<double> wRe, Vector256<double> wIm)
    {
        // (v_re·w_re, v_im·w_re) + (−v_im·w_im, v_re·w_im): the swapped v times w_im, its real lanes negated.
        Vector256<double> swapped = Avx.Permute(v, 0b0101);
        Vector256<double> cross = (swapped * wIm) ^ Vector256.Create(-0.0, 0.0, -0.0, 0.0);
        return (v * wRe) + cross;
    }
}

/// <summary>Four complex values per AVX-512 register.</summary>
internal readonly unsafe struct Vector512ComplexLanes : IComplexLanes<Vector512<double>>
{
    public static int Count => 4;

    public static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Load(double* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(double* destination, Vector512<double> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Subtract(Vector512<double> a, Vector512<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Multiply(Vector512<double> v, Vector512<double> wRe, Vector512<double> wIm)
    {
        Vector512<double> swapped = Avx512F.Permute2x64(v, 0b0101_0101);
        Vector512<double> cross = (swapped * wIm) ^ Vector512.Create(-0.0, 0.0, -0.0, 0.0, -0.0, 0.0, -0.0, 0.0);
        return (v * wRe) + cross;
    }
}
