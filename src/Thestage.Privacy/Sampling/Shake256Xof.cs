using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;

namespace Thestage.Privacy.Sampling;

/// <summary>One-shot SHAKE-256 (FIPS 202): writes the first <c>output.Length</c> bytes of SHAKE-256(input).</summary>
internal delegate void Shake256Function(ReadOnlySpan<byte> input, Span<byte> output);

/// <summary>
/// The two implementations of SHAKE-256 behind <see cref="Shake256Stream"/>: the operating system's
/// (<see cref="Shake256"/>: OpenSSL 1.1.1+ on Linux, CNG on Windows 11 / Server 2025) where it exists, otherwise
/// BouncyCastle's managed Keccak (macOS, older Windows). Both compute the same function, so every stream — and every
/// key or ciphertext re-expanded from a seed — is identical whichever one runs.
/// </summary>
internal static class Shake256Xof
{
    /// <summary>The operating system's SHAKE-256; throws <see cref="PlatformNotSupportedException"/> where there is none.</summary>
    public static Shake256Function OperatingSystem { get; } = Shake256.HashData;

    /// <summary>BouncyCastle's managed SHAKE-256 (its <c>ShakeDigest(256)</c>), available everywhere.</summary>
    public static Shake256Function Managed { get; } = HashManaged;

    /// <summary>The implementation this process uses: <see cref="Choose"/> of <see cref="Shake256.IsSupported"/>.</summary>
    public static Shake256Function Default { get; } = Choose(Shake256.IsSupported);

    /// <summary>The operating system's implementation when it is supported, otherwise the managed one.</summary>
    /// <param name="operatingSystemSupported">Whether the platform's cryptography provider has SHAKE-256.</param>
    public static Shake256Function Choose(bool operatingSystemSupported) => operatingSystemSupported ? OperatingSystem : Managed;

    private static void HashManaged(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var digest = new ShakeDigest(256);
        digest.BlockUpdate(input);
        digest.OutputFinal(output);
    }
}
