using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Thestage.Inference.Runtime;

/// <summary>
/// Complex Gaussian noise from the operating system's CSPRNG (<see cref="RandomNumberGenerator"/>), for flooding.
/// </summary>
/// <remarks>
/// Box–Muller: from u₁ ∈ (0, 1] and u₂ ∈ [0, 1) with 53 random bits each, r = σ·√(−2 ln u₁) and the pair
/// (r cos 2πu₂, r sin 2πu₂) are two independent N(0, σ²) values, bounded by σ·√(106 ln 2) ≈ 8.6σ (the tail beyond has
/// probability below 2^−52 and is not sampled). The random bytes are cleared after use: the noise must stay unknown to
/// the client, or it could subtract it.
/// </remarks>
internal static class GaussianNoise
{
    private const double Unit = 1.0 / (1UL << 53);

    /// <summary>Fills <paramref name="destination"/> with values whose real and imaginary parts are independent N(0, <paramref name="sigma"/>²).</summary>
    public static void Fill(Span<Complex> destination, double sigma)
    {
        byte[] random = new byte[16 * destination.Length];
        try
        {
            RandomNumberGenerator.Fill(random);
            for (int i = 0; i < destination.Length; i++)
            {
                ulong a = BinaryPrimitives.ReadUInt64LittleEndian(random.AsSpan(16 * i)) >> 11;
                ulong b = BinaryPrimitives.ReadUInt64LittleEndian(random.AsSpan(16 * i + 8)) >> 11;
                double r = sigma * Math.Sqrt(-2 * Math.Log((a + 1) * Unit));
                (double sin, double cos) = Math.SinCos(2 * Math.PI * b * Unit);
                destination[i] = new Complex(r * cos, r * sin);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(random);
        }
    }

    /// <summary>Clears noise that has been used.</summary>
    public static void Clear(Span<Complex> noise) => CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(noise));
}
