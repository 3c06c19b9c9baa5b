using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Ckks;

/// <summary>
/// Validated CKKS parameters with everything precomputed: NTT tables, the modulus chain with its per-level
/// CRT and rescaling constants, key-switching constants (SEAL <c>SEALContext</c>).
/// </summary>
/// <remarks>
/// Refuses parameters whose total coefficient modulus exceeds the HomomorphicEncryption.org standard's bound
/// for the requested security level (<see cref="SecurityStandard"/>); <see cref="SecurityLevel.None"/>
/// disables the check, for experiments only. Immutable and thread-safe.
/// </remarks>
public sealed class CkksContext : RlweContext
{
    /// <summary>Creates a context, checking the parameters against <paramref name="securityLevel"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="securityLevel">The security level to enforce; 128-bit by default.</param>
    /// <exception cref="InsecureParametersException">The coefficient modulus is too large for the security level.</exception>
    /// <exception cref="ArgumentException">A prime is not prime, not ≡ 1 mod 2N, repeated, or larger than 60 bits.</exception>
    public CkksContext(CkksParameters parameters, SecurityLevel securityLevel = SecurityLevel.Tc128)
        : base(CheckNotNull(parameters).PolyModulusDegree, parameters.CoeffModulus, securityLevel)
    {
        Parameters = parameters;
    }

    /// <summary>The parameters this context was built from.</summary>
    public CkksParameters Parameters { get; }

    /// <summary>The number of slots, N/2.</summary>
    public int SlotCount => N / 2;

    private static CkksParameters CheckNotNull(CkksParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters;
    }
}
