using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Thestage.Proofs.Fields;

/// <summary>
/// Radix-2 number-theoretic transforms over <see cref="Goldilocks"/> (sizes <c>2^0 … 2^32</c>) and
/// the coset low-degree extension used for Reed–Solomon encoding.
/// </summary>
/// <remarks>
/// <para>
/// Iterative Cooley–Tukey decimation in time after a bit-reversal permutation (Cooley and Tukey,
/// "An algorithm for the machine calculation of complex Fourier series", 1965), with the primitive
/// root <see cref="Goldilocks.RootOfUnity"/>. The forward transform maps coefficients
/// <c>c_0 … c_(n−1)</c> to evaluations <c>Σ_j c_j ω^(ij)</c> at <c>ω^0 … ω^(n−1)</c>, both in natural order.
/// Reed–Solomon encoding by low-degree extension on a coset follows Ligero (Ames et al., CCS 2017, §4).
/// </para>
/// <para>
/// Twiddles come from one table shared by all sizes (entry <c>h + j</c> holds <c>ω_(2h)^j</c>, so the butterflies of a
/// stage read them contiguously), grown on demand up to <c>2^22</c> entries and computed per call beyond. Stages whose
/// butterflies are at least a register apart run at the widest SIMD width (<see cref="IGoldilocksLanes{TV}"/>; exact field
/// arithmetic, so the same words as the scalar butterflies). The low-degree extension skips the work on the zero
/// padding: after the bit reversal of a message of length <c>k</c> padded to <c>n = B·k</c>, the first <c>log B</c> stages
/// only copy each coefficient into its block of <c>B</c>, so the coefficients are spread directly and those stages skipped;
/// the coset shift and <c>1/k</c> are one multiplication by a cached table <c>s^i / k</c>.
/// </para>
/// </remarks>
public static class GoldilocksNtt
{
    private const int MaxCachedLog = 22;

    private static Goldilocks[] s_forward = [];
    private static Goldilocks[] s_inverse = [];
    private static readonly Goldilocks[]?[] CosetScales = new Goldilocks[]?[Goldilocks.TwoAdicity + 1];

    /// <summary>Gets the coset shift used by <see cref="CosetLowDegreeExtension"/> (the multiplicative generator 7).</summary>
    public static Goldilocks CosetShift => Goldilocks.MultiplicativeGenerator;

    /// <summary>Transforms coefficients into evaluations over the subgroup of order <c>values.Length</c>, in place.</summary>
    /// <param name="values">A power-of-two number (at most <c>2^32</c>) of coefficients, replaced by evaluations.</param>
    /// <exception cref="ArgumentException">The length is not a power of two.</exception>
    public static void Forward(Span<Goldilocks> values)
    {
        RequirePowerOfTwo(values.Length, nameof(values));
        BitReversePermute(values);
        Stages(values, 1, inverse: false);
    }

    /// <summary>Transforms evaluations over the subgroup of order <c>values.Length</c> back into coefficients, in place.</summary>
    /// <param name="values">A power-of-two number of evaluations, replaced by coefficients.</param>
    /// <exception cref="ArgumentException">The length is not a power of two.</exception>
    public static void Inverse(Span<Goldilocks> values)
    {
        RequirePowerOfTwo(values.Length, nameof(values));
        BitReversePermute(values);
        Stages(values, 1, inverse: true);
        Goldilocks scale = Goldilocks.Invert(new Goldilocks((ulong)values.Length));
        for (int i = 0; i < values.Length; i++)
        {
            values[i] *= scale;
        }
    }

    /// <summary>
    /// Given the evaluations of a polynomial <c>P</c> of degree <c>&lt; k</c> on the subgroup <c>H_k</c>,
    /// writes the evaluations of <c>P</c> on the coset <c>CosetShift · H_n</c> (a Reed–Solomon codeword
    /// of rate <c>k/n</c>).
    /// </summary>
    /// <param name="evaluations">The <c>k</c> evaluations on <c>H_k</c> (a power of two).</param>
    /// <param name="destination">The <c>n</c> outputs; <c>n</c> a power of two, <c>n ≥ k</c>.</param>
    /// <exception cref="ArgumentException">The lengths are not powers of two or <c>n &lt; k</c>.</exception>
    public static void CosetLowDegreeExtension(ReadOnlySpan<Goldilocks> evaluations, Span<Goldilocks> destination)
    {
        int k = evaluations.Length;
        int n = destination.Length;
        RequirePowerOfTwo(k, nameof(evaluations));
        RequirePowerOfTwo(n, nameof(destination));
        if (n < k)
        {
            throw new ArgumentException("The codeword must be at least as long as the message.", nameof(destination));
        }

        Goldilocks[] rented = ArrayPool<Goldilocks>.Shared.Rent(k);
        try
        {
            // Coefficients of P, then of P(s·x)/… scaled: c_i · s^i (the 1/k of the inverse transform folded into the table).
            Span<Goldilocks> coefficients = rented.AsSpan(0, k);
            evaluations.CopyTo(coefficients);
            BitReversePermute(coefficients);
            Stages(coefficients, 1, inverse: true);
            Multiply(coefficients, CosetScale(k));

            SpreadAndTransform(coefficients, destination);
        }
        finally
        {
            ArrayPool<Goldilocks>.Shared.Return(rented, clearArray: true);
        }
    }

    /// <summary>
    /// Evaluates the polynomial with the given coefficients on the coset <c>CosetShift · H_n</c>, in natural order
    /// (position <c>j</c> holds <c>P(s·ω_n^j)</c>, the same positions as <see cref="CosetLowDegreeExtension"/>).
    /// </summary>
    /// <param name="coefficients">At most <c>n</c> coefficients, constant term first.</param>
    /// <param name="destination">The <c>n</c> outputs; <c>n</c> a power of two.</param>
    /// <remarks>
    /// <c>P(s·ω^j) = Σ_i (c_i s^i) ω^(ij)</c>: the scaled coefficients, zero-padded to the power of two <c>m ≥ c.Length</c>, are
    /// spread over blocks of <c>n/m</c> and transformed from the stage of half-length <c>n/m</c>, as
    /// <see cref="CosetLowDegreeExtension"/> does (the first <c>log(n/m)</c> stages would only copy).
    /// </remarks>
    internal static void CosetEvaluate(ReadOnlySpan<Goldilocks> coefficients, Span<Goldilocks> destination)
    {
        RequirePowerOfTwo(destination.Length, nameof(destination));
        if (coefficients.Length > destination.Length)
        {
            throw new ArgumentException("A polynomial of degree at least n cannot be evaluated by an n-point transform.", nameof(coefficients));
        }

        int m = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, coefficients.Length));
        Goldilocks[] rented = ArrayPool<Goldilocks>.Shared.Rent(m);
        try
        {
            Span<Goldilocks> scaled = rented.AsSpan(0, m);
            Goldilocks power = Goldilocks.One;
            for (int i = 0; i < coefficients.Length; i++)
            {
                scaled[i] = coefficients[i] * power;
                power *= CosetShift;
            }

            scaled[coefficients.Length..].Clear();
            SpreadAndTransform(scaled, destination);
        }
        finally
        {
            ArrayPool<Goldilocks>.Shared.Return(rented, clearArray: true);
        }
    }

    /// <summary>
    /// The forward transform of <paramref name="coefficients"/> (length <c>m</c>, a power of two) zero-padded to the length
    /// <c>n</c> of <paramref name="destination"/>: after the bit reversal of the padded vector, block <c>b</c> of <c>n/m</c>
    /// entries holds <c>c_rev(b)</c> alone and the first <c>log(n/m)</c> stages copy it over its block, so the coefficients
    /// are spread directly and those stages skipped.
    /// </summary>
    private static void SpreadAndTransform(ReadOnlySpan<Goldilocks> coefficients, Span<Goldilocks> destination)
    {
        int k = coefficients.Length;
        int blowup = destination.Length / k;
        int shift = 32 - BitOperations.Log2((uint)k);
        for (int m = 0; m < k; m++)
        {
            destination.Slice(m * blowup, blowup).Fill(coefficients[k == 1 ? 0 : (int)(ReverseBits((uint)m) >> shift)]);
        }

        Stages(destination, blowup, inverse: false);
    }

    /// <summary>The butterfly stages of half-length <paramref name="firstHalf"/>, 2·firstHalf, …, n/2 on bit-reversed input.</summary>
    private static void Stages(Span<Goldilocks> values, int firstHalf, bool inverse)
    {
        int n = values.Length;
        if (firstHalf >= n)
        {
            return;
        }

        Goldilocks[]? perStage = null;
        ReadOnlySpan<Goldilocks> table = n <= 1 << MaxCachedLog ? Twiddles(n, inverse) : default;
        try
        {
            for (int half = firstHalf; half < n; half <<= 1)
            {
                ReadOnlySpan<Goldilocks> twiddles;
                if (table.IsEmpty)
                {
                    // Beyond the shared table: this stage's twiddles only (n/2 at most, as many as one stage has butterflies).
                    perStage ??= ArrayPool<Goldilocks>.Shared.Rent(n / 2);
                    FillTwiddles(perStage.AsSpan(0, half), half, inverse);
                    twiddles = perStage.AsSpan(0, half);
                }
                else
                {
                    twiddles = table.Slice(half, half);
                }

                Stage(values, twiddles, half);
            }
        }
        finally
        {
            if (perStage is not null)
            {
                ArrayPool<Goldilocks>.Shared.Return(perStage);
            }
        }
    }

    /// <summary>One stage at the widest width whose register the butterfly gap fills.</summary>
    private static void Stage(Span<Goldilocks> values, ReadOnlySpan<Goldilocks> twiddles, int half)
    {
        if (Vector512GoldilocksLanes.IsSupported && half >= Vector512GoldilocksLanes.Count)
        {
            Stage<Vector512GoldilocksLanes, Vector512<ulong>>(MemoryMarshal.Cast<Goldilocks, ulong>(values), MemoryMarshal.Cast<Goldilocks, ulong>(twiddles), half);
        }
        else if (Vector256GoldilocksLanes.IsSupported && half >= Vector256GoldilocksLanes.Count)
        {
            Stage<Vector256GoldilocksLanes, Vector256<ulong>>(MemoryMarshal.Cast<Goldilocks, ulong>(values), MemoryMarshal.Cast<Goldilocks, ulong>(twiddles), half);
        }
        else
        {
            StageScalar(values, twiddles, half);
        }
    }

    /// <summary>One stage of butterflies <c>(u, v) → (u + ω^j v, u − ω^j v)</c>, <paramref name="half"/> a multiple of the width.</summary>
    internal static void Stage<TLanes, TV>(Span<ulong> values, ReadOnlySpan<ulong> twiddles, int half)
        where TLanes : struct, IGoldilocksLanes<TV>
        where TV : struct
    {
        ref ulong v = ref MemoryMarshal.GetReference(values);
        ref ulong w = ref MemoryMarshal.GetReference(twiddles);
        for (int start = 0; start < values.Length; start += 2 * half)
        {
            ref ulong low = ref Unsafe.Add(ref v, start);
            ref ulong high = ref Unsafe.Add(ref v, start + half);
            for (int j = 0; j < half; j += TLanes.Count)
            {
                TV u = TLanes.Load(in Unsafe.Add(ref low, j));
                TV t = TLanes.Multiply(TLanes.Load(in Unsafe.Add(ref high, j)), TLanes.Load(in Unsafe.Add(ref w, j)));
                TLanes.Store(TLanes.Add(u, t), ref Unsafe.Add(ref low, j));
                TLanes.Store(TLanes.Subtract(u, t), ref Unsafe.Add(ref high, j));
            }
        }
    }

    /// <summary>One stage, one butterfly at a time (the definition).</summary>
    internal static void StageScalar(Span<Goldilocks> values, ReadOnlySpan<Goldilocks> twiddles, int half)
    {
        for (int start = 0; start < values.Length; start += 2 * half)
        {
            for (int j = 0; j < half; j++)
            {
                Goldilocks t = values[start + half + j] * twiddles[j];
                Goldilocks u = values[start + j];
                values[start + j] = u + t;
                values[start + half + j] = u - t;
            }
        }
    }

    /// <summary>Twiddles for every stage up to size <paramref name="n"/> (at most <c>2^MaxCachedLog</c>): entry <c>h + j</c> is <c>ω_(2h)^j</c> (or its inverse).</summary>
    private static Goldilocks[] Twiddles(int n, bool inverse)
    {
        Goldilocks[] table = inverse ? Volatile.Read(ref s_inverse) : Volatile.Read(ref s_forward);
        if (table.Length >= n)
        {
            return table;
        }

        lock (CosetScales)
        {
            table = inverse ? s_inverse : s_forward;
            if (table.Length < n)
            {
                table = new Goldilocks[Math.Max(n, 1 << 12)];
                for (int half = 1; half < table.Length; half <<= 1)
                {
                    FillTwiddles(table.AsSpan(half, half), half, inverse);
                }

                if (inverse)
                {
                    Volatile.Write(ref s_inverse, table);
                }
                else
                {
                    Volatile.Write(ref s_forward, table);
                }
            }

            return table;
        }
    }

    /// <summary>Writes <c>ω_(2h)^j</c> (or its inverse) for <c>j &lt; h</c>.</summary>
    private static void FillTwiddles(Span<Goldilocks> destination, int half, bool inverse)
    {
        Goldilocks root = Goldilocks.RootOfUnity(BitOperations.Log2((uint)half) + 1);
        if (inverse)
        {
            root = Goldilocks.Invert(root);
        }

        Goldilocks power = Goldilocks.One;
        for (int j = 0; j < half; j++)
        {
            destination[j] = power;
            power *= root;
        }
    }

    /// <summary>The table <c>s^i / k</c>, <c>i &lt; k</c>, for the coset shift <c>s</c>.</summary>
    private static Goldilocks[] CosetScale(int k)
    {
        int log = BitOperations.Log2((uint)k);
        Goldilocks[]? table = Volatile.Read(ref CosetScales[log]);
        if (table is not null)
        {
            return table;
        }

        table = new Goldilocks[k];
        Goldilocks power = Goldilocks.Invert(new Goldilocks((ulong)k));
        for (int i = 0; i < k; i++)
        {
            table[i] = power;
            power *= CosetShift;
        }

        if (log <= MaxCachedLog)
        {
            Volatile.Write(ref CosetScales[log], table);
        }

        return table;
    }

    /// <summary><c>values[i] *= factors[i]</c>.</summary>
    private static void Multiply(Span<Goldilocks> values, ReadOnlySpan<Goldilocks> factors)
    {
        Span<ulong> v = MemoryMarshal.Cast<Goldilocks, ulong>(values);
        ReadOnlySpan<ulong> f = MemoryMarshal.Cast<Goldilocks, ulong>(factors);
        int i = 0;
        if (Vector512GoldilocksLanes.IsSupported)
        {
            for (; i + 8 <= v.Length; i += 8)
            {
                Vector512GoldilocksLanes.Store(Vector512GoldilocksLanes.Multiply(Vector512GoldilocksLanes.Load(in v[i]), Vector512GoldilocksLanes.Load(in f[i])), ref v[i]);
            }
        }
        else if (Vector256GoldilocksLanes.IsSupported)
        {
            for (; i + 4 <= v.Length; i += 4)
            {
                Vector256GoldilocksLanes.Store(Vector256GoldilocksLanes.Multiply(Vector256GoldilocksLanes.Load(in v[i]), Vector256GoldilocksLanes.Load(in f[i])), ref v[i]);
            }
        }

        for (; i < values.Length; i++)
        {
            values[i] *= factors[i];
        }
    }

    private static void BitReversePermute(Span<Goldilocks> values)
    {
        if (values.Length <= 2)
        {
            return;
        }

        int shift = 32 - BitOperations.Log2((uint)values.Length);
        for (uint i = 0; i < (uint)values.Length; i++)
        {
            uint j = ReverseBits(i) >> shift;
            if (i < j)
            {
                (values[(int)i], values[(int)j]) = (values[(int)j], values[(int)i]);
            }
        }
    }

    private static uint ReverseBits(uint x)
    {
        x = ((x >> 1) & 0x5555_5555u) | ((x & 0x5555_5555u) << 1);
        x = ((x >> 2) & 0x3333_3333u) | ((x & 0x3333_3333u) << 2);
        x = ((x >> 4) & 0x0F0F_0F0Fu) | ((x & 0x0F0F_0F0Fu) << 4);
        x = ((x >> 8) & 0x00FF_00FFu) | ((x & 0x00FF_00FFu) << 8);
        return (x >> 16) | (x << 16);
    }

    private static void RequirePowerOfTwo(int length, string paramName)
    {
        if (length <= 0 || !BitOperations.IsPow2(length))
        {
            throw new ArgumentException("The length must be a positive power of two.", paramName);
        }
    }
}
