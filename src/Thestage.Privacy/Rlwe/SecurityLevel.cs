namespace Thestage.Privacy.Rlwe;

/// <summary>
/// The classical security level that a parameter set must reach, per the HomomorphicEncryption.org
/// standard (Albrecht et al., "Homomorphic Encryption Security Standard", 2018, Table 1, ternary secret).
/// </summary>
public enum SecurityLevel
{
    /// <summary>No check. For experiments and tests only: such parameters may be insecure.</summary>
    None = 0,

    /// <summary>128-bit classical security (the default).</summary>
    Tc128 = 128,

    /// <summary>192-bit classical security.</summary>
    Tc192 = 192,

    /// <summary>256-bit classical security.</summary>
    Tc256 = 256,
}
