using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Ckks;

/// <summary>
/// CKKS encryption parameters: the polynomial modulus degree N and the coefficient-modulus primes, the
/// last of which is the special key-switching prime (SEAL <c>EncryptionParameters</c> for <c>scheme_type::ckks</c>).
/// </summary>
/// <remarks>
/// This object only records and checks the shape of the parameters; <see cref="CkksContext"/> validates
/// them fully (primality, NTT-friendliness, security) and precomputes what the scheme needs.
/// Primes given by bit size are chosen as SEAL's <c>CoeffModulus::Create</c> chooses them: for each size,
/// the largest primes q ≡ 1 (mod 2N) below 2^size, handed out in descending order.
/// </remarks>
public sealed class CkksParameters
{
    private readonly ulong[] _coeffModulus;

    /// <summary>Creates parameters with primes of the given bit sizes.</summary>
    /// <param name="polyModulusDegree">N, a power of two from 1024 to 65536.</param>
    /// <param name="coeffModulusBits">The size in bits (each ≤ 60) of each prime, the special prime last; at least two.</param>
    /// <exception cref="ArgumentOutOfRangeException">N or a bit size is out of range.</exception>
    /// <exception cref="ArgumentException">Fewer than two primes, or not enough primes of a size exist.</exception>
    public CkksParameters(int polyModulusDegree, IReadOnlyList<int> coeffModulusBits)
    {
        ArgumentNullException.ThrowIfNull(coeffModulusBits);
        ValidateDegree(polyModulusDegree);
        if (coeffModulusBits.Count < 2)
        {
            throw new ArgumentException("At least two primes are needed: data primes and the special key-switching prime last.", nameof(coeffModulusBits));
        }

        int minBits = System.Numerics.BitOperations.Log2((uint)polyModulusDegree) + 2;
        foreach (int bits in coeffModulusBits)
        {
            if (bits < minBits || bits > RlweContext.CoeffModulusMaxBitCount)
            {
                throw new ArgumentOutOfRangeException(nameof(coeffModulusBits), bits, $"Each prime must have {minBits} to {RlweContext.CoeffModulusMaxBitCount} bits for N = {polyModulusDegree}.");
            }
        }

        PolyModulusDegree = polyModulusDegree;
        _coeffModulus = Primes.CreateCoeffModulus(polyModulusDegree, coeffModulusBits.ToArray());
    }

    private CkksParameters(int polyModulusDegree, ulong[] coeffModulus)
    {
        PolyModulusDegree = polyModulusDegree;
        _coeffModulus = coeffModulus;
    }

    /// <summary>N, the polynomial modulus degree; the number of slots is N/2.</summary>
    public int PolyModulusDegree { get; }

    /// <summary>The primes of the coefficient modulus, special prime last.</summary>
    public IReadOnlyList<ulong> CoeffModulus => _coeffModulus;

    /// <summary>Creates parameters from explicit primes (each prime, ≡ 1 mod 2N, checked by <see cref="CkksContext"/>).</summary>
    /// <param name="polyModulusDegree">N, a power of two from 1024 to 65536.</param>
    /// <param name="coeffModulus">The primes, special prime last; at least two.</param>
    public static CkksParameters FromPrimes(int polyModulusDegree, IReadOnlyList<ulong> coeffModulus)
    {
        ArgumentNullException.ThrowIfNull(coeffModulus);
        ValidateDegree(polyModulusDegree);
        if (coeffModulus.Count < 2)
        {
            throw new ArgumentException("At least two primes are needed: data primes and the special key-switching prime last.", nameof(coeffModulus));
        }

        return new CkksParameters(polyModulusDegree, coeffModulus.ToArray());
    }

    /// <summary>
    /// The bit sizes of SEAL's default coefficient modulus (<c>CoeffModulus::BFVDefault</c>) for N at 128-bit
    /// security: 4096 → {36, 36, 37}; 8192 → {43, 43, 44, 44, 44}; 16384 → {48, 48, 48, 49 × 6};
    /// 32768 → {55 × 16}; 65536 → {58 × 30}.
    /// </summary>
    /// <param name="polyModulusDegree">N from 4096 to 65536.</param>
    /// <exception cref="ArgumentOutOfRangeException">No default exists for N.</exception>
    public static IReadOnlyList<int> DefaultCoeffModulusBits(int polyModulusDegree) => polyModulusDegree switch
    {
        4096 => [36, 36, 37],
        8192 => [43, 43, 44, 44, 44],
        16384 => [48, 48, 48, 49, 49, 49, 49, 49, 49],
        32768 => Enumerable.Repeat(55, 16).ToArray(),
        65536 => Enumerable.Repeat(58, 30).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(polyModulusDegree), polyModulusDegree, "Default coefficient moduli exist for N = 4096 … 65536."),
    };

    /// <inheritdoc/>
    public override string ToString() => $"CKKS N={PolyModulusDegree}, {_coeffModulus.Length} primes ({string.Join(", ", _coeffModulus.Select(q => 64 - ulong.LeadingZeroCount(q)))} bits)";

    private static void ValidateDegree(int n)
    {
        if (n < 1024 || n > 65536 || !int.IsPow2(n))
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "The polynomial modulus degree must be a power of two from 1024 to 65536.");
        }
    }
}
