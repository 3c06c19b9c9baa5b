using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Tests;

/// <summary>A deterministic word source for tests (never used for real randomness).</summary>
internal sealed class SeededWordSource : IUniformWordSource
{
    private readonly Random _random;

    public SeededWordSource(int seed) => _random = new Random(seed);

    public ulong NextUInt64()
    {
        Span<byte> buffer = stackalloc byte[8];
        _random.NextBytes(buffer);
        return BitConverter.ToUInt64(buffer);
    }

    public T Next<T>()
        where T : struct, IField<T> => T.Sample(this);

    public T[] NextArray<T>(int length)
        where T : struct, IField<T>
    {
        var result = new T[length];
        for (int i = 0; i < length; i++)
        {
            result[i] = T.Sample(this);
        }

        return result;
    }

    public int NextInt(int maxExclusive) => _random.Next(maxExclusive);
}
