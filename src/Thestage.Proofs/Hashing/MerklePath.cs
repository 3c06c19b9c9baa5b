namespace Thestage.Proofs.Hashing;

/// <summary>An authentication path for one leaf: the sibling digests from the leaf level up to the root's children.</summary>
/// <remarks>See R. C. Merkle, "A certified digital signature", CRYPTO 1989.</remarks>
public sealed class MerklePath
{
    private readonly Digest256[] _siblings;

    /// <summary>Initializes a new path.</summary>
    /// <param name="leafIndex">The index of the authenticated leaf.</param>
    /// <param name="siblings">Sibling digests, bottom-up.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="leafIndex"/> is negative.</exception>
    public MerklePath(int leafIndex, ReadOnlySpan<Digest256> siblings)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(leafIndex);
        LeafIndex = leafIndex;
        _siblings = siblings.ToArray();
    }

    /// <summary>Gets the index of the authenticated leaf.</summary>
    public int LeafIndex { get; }

    /// <summary>Gets the sibling digests, bottom-up.</summary>
    public ReadOnlySpan<Digest256> Siblings => _siblings;
}
