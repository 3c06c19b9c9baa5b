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

    /// <summary>
    /// Writes <c>values[i] = Σ_e coefficients[e]·points[i]^e</c> for coefficients in <see cref="GoldilocksExt2"/> at base-field
    /// points: both components in one pass over the coefficients, with lazily reduced products (see remarks of
    /// <see cref="EvaluateExt2{TL, TV}"/>).
    /// </summary>
    /// <param name="coefficients">The coefficients, constant term first.</param>
    /// <param name="points">The points.</param>
    /// <param name="values">The values, as long as <paramref name="points"/>.</param>
    public static void EvaluateExt2(ReadOnlySpan<GoldilocksExt2> coefficients, ReadOnlySpan<Goldilocks> points, Span<GoldilocksExt2> values)
    {
        if (values.Length != points.Length)
        {
            throw new ArgumentException("One value per point.", nameof(values));
        }

        int done = 0;
        if (Vector512GoldilocksLanes.IsSupported)
        {
            done = EvaluateExt2<Vector512GoldilocksLanes, Vector512<ulong>>(coefficients, points, values);
        }
        else if (Vector256GoldilocksLanes.IsSupported)
        {
            done = EvaluateExt2<Vector256GoldilocksLanes, Vector256<ulong>>(coefficients, points, values);
        }

        EvaluateExt2Scalar(coefficients, points, values, done);
    }

    /// <summary>The scalar definition of <see cref="EvaluateExt2"/>, from point <paramref name="start"/> on.</summary>
    internal static void EvaluateExt2Scalar(ReadOnlySpan<GoldilocksExt2> coefficients, ReadOnlySpan<Goldilocks> points, Span<GoldilocksExt2> values, int start)
    {
        for (int i = start; i < points.Length; i++)
        {
            Goldilocks x = points[i], c0 = Goldilocks.Zero, c1 = Goldilocks.Zero;
            for (int e = coefficients.Length - 1; e >= 0; e--)
            {
                c0 = (c0 * x) + coefficients[e].C0;
                c1 = (c1 * x) + coefficients[e].C1;
            }

            values[i] = new GoldilocksExt2(c0, c1);
        }
    }

    /// <summary>
    /// The lanes' loop of <see cref="EvaluateExt2"/>: groups of two registers of points, each advancing both components (four
    /// independent products per coefficient, enough to cover a product's latency); a last partial group is padded with zero
    /// points to one or two registers. Returns the number of points done (all).
    /// </summary>
    /// <remarks>
    /// Each step is <see cref="IGoldilocksLanes{TV}.MultiplyAddLazy"/>, which leaves its word unreduced in <c>[0, 2^64)</c>
    /// (congruent to the canonical value); the product of any 64-bit word by a point is exact, so the accumulators are reduced
    /// below p once, after the last coefficient (<see cref="IGoldilocksLanes{TV}.Canonicalize"/>). That saves the final
    /// subtraction of p in every product and the canonical reduction of every sum: about a quarter of the instructions of a
    /// <c>Multiply</c> then <c>Add</c> step.
    /// </remarks>
    internal static int EvaluateExt2<TL, TV>(ReadOnlySpan<GoldilocksExt2> coefficients, ReadOnlySpan<Goldilocks> points, Span<GoldilocksExt2> values)
        where TL : struct, IGoldilocksLanes<TV>
        where TV : struct
    {
        ReadOnlySpan<ulong> c = MemoryMarshal.Cast<GoldilocksExt2, ulong>(coefficients);
        ReadOnlySpan<ulong> x = MemoryMarshal.Cast<Goldilocks, ulong>(points);
        Span<ulong> y = MemoryMarshal.Cast<GoldilocksExt2, ulong>(values);
        int group = 2 * TL.Count, p = 0;
        Span<ulong> scratch = stackalloc ulong[5 * group];
        Span<ulong> padded = scratch[..group];
        Span<ulong> results = scratch.Slice(group, 2 * group);
        Span<ulong> tail = scratch[(3 * group)..];
        for (; p + group <= x.Length; p += group)
        {
            EvaluateExt2Group<TL, TV>(c, x.Slice(p, group), results);
            Interleave(results, TL.Count, y.Slice(2 * p, 2 * group));
        }

        int rest = x.Length - p;
        if (rest > 0)
        {
            padded.Clear();
            x[p..].CopyTo(padded);
            if (rest <= TL.Count)
            {
                EvaluateExt2Register<TL, TV>(c, padded[..TL.Count], results);
            }
            else
            {
                EvaluateExt2Group<TL, TV>(c, padded, results);
            }

            Interleave(results, TL.Count, tail);
            tail[..(2 * rest)].CopyTo(y[(2 * p)..]);
        }

        return x.Length;
    }

    /// <summary>Horner's rule, both components, at the <c>2·lanes</c> points of <paramref name="x"/>: results in four registers' order (see <see cref="Interleave"/>).</summary>
    private static void EvaluateExt2Group<TL, TV>(ReadOnlySpan<ulong> c, ReadOnlySpan<ulong> x, Span<ulong> results)
        where TL : struct, IGoldilocksLanes<TV>
        where TV : struct
    {
        int lanes = TL.Count;
        TV x0 = TL.Load(in x[0]), x1 = TL.Load(in x[lanes]);
        TV h0 = HighHalves<TL, TV>(x[..lanes]), h1 = HighHalves<TL, TV>(x.Slice(lanes, lanes));
        TV a0 = TL.Create(0), a1 = a0, b0 = a0, b1 = a0;
        for (int e = (c.Length / 2) - 1; e >= 0; e--)
        {
            TV c0 = TL.Create(c[2 * e]), c1 = TL.Create(c[(2 * e) + 1]);
            a0 = TL.MultiplyAddLazy(a0, x0, h0, c0);
            b0 = TL.MultiplyAddLazy(b0, x0, h0, c1);
            a1 = TL.MultiplyAddLazy(a1, x1, h1, c0);
            b1 = TL.MultiplyAddLazy(b1, x1, h1, c1);
        }

        TL.Store(TL.Canonicalize(a0), ref results[0]);
        TL.Store(TL.Canonicalize(b0), ref results[lanes]);
        TL.Store(TL.Canonicalize(a1), ref results[2 * lanes]);
        TL.Store(TL.Canonicalize(b1), ref results[3 * lanes]);
    }

    /// <summary>As <see cref="EvaluateExt2Group{TL, TV}"/> for one register of points (the last partial group).</summary>
    private static void EvaluateExt2Register<TL, TV>(ReadOnlySpan<ulong> c, ReadOnlySpan<ulong> x, Span<ulong> results)
        where TL : struct, IGoldilocksLanes<TV>
        where TV : struct
    {
        int lanes = TL.Count;
        TV x0 = TL.Load(in x[0]), h0 = HighHalves<TL, TV>(x[..lanes]);
        TV a0 = TL.Create(0), b0 = a0;
        for (int e = (c.Length / 2) - 1; e >= 0; e--)
        {
            a0 = TL.MultiplyAddLazy(a0, x0, h0, TL.Create(c[2 * e]));
            b0 = TL.MultiplyAddLazy(b0, x0, h0, TL.Create(c[(2 * e) + 1]));
        }

        TL.Store(TL.Canonicalize(a0), ref results[0]);
        TL.Store(TL.Canonicalize(b0), ref results[lanes]);
    }

    /// <summary>The register of <c>x ≫ 32</c> for one register of points.</summary>
    private static TV HighHalves<TL, TV>(ReadOnlySpan<ulong> x)
        where TL : struct, IGoldilocksLanes<TV>
        where TV : struct
    {
        Span<ulong> high = stackalloc ulong[TL.Count];
        for (int i = 0; i < high.Length; i++)
        {
            high[i] = x[i] >> 32;
        }

        return TL.Load(in high[0]);
    }

    /// <summary>
    /// Writes the extension values (constant component first) of the registers <c>(c0 of points 0…L−1, c1 of points 0…L−1,
    /// c0 of points L…2L−1, c1 of points L…2L−1)</c> in <paramref name="results"/> to <paramref name="values"/>, point by point.
    /// </summary>
    private static void Interleave(ReadOnlySpan<ulong> results, int lanes, Span<ulong> values)
    {
        for (int i = 0; i < values.Length / 2; i++)
        {
            int register = i / lanes, lane = i % lanes;
            values[2 * i] = results[(2 * register * lanes) + lane];
            values[(2 * i) + 1] = results[(((2 * register) + 1) * lanes) + lane];
        }
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

    /// <summary>
    /// Horner's rule at the <c>4·lanes</c> points of <paramref name="x"/>, four registers advanced together, each step reduced
    /// lazily (see <see cref="EvaluateExt2{TL, TV}"/>).
    /// </summary>
    private static void EvaluateGroup<TL, TV>(ReadOnlySpan<ulong> c, ReadOnlySpan<ulong> x, Span<ulong> y)
        where TL : struct, IGoldilocksLanes<TV>
        where TV : struct
    {
        int lanes = TL.Count;
        TV x0 = TL.Load(in x[0]), x1 = TL.Load(in x[lanes]), x2 = TL.Load(in x[2 * lanes]), x3 = TL.Load(in x[3 * lanes]);
        TV h0 = HighHalves<TL, TV>(x[..lanes]), h1 = HighHalves<TL, TV>(x.Slice(lanes, lanes));
        TV h2 = HighHalves<TL, TV>(x.Slice(2 * lanes, lanes)), h3 = HighHalves<TL, TV>(x.Slice(3 * lanes, lanes));
        TV s0 = TL.Create(0), s1 = s0, s2 = s0, s3 = s0;
        for (int e = c.Length - 1; e >= 0; e--)
        {
            TV coefficient = TL.Create(c[e]);
            s0 = TL.MultiplyAddLazy(s0, x0, h0, coefficient);
            s1 = TL.MultiplyAddLazy(s1, x1, h1, coefficient);
            s2 = TL.MultiplyAddLazy(s2, x2, h2, coefficient);
            s3 = TL.MultiplyAddLazy(s3, x3, h3, coefficient);
        }

        TL.Store(TL.Canonicalize(s0), ref y[0]);
        TL.Store(TL.Canonicalize(s1), ref y[lanes]);
        TL.Store(TL.Canonicalize(s2), ref y[2 * lanes]);
        TL.Store(TL.Canonicalize(s3), ref y[3 * lanes]);
    }
}
