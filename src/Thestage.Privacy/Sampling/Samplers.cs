using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
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
    /// <remarks>
    /// The stream's bytes are read in bulk, exactly as many as are still needed (so a rejected byte's replacement is
    /// the next byte of the stream, as if read one at a time), and wiped from the scratch afterwards.
    /// </remarks>
    public static void SampleTernary(Shake256Stream rng, Span<sbyte> destination)
    {
        Span<byte> bytes = stackalloc byte[ChunkBytes];
        rng.Expect(destination.Length);
        int i = 0;
        while (i < destination.Length)
        {
            Span<byte> chunk = bytes[..Math.Min(ChunkBytes, destination.Length - i)];
            rng.NextBytes(chunk);
            foreach (byte b in chunk)
            {
                if (b != 255)
                {
                    destination[i++] = (sbyte)(b % 3 - 1);
                }
            }
        }

        CryptographicOperations.ZeroMemory(bytes);
    }

    /// <summary>Writes centered binomial (η = 21) coefficients: 6 stream bytes each, read in bulk.</summary>
    public static void SampleCenteredBinomial(Shake256Stream rng, Span<sbyte> destination)
    {
        const int perChunk = ChunkBytes / 6;
        Span<byte> bytes = stackalloc byte[6 * perChunk];
        rng.Expect(6L * destination.Length);
        for (int start = 0; start < destination.Length; start += perChunk)
        {
            int count = Math.Min(perChunk, destination.Length - start);
            Span<byte> chunk = bytes[..(6 * count)];
            rng.NextBytes(chunk);
            for (int t = 0; t < count; t++)
            {
                ReadOnlySpan<byte> b6 = chunk.Slice(6 * t, 6);
                uint a = b6[0] | ((uint)b6[1] << 8) | (((uint)b6[2] & 0x1F) << 16);
                uint b = b6[3] | ((uint)b6[4] << 8) | (((uint)b6[5] & 0x1F) << 16);
                destination[start + t] = (sbyte)(BitOperations.PopCount(a) - BitOperations.PopCount(b));
            }
        }

        CryptographicOperations.ZeroMemory(bytes);
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
    /// <remarks>Words are read in bulk, exactly as many as are still needed, so the result is that of reading them one at a time.</remarks>
    public static void SampleUniform(Shake256Stream rng, ReadOnlySpan<Modulus> moduli, int n, Span<ulong> destination)
    {
        Span<ulong> words = stackalloc ulong[ChunkBytes / sizeof(ulong)];
        rng.Expect(8L * moduli.Length * n);
        for (int i = 0; i < moduli.Length; i++)
        {
            Modulus q = moduli[i];
            ulong limit = ulong.MaxValue - ulong.MaxValue % q.Value; // a multiple of q; accept words below it
            Span<ulong> limb = destination.Slice(i * n, n);
            int j = 0;
            while (j < n)
            {
                Span<ulong> chunk = words[..Math.Min(words.Length, n - j)];
                rng.NextBytes(MemoryMarshal.AsBytes(chunk));
                foreach (ulong raw in chunk)
                {
                    ulong w = BitConverter.IsLittleEndian ? raw : BinaryPrimitives.ReverseEndianness(raw); // the stream's words are little-endian
                    if (w < limit)
                    {
                        limb[j++] = q.Reduce(w);
                    }
                }
            }
        }

        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(words)); // public today (the a of keys and ciphertexts), wiped all the same
    }

    // Scratch for bulk reads from the stream, on the stack.
    private const int ChunkBytes = 2048;
}
