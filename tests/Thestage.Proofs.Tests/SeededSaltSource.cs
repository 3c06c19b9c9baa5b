using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Tests;

/// <summary>Deterministic salts for reproducible tests only.</summary>
internal sealed class SeededSaltSource : ISaltSource
{
    private readonly Random _random;

    public SeededSaltSource(int seed) => _random = new Random(seed);

    public void Fill(Span<byte> salt) => _random.NextBytes(salt);
}
