using System.Security.Cryptography;

namespace Thestage.Proofs.Hashing;

/// <summary>Salts from the operating system's cryptographically secure generator.</summary>
/// <remarks>Backed by <see cref="RandomNumberGenerator.Fill(Span{byte})"/>; thread-safe.</remarks>
public sealed class RandomSaltSource : ISaltSource
{
    private RandomSaltSource()
    {
    }

    /// <summary>Gets the shared instance.</summary>
    public static RandomSaltSource Instance { get; } = new();

    /// <inheritdoc />
    public void Fill(Span<byte> salt) => RandomNumberGenerator.Fill(salt);
}
