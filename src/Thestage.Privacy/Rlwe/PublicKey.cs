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

    /// <summary>
    /// Whether a is the SHAKE-256 expansion of a 32-byte seed (every key <see cref="KeyGenerator"/> makes, and every key
    /// loaded from its seeded form), so that whoever made the key could not choose it. A key loaded in full carries an a
    /// of its maker's choosing — 0, for example, which makes every encryption under it (b·u + e₀ + m, e₁) with a c₁ that
    /// reveals nothing of u: a party that re-randomizes with another's public key should accept only seeded keys.
    /// </summary>
    public bool IsSeeded => Seed is not null;
}
