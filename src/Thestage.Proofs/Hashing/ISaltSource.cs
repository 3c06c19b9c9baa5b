namespace Thestage.Proofs.Hashing;

/// <summary>A source of leaf salts for hiding Merkle commitments.</summary>
/// <remarks>
/// Production code uses <see cref="RandomSaltSource"/>; deterministic sources are for tests only,
/// since predictable salts void the hiding of unopened leaves.
/// </remarks>
public interface ISaltSource
{
    /// <summary>Fills <paramref name="salt"/> with fresh salt bytes.</summary>
    /// <param name="salt">The destination.</param>
    void Fill(Span<byte> salt);
}
