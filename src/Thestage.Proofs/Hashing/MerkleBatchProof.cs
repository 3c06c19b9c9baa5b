namespace Thestage.Proofs.Hashing;

/// <summary>
/// A compact opening of several leaves of one tree: only the sibling digests that the verifier
/// cannot recompute from the opened leaves themselves, in the canonical order produced by
/// <see cref="MerkleTree.OpenBatch"/> (level by level bottom-up, by increasing node index).
/// </summary>
/// <remarks>Shared siblings are sent once, as in the multi-openings of Brakedown (Golovnev et al., eprint 2021/1043).</remarks>
public sealed class MerkleBatchProof
{
    private readonly Digest256[] _siblings;

    /// <summary>Initializes a new batch proof.</summary>
    /// <param name="siblings">The sibling digests in canonical order.</param>
    public MerkleBatchProof(ReadOnlySpan<Digest256> siblings) => _siblings = siblings.ToArray();

    /// <summary>Gets the sibling digests in canonical order.</summary>
    public ReadOnlySpan<Digest256> Siblings => _siblings;
}
