using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Thestage.Proofs.Fields;

/// <summary>
/// Evaluates one base-field polynomial at many points by Horner's rule, several points per SIMD register: what a Ligero
/// verifier needs at its <c>t</c> queried columns, instead of encoding whole rows to the codeword length <c>n ≫ t</c>.
/// </summary>
/// <remarks>
/// For a polynomial of <c>d</c> coefficients at <c>t</c> points this costs <c>d·t</c> multiply-adds, spread over the lanes
/// (8 with AVX-512, 4 with AVX2), against <c>n·log2 n / 2</c> butterflies and an <c>n</c>-element buffer for a coset
/// transform (Horner's rule: Knuth, TAOCP vol. 2, §4.6.4). Four registers are advanced together so that the long latency of
/// a lane product is hidden; every width returns exactly the scalar loop's values
/// (<c>tests/Thestage.Proofs.Tests/Fields/HornerKernelsTests.cs</c>). A partial last group is padded with zero points, so no point
/// runs at one register's or the scalar loop's latency-bound pace.
/// </remarks>
internal static class HornerKernels
{
    /// <summary>Writes <c>values[i] = Σ_e coefficients[e]·points[i]^e</c>.</summary>
    /// <param name="coefficients">The coefficients, constant term first.</param>
    /// <param name="points">The points.</param>
    /// <param name="values">The values, as long as <paramref name="points"/>.</param>
    public static void Evaluate(ReadOnlySpan<Goldilocks> coefficients, ReadOnlySpan<Goldilocks> points, Span<Goldilocks> values)
    {
        if (values.Length != points.Length)
        {
            throw new ArgumentException("One value per point.", nameof(values));
        }

        int done = 0;
        if (Vector512GoldilocksLanes.IsSupported)
        {
            done = Evaluate<Vector512GoldilocksLanes, Vector512<ulong>>(coefficients, points, values);
        }
        else if (Vector256GoldilocksLanes.IsSupported)
        {
            done = Evaluate<Vector256GoldilocksLanes, Vector256<ulong>>(coefficients, points, values);
        }

        EvaluateScalar(coefficients, points, values, done);
    }

    /// <summary>The scalar definition, from point <paramref name="start"/> on.</summary>
    internal static void EvaluateScalar(ReadOnlySpan<Goldilocks> coefficients, ReadOnlySpan<Goldilocks> points, Span<Goldilocks> values, int start)
    {
        for (int i = start; i < points.Length; i++)
        {
            Goldilocks x = points[i], sum = Goldilocks.Zero;
            for (int e = coefficients.Length - 1; e >= 0; e--)
            {
                sum = (sum * x) + coefficients[e];
            }

            values[i] = sum;
        }
    }

    /// <summary>
    /// The lanes' loop, four registers of points at a time; the last, partial group is padded with zero points in a stack
    /// buffer, so every point runs in the four-register loop (a lone register or the scalar loop waits on each product's
    /// latency, which cost as much as the full groups at the verifier's 117 queries). Returns the number of points done (all).
    /// </summary>
    internal static int Evaluate<TL, TV>(ReadOnlySpan<Goldilocks> coefficients, ReadOnlySpan<Goldilocks> points, Span<Goldilocks> values)
        where TL : struct, IGoldilocksLanes<TV>
        where TV : struct
    {
        ReadOnlySpan<ulong> c = MemoryMarshal.Cast<Goldilocks, ulong>(coefficients);
        ReadOnlySpan<ulong> x = MemoryMarshal.Cast<Goldilocks, ulong>(points);
        Span<ulong> y = MemoryMarshal.Cast<Goldilocks, ulong>(values);
        int group = 4 * TL.Count, p = 0;
        for (; p + group <= x.Length; p += group)
        {
            EvaluateGroup<TL, TV>(c, x.Slice(p, group), y.Slice(p, group));
        }

        int rest = x.Length - p;
        if (rest > 0)
        {
            Span<ulong> padded = stackalloc ulong[2 * group];
            padded.Clear();
            x[p..].CopyTo(padded);
            EvaluateGroup<TL, TV>(c, padded[..group], padded[group..]);
            padded.Slice(group, rest).CopyTo(y[p..]);
        }

        return x.Length;
    }

    /// <summary>Horner's rule at the <c>4·lanes</c> points of <paramref name="x"/>, four registers advanced together.</summary>
    private static void EvaluateGroup<TL, TV>(ReadOnlySpan<ulong> c, ReadOnlySpan<ulong> x, Span<ulong> y)
        where TL : struct, IGoldilocksLanes<TV>
        where TV : struct
    {
        int lanes = TL.Count;
        TV x0 = TL.Load(in x[0]), x1 = TL.Load(in x[lanes]), x2 = TL.Load(in x[2 * lanes]), x3 = TL.Load(in x[3 * lanes]);
        TV s0 = TL.Create(0), s1 = s0, s2 = s0, s3 = s0;
        for (int e = c.Length - 1; e >= 0; e--)
        {
            TV coefficient = TL.Create(c[e]);
            s0 = TL.Add(TL.Multiply(s0, x0), coefficient);
            s1 = TL.Add(TL.Multiply(s1, x1), coefficient);
            s2 = TL.Add(TL.Multiply(s2, x2), coefficient);
            s3 = TL.Add(TL.Multiply(s3, x3), coefficient);
        }

        TL.Store(s0, ref y[0]);
        TL.Store(s1, ref y[lanes]);
        TL.Store(s2, ref y[2 * lanes]);
        TL.Store(s3, ref y[3 * lanes]);
    }
}
