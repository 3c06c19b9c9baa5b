using System.Numerics;
using Thestage.Privacy.Arithmetic;

namespace Thestage.Privacy.Sampling;

/// <summary>
/// The distributions of RLWE, written into RNS polynomials (limb-major: limb i occupies
/// <c>[i·N, (i+1)·N)</c>, coefficient form).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Ternary secret: coefficients uniform in {−1, 0, 1} (HomomorphicEncryption.org standard,
/// "ternary" row of its tables; SEAL <c>sample_poly_ternary</c>). Bytes ≥ 255 are rejected so
/// that <c>b mod 3</c> is exactly uniform.</item>
/// <item>Error: the centered binomial distribution with η = 21, e = HW(a) − HW(b) for two
/// independent 21-bit strings, so σ = √(η/2) = √10.5 ≈ 3.24 and |e| ≤ 21. This is SEAL's default
/// (<c>sample_poly_cbd</c>, which replaces its clipped Gaussian with σ = 3.2 and bound 6σ): the
/// standard's σ ≈ 3.2 with no rejection step and no floating point.</item>
/// <item>Uniform mod q: rejection sampling of 64-bit words below the largest multiple of q.</item>
/// </list>
/// Each sample reads the same number of stream bytes whatever its value (except the rare rejections),
/// and no branch depends on a secret coefficient's value beyond the final sign select.
/// </remarks>
internal static class Samplers
{
    /// <summary>The error distribution's standard deviation, √(21/2).</summary>
    public const double ErrorStandardDeviation = 3.2403703492039302;

    /// <summary>The error distribution's bound.</summary>
    public const int ErrorBound = 21;

    /// <summary>Writes signed ternary coefficients in {−1, 0, 1}.</summary>
    public static void SampleTernary(Shake256Stream rng, Span<sbyte> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            byte b;
            do
            {
                b = rng.NextByte();
            }
            while (b == 255);

            destination[i] = (sbyte)(b % 3 - 1);
        }
    }

    /// <summary>Writes centered binomial (η = 21) coefficients.</summary>
    public static void SampleCenteredBinomial(Shake256Stream rng, Span<sbyte> destination)
    {
        Span<byte> bytes = stackalloc byte[6];
        for (int i = 0; i < destination.Length; i++)
        {
            rng.NextBytes(bytes);
            uint a = bytes[0] | ((uint)bytes[1] << 8) | (((uint)bytes[2] & 0x1F) << 16);
            uint b = bytes[3] | ((uint)bytes[4] << 8) | (((uint)bytes[5] & 0x1F) << 16);
            destination[i] = (sbyte)(BitOperations.PopCount(a) - BitOperations.PopCount(b));
        }
    }

    /// <summary>Writes small signed coefficients into every limb of an RNS polynomial.</summary>
    public static void ToRns(ReadOnlySpan<sbyte> small, ReadOnlySpan<Modulus> moduli, Span<ulong> destination)
    {
        int n = small.Length;
        for (int i = 0; i < moduli.Length; i++)
        {
            ulong q = moduli[i].Value;
            Span<ulong> limb = destination.Slice(i * n, n);
            for (int j = 0; j < n; j++)
            {
                long v = small[j];
                // Branch-free select of v or q + v.
                ulong mask = (ulong)(v >> 63);
                limb[j] = (ulong)v + (q & mask);
            }
        }
    }

    /// <summary>Writes a uniformly random polynomial modulo each prime (limb-major).</summary>
    public static void SampleUniform(Shake256Stream rng, ReadOnlySpan<Modulus> moduli, int n, Span<ulong> destination)
    {
        for (int i = 0; i < moduli.Length; i++)
        {
            ulong q = moduli[i].Value;
            ulong limit = ulong.MaxValue - ulong.MaxValue % q; // a multiple of q; accept words below it
            Span<ulong> limb = destination.Slice(i * n, n);
            for (int j = 0; j < n; j++)
            {
                ulong w;
                do
                {
                    w = rng.NextUInt64();
                }
                while (w >= limit);

                limb[j] = moduli[i].Reduce(w);
            }
        }
    }
}
