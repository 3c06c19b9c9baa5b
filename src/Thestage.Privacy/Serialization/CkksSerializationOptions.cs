namespace Thestage.Privacy.Serialization;

/// <summary>How <see cref="CkksSerializer"/> writes an object: seeded or not, and which compression to try.</summary>
public sealed class CkksSerializationOptions
{
    /// <summary>The default options: seeded where possible, no compression.</summary>
    public static CkksSerializationOptions Default { get; } = new();

    /// <summary>
    /// When true (the default), a uniform polynomial that can be re-expanded from its 32-byte seed is stored as
    /// the seed: c₁ of a fresh symmetric encryption, a of a public key, every a_j of relinearization and Galois
    /// keys. This halves their size. Objects without a seed (for example ciphertexts after an operation, or
    /// public-key encryptions) are stored in full either way.
    /// </summary>
    public bool UseSeeds { get; init; } = true;

    /// <summary>
    /// The compression to try; the payload is stored uncompressed when compressing does not shrink it, or when the
    /// loaders' default limits would refuse the result (<see cref="CkksLoadOptions"/>: more than 64 MiB raw, or a ratio
    /// above 8).
    /// </summary>
    public CkksCompression Compression { get; init; } = CkksCompression.None;
}
