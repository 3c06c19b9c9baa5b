using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Rings;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Ckks;

/// <summary>
/// Encodes real or complex vectors of up to N/2 values into CKKS plaintexts at a scale Δ, and decodes them
/// (SEAL <c>CKKSEncoder</c>): m(X) = round(Δ·τ⁻¹(z)), where τ is the canonical embedding, then RNS and NTT.
/// </summary>
/// <remarks>
/// Slot k holds m(ζ^(3^k)), ζ = e^(iπ/N), SEAL's order (see <see cref="SpecialFft"/>); fewer than N/2 values are padded with
/// zeros. Encoding needs |Δ·coefficient| &lt; Q_ℓ/2 at the chosen level; coefficients of 63 bits or more are
/// reduced exactly through their binary exponent. Thread-safe.
/// </remarks>
public sealed class CkksEncoder
{
    private readonly CkksContext _context;
    private readonly SpecialFft _fft;

    /// <summary>Creates an encoder for <paramref name="context"/>.</summary>
    /// <param name="context">The context.</param>
    public CkksEncoder(CkksContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _fft = new SpecialFft(context.N);
    }

    /// <summary>The number of slots, N/2.</summary>
    public int SlotCount => _context.SlotCount;

    /// <summary>Encodes real values at the top data level.</summary>
    /// <param name="values">At most <see cref="SlotCount"/> values.</param>
    /// <param name="scale">The scale Δ.</param>
    /// <exception cref="ArgumentException">Too many values, or values too large for the modulus at that scale.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The scale is below 1 or too large for the modulus.</exception>
    public Plaintext Encode(ReadOnlySpan<double> values, double scale) => Encode(values, scale, _context.MaxLevel);

    /// <summary>Encodes real values at data level <paramref name="level"/>.</summary>
    /// <param name="values">At most <see cref="SlotCount"/> values.</param>
    /// <param name="scale">The scale Δ.</param>
    /// <param name="level">The data level of the plaintext.</param>
    /// <exception cref="ArgumentException">Too many values, or values too large for the modulus at that scale.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The scale or level is out of range.</exception>
    public Plaintext Encode(ReadOnlySpan<double> values, double scale, int level)
    {
        CheckCount(values.Length);
        using var slots = PooledArray<Complex>.Rent(SlotCount, sensitive: true);
        Span<Complex> z = slots.Span;
        z.Clear();
        for (int i = 0; i < values.Length; i++)
        {
            z[i] = new Complex(values[i], 0);
        }

        return EncodeSlots(z, scale, level);
    }

    /// <summary>Encodes complex values at the top data level.</summary>
    /// <param name="values">At most <see cref="SlotCount"/> values.</param>
    /// <param name="scale">The scale Δ.</param>
    public Plaintext Encode(ReadOnlySpan<Complex> values, double scale) => Encode(values, scale, _context.MaxLevel);

    /// <summary>Encodes complex values at data level <paramref name="level"/>.</summary>
    /// <param name="values">At most <see cref="SlotCount"/> values.</param>
    /// <param name="scale">The scale Δ.</param>
    /// <param name="level">The data level of the plaintext.</param>
    public Plaintext Encode(ReadOnlySpan<Complex> values, double scale, int level)
    {
        CheckCount(values.Length);
        using var slots = PooledArray<Complex>.Rent(SlotCount, sensitive: true);
        Span<Complex> z = slots.Span;
        z.Clear();
        values.CopyTo(z);
        return EncodeSlots(z, scale, level);
    }

    /// <summary>Encodes <paramref name="value"/> into every slot at the top data level (a constant polynomial).</summary>
    /// <param name="value">The value.</param>
    /// <param name="scale">The scale Δ.</param>
    public Plaintext Encode(double value, double scale) => Encode(value, scale, _context.MaxLevel);

    /// <summary>Encodes <paramref name="value"/> into every slot at data level <paramref name="level"/>.</summary>
    /// <param name="value">The value.</param>
    /// <param name="scale">The scale Δ.</param>
    /// <param name="level">The data level of the plaintext.</param>
    public Plaintext Encode(double value, double scale, int level)
    {
        CheckScale(scale, level);
        if (!double.IsFinite(value))
        {
            throw new ArgumentException("The value must be finite.", nameof(value));
        }

        double c = Math.Round(value * scale);
        CheckMagnitude(Math.Abs(c), level);
        var result = new Plaintext(_context, level, scale);
        int n = _context.N;
        for (int i = 0; i <= level; i++)
        {
            // A constant polynomial is the same constant at every NTT point.
            result.Limb(i).Fill(ReduceRounded(c, _context.KeyModuli[i]));
        }

        return result;
    }

    /// <summary>Decodes the real parts of all <see cref="SlotCount"/> slots.</summary>
    /// <param name="plaintext">A plaintext of this context.</param>
    /// <exception cref="ArgumentException">The plaintext belongs to another context, or its scale is outside [1, 2^b) for the b-bit modulus of its level.</exception>
    public double[] Decode(Plaintext plaintext)
    {
        var result = new double[SlotCount];
        Decode(plaintext, result);
        return result;
    }

    /// <summary>Decodes the real parts of the first <c>destination.Length</c> slots.</summary>
    /// <param name="plaintext">A plaintext of this context.</param>
    /// <param name="destination">At most <see cref="SlotCount"/> values.</param>
    /// <exception cref="ArgumentException">The plaintext belongs to another context, or its scale is outside [1, 2^b) for the b-bit modulus of its level.</exception>
    public void Decode(Plaintext plaintext, Span<double> destination)
    {
        CheckCount(destination.Length);
        using var slots = PooledArray<Complex>.Rent(SlotCount, sensitive: true);
        Span<Complex> z = slots.Span;
        DecodeSlots(plaintext, z);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = z[i].Real;
        }
    }

    /// <summary>Decodes all <see cref="SlotCount"/> slots as complex values.</summary>
    /// <param name="plaintext">A plaintext of this context.</param>
    /// <exception cref="ArgumentException">The plaintext belongs to another context, or its scale is outside [1, 2^b) for the b-bit modulus of its level.</exception>
    public Complex[] DecodeComplex(Plaintext plaintext)
    {
        var result = new Complex[SlotCount];
        DecodeSlots(plaintext, result);
        return result;
    }

    private Plaintext EncodeSlots(Span<Complex> z, double scale, int level)
    {
        CheckScale(scale, level);
        int n = _context.N, half = n / 2;
        foreach (Complex v in z)
        {
            if (!double.IsFinite(v.Real) || !double.IsFinite(v.Imaginary))
            {
                throw new ArgumentException("Values must be finite.");
            }
        }

        _fft.Inverse(z);
        using var coefficients = PooledArray<double>.Rent(n, sensitive: true);
        double[] coeffs = coefficients.Array;
        double max = 0;
        for (int j = 0; j < half; j++)
        {
            coeffs[j] = Math.Round(z[j].Real * scale);
            coeffs[j + half] = Math.Round(z[j].Imaginary * scale);
            max = Math.Max(max, Math.Max(Math.Abs(coeffs[j]), Math.Abs(coeffs[j + half])));
        }

        CheckMagnitude(max, level);
        var result = new Plaintext(_context, level, scale, GC.AllocateUninitializedArray<ulong>((level + 1) * n));
        bool small = max < 9.2e18;
        if (small)
        {
            // Below 2^63: every coefficient converts exactly to a long (in place), reduced per prime by one vectorised pass.
            Span<long> signed = MemoryMarshal.Cast<double, long>(coeffs.AsSpan(0, n));
            for (int j = 0; j < n; j++)
            {
                signed[j] = (long)coeffs[j];
            }
        }

        Parallelism.For(level + 1, n, i =>
        {
            Modulus q = _context.KeyModuli[i];
            Span<ulong> limb = result.Limb(i);
            if (small)
            {
                Elementwise.Unary(MemoryMarshal.Cast<double, ulong>(coeffs.AsSpan(0, n)), limb, new SignedReduceOperator(q));
            }
            else
            {
                for (int j = 0; j < n; j++)
                {
                    limb[j] = ReduceRounded(coeffs[j], q);
                }
            }

            _context.Ntt[i].Forward(limb);
        });
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)] // its own optimized root: see NttKernels
    private void DecodeSlots(Plaintext plaintext, Span<Complex> z)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        if (!ReferenceEquals(plaintext.Context, _context))
        {
            throw new ArgumentException("The plaintext belongs to another context than this encoder's.", nameof(plaintext));
        }

        string? scaleError = _context.FindScaleError(plaintext.Scale, plaintext.Level);
        if (scaleError is not null)
        {
            throw new ArgumentException(scaleError, nameof(plaintext));
        }

        int n = _context.N, half = n / 2, limbs = plaintext.Level + 1;
        // c₀ + c₁·s in coefficient form when the plaintext is a decryption: with the ciphertext, it gives s.
        using var coefficients = PooledArray<ulong>.Rent(limbs * n, sensitive: true);
        ulong[] coeff = coefficients.Array;
        plaintext.Data.AsSpan(0, limbs * n).CopyTo(coeff);
        Parallelism.For(limbs, n, i => _context.Ntt[i].Inverse(coeff.AsSpan(i * n, n)));
        RnsBase crt = _context.GetLevel(plaintext.Level).Crt;
        using var digits = PooledArray<ulong>.Rent(limbs * n, sensitive: true);
        using var composed = PooledArray<double>.Rent(2 * n, sensitive: true);
        Span<double> values = composed.Span[..n];
        crt.ComposeCentered(coeff.AsSpan(0, limbs * n), values, digits.Span, composed.Span[n..]);
        double inv = 1.0 / plaintext.Scale;
        for (int j = 0; j < half; j++)
        {
            z[j] = new Complex(values[j] * inv, values[j + half] * inv);
        }

        _fft.Forward(z);
    }

    // c is an integer-valued double; reduce it exactly: |c| = mantissa·2^exponent.
    private static ulong ReduceRounded(double c, in Modulus q)
    {
        if (Math.Abs(c) < 9.2e18)
        {
            return ModArith.FromSigned((long)c, q);
        }

        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(c));
        int exponent = (int)((bits >> 52) & 0x7FF) - 1075;
        ulong mantissa = (ulong)(bits & 0xFFFFFFFFFFFFFL) | (1UL << 52);
        ulong r = ModArith.Multiply(q.Reduce(mantissa), ModArith.Pow(2, (ulong)exponent, q), q);
        return c < 0 ? ModArith.Negate(r, q.Value) : r;
    }

    private void CheckCount(int count)
    {
        if (count > SlotCount)
        {
            throw new ArgumentException($"At most {SlotCount} values fit the slots of N = {_context.N}; got {count}.");
        }
    }

    private void CheckScale(double scale, int level)
    {
        _context.ValidateLevel(level);
        if (!(scale >= 1) || !double.IsFinite(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be at least 1 and finite: below 1, rounding to integer coefficients loses the values, and decoding can overflow.");
        }

        int bits = _context.GetCoeffModulusBitCount(level);
        if (Math.Log2(scale) + 1 >= bits)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"The scale 2^{Math.Log2(scale):F1} does not fit the {bits}-bit coefficient modulus at level {level}.");
        }
    }

    private void CheckMagnitude(double maxCoefficient, int level)
    {
        int bits = _context.GetCoeffModulusBitCount(level);
        if (maxCoefficient > 0 && Math.Log2(maxCoefficient) + 1 >= bits)
        {
            throw new ArgumentException($"The encoded coefficients reach 2^{Math.Log2(maxCoefficient):F1}, too large for the {bits}-bit coefficient modulus at level {level}: reduce the scale or the values.");
        }
    }
}
