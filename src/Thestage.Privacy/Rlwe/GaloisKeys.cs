namespace Thestage.Privacy.Rlwe;

/// <summary>
/// Galois keys: for each Galois element g, the key-switching key from σ_g(s) to s. Slot rotation by k
/// uses g = 3^k mod 2N, as in SEAL; conjugation uses g = 2N − 1.
/// </summary>
public sealed class GaloisKeys
{
    private readonly Dictionary<ulong, KeySwitchingKey> _keys;

    internal GaloisKeys(RlweContext context, Dictionary<ulong, KeySwitchingKey> keys)
    {
        Context = context;
        _keys = keys;
    }

    /// <summary>The Galois elements that have keys, ascending.</summary>
    public IReadOnlyList<ulong> GaloisElements => _keys.Keys.Order().ToArray();

    /// <summary>The number of keys.</summary>
    public int Count => _keys.Count;

    internal RlweContext Context { get; }

    /// <summary>Whether a key for Galois element <paramref name="galoisElement"/> is present.</summary>
    /// <param name="galoisElement">An odd element below 2N.</param>
    public bool HasKey(ulong galoisElement) => _keys.ContainsKey(galoisElement);

    /// <summary>Whether a key for rotating the slots by exactly <paramref name="steps"/> is present.</summary>
    /// <param name="steps">Positive: left; negative: right.</param>
    public bool HasStep(int steps) => _keys.ContainsKey(Context.Galois.ElementForStep(steps));

    internal bool TryGet(ulong galoisElement, out KeySwitchingKey key) => _keys.TryGetValue(galoisElement, out key!);
}
