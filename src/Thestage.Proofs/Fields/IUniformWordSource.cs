namespace Thestage.Proofs.Fields;

/// <summary>
/// A source of independent, uniformly distributed 64-bit words, from which field elements are
/// sampled without bias (by rejection).
/// </summary>
/// <remarks>
/// The Fiat–Shamir transcript implements this for verifier challenges; tests implement it over a
/// seeded generator.
/// </remarks>
public interface IUniformWordSource
{
    /// <summary>Returns the next uniformly distributed 64-bit word.</summary>
    /// <returns>A uniform 64-bit value.</returns>
    ulong NextUInt64();
}
