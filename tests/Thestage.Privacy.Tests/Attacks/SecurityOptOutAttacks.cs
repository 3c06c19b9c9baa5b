using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tests.Attacks;

/// <summary>
/// Item 3 of issue 10: <c>SecurityLevel.None</c> was the enum's default (0), so a setting nobody set — a zeroed field, a
/// configuration value missing from a file and read as 0 — silently switched the 128-bit check off. The attack: insecure
/// parameters (N = 1024 with a 110-bit modulus, 4× the standard's 27 bits) slipped through such a default.
/// </summary>
public sealed class SecurityOptOutAttacks
{
    private static readonly CkksParameters Insecure = new(1024, [40, 30, 40]);

    [Fact]
    public void UnsetSecurityLevel_DisablesTheCheck_Fails()
    {
        var settings = new Settings(); // a configuration object whose level was never assigned
        Assert.Throws<ArgumentOutOfRangeException>(() => new CkksContext(Insecure, settings.Level));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CkksContext(Insecure, default));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CkksContext(Insecure, (SecurityLevel)0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SecurityStandard.MaxCoeffModulusBitCount(1024, default));
    }

    [Fact]
    public void UnsetSecurityLevel_IsNotAMember_Fails()
    {
        Assert.False(Enum.IsDefined(default(SecurityLevel)));
        Assert.NotEqual(default, SecurityLevel.None);
    }

    [Fact]
    public void ExplicitOptOut_StillRequiresNaming()
    {
        // The only way past the check is to name it; the default level checks.
        Assert.Equal(SecurityLevel.None, new CkksContext(Insecure, SecurityLevel.None).SecurityLevel);
        Assert.Throws<InsecureParametersException>(() => new CkksContext(Insecure));
    }

    /// <summary>A configuration record deserialized from a file without the level, or created without setting it.</summary>
    private sealed record Settings
    {
        public SecurityLevel Level { get; init; }
    }
}
