namespace Thestage.Privacy.Rlwe;

/// <summary>
/// The classical security level that a parameter set must reach, per the HomomorphicEncryption.org
/// standard (Albrecht et al., "Homomorphic Encryption Security Standard", 2018, Table 1, ternary secret).
/// </summary>
/// <remarks>
/// No member has the value 0, so <c>default(SecurityLevel)</c> — an option never set, a zeroed field — is not a
/// level: every API that takes one refuses it with an <see cref="ArgumentOutOfRangeException"/> instead of treating
/// it as "no check" (SEAL's <c>sec_level_type::none</c> is 0; ours is not). Opting out is always the explicit
/// <see cref="None"/>.
/// </remarks>
public enum SecurityLevel
{
    /// <summary>
    /// No check, chosen explicitly. For experiments and tests only: such parameters may be insecure. Its value, −1, is
    /// deliberately not the enum's default.
    /// </summary>
    None = -1,

    /// <summary>128-bit classical security (the default of every API that takes a level).</summary>
    Tc128 = 128,

    /// <summary>192-bit classical security.</summary>
    Tc192 = 192,

    /// <summary>256-bit classical security.</summary>
    Tc256 = 256,
}
