namespace Thestage.Proofs.Hashing;

/// <summary>A source of leaf salts for hiding Merkle commitments.</summary>
/// <remarks>
/// Production code uses <see cref="RandomSaltSource"/>; deterministic sources are for tests only,
/// since predictable salts void the hiding of unopened leaves, and the zero-knowledge of the sumcheck masks a hiding
/// proof also draws from its source (a source that repeats across proofs repeats their masks).
/// </remarks>
public interface ISaltSource
{
    /// <summary>Fills <paramref name="salt"/> with fresh salt bytes.</summary>
    /// <param name="salt">The destination.</param>
    void Fill(Span<byte> salt);
}
