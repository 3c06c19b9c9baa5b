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
/// (<c>tests/Thestage.Proofs.Tests/Fields/HornerKernelsTests.cs</c>).
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

    /// <summary>The lanes' loop over whole registers of points; returns the number of points done.</summary>
    internal static int Evaluate<TL, TV>(ReadOnlySpan<Goldilocks> coefficients, ReadOnlySpan<Goldilocks> points, Span<Goldilocks> values)
        where TL : struct, IGoldilocksLanes<TV>
        where TV : struct
    {
        ReadOnlySpan<ulong> c = MemoryMarshal.Cast<Goldilocks, ulong>(coefficients);
        ReadOnlySpan<ulong> x = MemoryMarshal.Cast<Goldilocks, ulong>(points);
        Span<ulong> y = MemoryMarshal.Cast<Goldilocks, ulong>(values);
        int lanes = TL.Count, p = 0;
        for (; p + (4 * lanes) <= x.Length; p += 4 * lanes)
        {
            TV x0 = TL.Load(in x[p]), x1 = TL.Load(in x[p + lanes]), x2 = TL.Load(in x[p + (2 * lanes)]), x3 = TL.Load(in x[p + (3 * lanes)]);
            TV s0 = TL.Create(0), s1 = s0, s2 = s0, s3 = s0;
            for (int e = c.Length - 1; e >= 0; e--)
            {
                TV coefficient = TL.Create(c[e]);
                s0 = TL.Add(TL.Multiply(s0, x0), coefficient);
                s1 = TL.Add(TL.Multiply(s1, x1), coefficient);
                s2 = TL.Add(TL.Multiply(s2, x2), coefficient);
                s3 = TL.Add(TL.Multiply(s3, x3), coefficient);
            }

            TL.Store(s0, ref y[p]);
            TL.Store(s1, ref y[p + lanes]);
            TL.Store(s2, ref y[p + (2 * lanes)]);
            TL.Store(s3, ref y[p + (3 * lanes)]);
        }

        for (; p + lanes <= x.Length; p += lanes)
        {
            TV point = TL.Load(in x[p]);
            TV sum = TL.Create(0);
            for (int e = c.Length - 1; e >= 0; e--)
            {
                sum = TL.Add(TL.Multiply(sum, point), TL.Create(c[e]));
            }

            TL.Store(sum, ref y[p]);
        }

        return p;
    }
}
