namespace Thestage.Privacy.Rlwe;

/// <summary>
/// The HomomorphicEncryption.org standard's largest total coefficient modulus, in bits, for a ring
/// dimension and a classical security level (ternary secret, error σ ≈ 3.2).
/// </summary>
/// <remarks>
/// N = 1024 … 32768: Table 1 of the standard (Albrecht et al., 2018), the same figures as SEAL's
/// <c>util/hestdparms.h</c>. N = 65536 is beyond the standard's table; the bound used there is the
/// linear extrapolation 2·bound(32768) reduced by 1% (each doubling of N doubles the table's bound
/// to within 1%), i.e. 1744 / 1209 / 942 bits. Use a lattice estimator before relying on it.
/// </remarks>
public static class SecurityStandard
{
    private static readonly int[] Bits128 = [27, 54, 109, 218, 438, 881, 1744];
    private static readonly int[] Bits192 = [19, 37, 75, 152, 305, 611, 1209];
    private static readonly int[] Bits256 = [14, 29, 58, 118, 237, 476, 942];

    /// <summary>
    /// The largest total coefficient-modulus bit count allowed for <paramref name="polyModulusDegree"/>
    /// at <paramref name="level"/>; <see cref="int.MaxValue"/> for <see cref="SecurityLevel.None"/>.
    /// </summary>
    /// <param name="polyModulusDegree">N, a power of two from 1024 to 65536.</param>
    /// <param name="level">The security level.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// N is not a power of two in [1024, 65536], or the level is not a member (in particular <c>default(SecurityLevel)</c>).
    /// </exception>
    public static int MaxCoeffModulusBitCount(int polyModulusDegree, SecurityLevel level)
    {
        ThrowIfUndefined(level);
        if (level == SecurityLevel.None)
        {
            return int.MaxValue;
        }

        if (polyModulusDegree < 1024 || polyModulusDegree > 65536 || !int.IsPow2(polyModulusDegree))
        {
            throw new ArgumentOutOfRangeException(nameof(polyModulusDegree), polyModulusDegree, "The security table covers N = 1024, 2048, …, 65536.");
        }

        int index = System.Numerics.BitOperations.Log2((uint)polyModulusDegree) - 10;
        return level switch
        {
            SecurityLevel.Tc128 => Bits128[index],
            SecurityLevel.Tc192 => Bits192[index],
            SecurityLevel.Tc256 => Bits256[index],
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown security level."),
        };
    }

    /// <summary>Refuses a value that is not a member, <c>default(SecurityLevel)</c> (0) above all: it is never read as "no check".</summary>
    internal static void ThrowIfUndefined(SecurityLevel level)
    {
        if (!Enum.IsDefined(level))
        {
            throw new ArgumentOutOfRangeException(
                nameof(level),
                level,
                $"{(int)level} is not a security level{(level == default ? " (it is default(SecurityLevel): an option left unset)" : string.Empty)}. Use SecurityLevel.Tc128 (the default), Tc192 or Tc256; opting out of the check is only the explicit SecurityLevel.None.");
        }
    }
}
