namespace Thestage.Privacy.Rlwe;

/// <summary>
/// The public key (b, a) = (−a·s + e, a) modulo every prime of the chain, special prime included, NTT form.
/// </summary>
public sealed class PublicKey
{
    internal PublicKey(RlweContext context, ulong[] data, byte[]? seed)
    {
        Context = context;
        Data = data;
        Seed = seed;
    }

    internal RlweContext Context { get; }

    /// <summary>Two key-level polynomials, b then a.</summary>
    internal ulong[] Data { get; }

    /// <summary>The seed of the uniform polynomial a; null when the key was loaded without it.</summary>
    internal byte[]? Seed { get; }
}
