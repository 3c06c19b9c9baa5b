using System.Buffers;
using System.Numerics;

namespace Thestage.Proofs.Fields;

/// <summary>
/// Radix-2 number-theoretic transforms over <see cref="Goldilocks"/> (sizes <c>2^0 … 2^32</c>) and
/// the coset low-degree extension used for Reed–Solomon encoding.
/// </summary>
/// <remarks>
/// Iterative Cooley–Tukey decimation in time after a bit-reversal permutation (Cooley and Tukey,
/// "An algorithm for the machine calculation of complex Fourier series", 1965), with the primitive
/// root <see cref="Goldilocks.RootOfUnity"/>. The forward transform maps coefficients
/// <c>c_0 … c_(n−1)</c> to evaluations <c>Σ_j c_j ω^(ij)</c> at <c>ω^0 … ω^(n−1)</c>, both in natural order.
/// Reed–Solomon encoding by low-degree extension on a coset follows Ligero (Ames et al., CCS 2017, §4).
/// </remarks>
public static class GoldilocksNtt
{
    /// <summary>Gets the coset shift used by <see cref="CosetLowDegreeExtension"/> (the multiplicative generator 7).</summary>
    public static Goldilocks CosetShift => Goldilocks.MultiplicativeGenerator;

    /// <summary>Transforms coefficients into evaluations over the subgroup of order <c>values.Length</c>, in place.</summary>
    /// <param name="values">A power-of-two number (at most <c>2^32</c>) of coefficients, replaced by evaluations.</param>
    /// <exception cref="ArgumentException">The length is not a power of two.</exception>
    public static void Forward(Span<Goldilocks> values) => Transform(values, inverse: false);

    /// <summary>Transforms evaluations over the subgroup of order <c>values.Length</c> back into coefficients, in place.</summary>
    /// <param name="values">A power-of-two number of evaluations, replaced by coefficients.</param>
    /// <exception cref="ArgumentException">The length is not a power of two.</exception>
    public static void Inverse(Span<Goldilocks> values)
    {
        Transform(values, inverse: true);
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

        Span<Goldilocks> coefficients = destination[..k];
        evaluations.CopyTo(coefficients);
        Inverse(coefficients);

        // P(s·x) has coefficients c_i·s^i; evaluating it on H_n evaluates P on s·H_n.
        Goldilocks shift = CosetShift;
        Goldilocks power = Goldilocks.One;
        for (int i = 0; i < k; i++)
        {
            coefficients[i] *= power;
            power *= shift;
        }

        destination[k..].Clear();
        Forward(destination);
    }

    private static void Transform(Span<Goldilocks> values, bool inverse)
    {
        int n = values.Length;
        RequirePowerOfTwo(n, nameof(values));
        if (n == 1)
        {
            return;
        }

        int logN = BitOperations.Log2((uint)n);
        BitReversePermute(values, logN);

        Goldilocks root = Goldilocks.RootOfUnity(logN);
        if (inverse)
        {
            root = Goldilocks.Invert(root);
        }

        int half = n / 2;
        Goldilocks[] rented = ArrayPool<Goldilocks>.Shared.Rent(half);
        try
        {
            Span<Goldilocks> twiddles = rented.AsSpan(0, half);
            Goldilocks power = Goldilocks.One;
            for (int i = 0; i < half; i++)
            {
                twiddles[i] = power;
                power *= root;
            }

            for (int length = 2; length <= n; length <<= 1)
            {
                int halfLength = length >> 1;
                int stride = n / length; // twiddle for butterfly j is ω_n^(j·stride) = ω_length^j
                for (int start = 0; start < n; start += length)
                {
                    int upperStart = start + halfLength;
                    for (int j = 0; j < halfLength; j++)
                    {
                        Goldilocks t = values[upperStart + j] * twiddles[j * stride];
                        Goldilocks u = values[start + j];
                        values[start + j] = u + t;
                        values[upperStart + j] = u - t;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<Goldilocks>.Shared.Return(rented);
        }
    }

    private static void BitReversePermute(Span<Goldilocks> values, int logN)
    {
        int shift = 32 - logN;
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
