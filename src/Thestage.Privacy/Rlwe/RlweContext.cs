using System.Numerics;
using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Rings;

namespace Thestage.Privacy.Rlwe;

/// <summary>
/// The ring Z_Q[X]/(X^N + 1) with a modulus chain q₀·…·q_L·P, where the last prime P is the special
/// prime of hybrid key switching: the scheme-neutral part of a homomorphic-encryption context.
/// </summary>
/// <remarks>
/// Data levels run from <see cref="MaxLevel"/> = L (primes q₀…q_L) down to 0 (q₀ alone); keys live at
/// the key level, which adds P. A ciphertext at level ℓ holds ℓ + 1 limbs. The security check of the
/// HomomorphicEncryption.org standard runs on the product of all primes, special prime included, as SEAL does.
/// </remarks>
public abstract class RlweContext
{
    private readonly LevelData[] _levels;

    private protected RlweContext(int polyModulusDegree, IReadOnlyList<ulong> coeffModulus, SecurityLevel securityLevel)
    {
        ArgumentNullException.ThrowIfNull(coeffModulus);
        SecurityStandard.ThrowIfUndefined(securityLevel);
        if (polyModulusDegree < 1024 || polyModulusDegree > 65536 || !int.IsPow2(polyModulusDegree))
        {
            throw new ArgumentOutOfRangeException(nameof(polyModulusDegree), polyModulusDegree, "The polynomial modulus degree must be a power of two from 1024 to 65536.");
        }

        string? error = FindCoeffModulusError(polyModulusDegree, coeffModulus);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(coeffModulus));
        }

        N = polyModulusDegree;
        LogN = BitOperations.Log2((uint)N);
        SecurityLevel = securityLevel;
        var moduli = new Modulus[coeffModulus.Count];
        BigInteger product = BigInteger.One;
        for (int i = 0; i < moduli.Length; i++)
        {
            moduli[i] = new Modulus(coeffModulus[i]);
            product *= coeffModulus[i];
        }

        TotalCoeffModulusBitCount = (int)product.GetBitLength();
        int limit = SecurityStandard.MaxCoeffModulusBitCount(N, securityLevel);
        if (TotalCoeffModulusBitCount > limit)
        {
            throw new InsecureParametersException(
                $"The coefficient modulus has {TotalCoeffModulusBitCount} bits; the HomomorphicEncryption.org standard allows at most {limit} bits for N = {N} at {securityLevel} (ternary secret). " +
                "Use fewer or smaller primes, a larger N, or SecurityLevel.None for experiments only.");
        }

        KeyModuli = moduli;
        Ntt = new NttTables[moduli.Length];
        for (int i = 0; i < moduli.Length; i++)
        {
            Ntt[i] = new NttTables(LogN, moduli[i]);
        }

        Galois = new GaloisTool(LogN);
        MaxLevel = moduli.Length - 2;
        _levels = new LevelData[MaxLevel + 1];
        for (int level = 0; level <= MaxLevel; level++)
        {
            _levels[level] = new LevelData(moduli.AsSpan(0, level + 1));
        }

        Modulus special = moduli[^1];
        InvSpecialModulus = new MultiplyOperand[MaxLevel + 1];
        for (int i = 0; i <= MaxLevel; i++)
        {
            ulong q = moduli[i].Value;
            InvSpecialModulus[i] = new MultiplyOperand(ModArith.Inverse(special.Value % q, q), q);
        }

        SpecialModulusModQ = new ulong[MaxLevel + 1];
        for (int i = 0; i <= MaxLevel; i++)
        {
            SpecialModulusModQ[i] = special.Value % moduli[i].Value;
        }
    }

    /// <summary>The largest size of one coefficient-modulus prime, in bits (SEAL's limit).</summary>
    public const int CoeffModulusMaxBitCount = 60;

    /// <summary>
    /// The largest number of data primes q₀…q_L, which is the number of key-switching digits at the top level: the
    /// inner product accumulates one product below 2^120 (two residues of at most 60 bits) per digit in 128 bits, so at
    /// most 256 digits cannot overflow (SEAL's <c>SEAL_COEFF_MOD_COUNT_MAX</c> is the same 256).
    /// </summary>
    public const int MaxDataPrimeCount = 256;

    /// <summary>The polynomial modulus degree N.</summary>
    public int PolyModulusDegree => N;

    /// <summary>All primes of the coefficient modulus, the special prime last.</summary>
    public IReadOnlyList<ulong> CoeffModulus => Array.ConvertAll(KeyModuli, m => m.Value);

    /// <summary>The bit length of the product of all primes, special prime included.</summary>
    public int TotalCoeffModulusBitCount { get; }

    /// <summary>The security level these parameters were checked against.</summary>
    public SecurityLevel SecurityLevel { get; }

    /// <summary>The highest data level L: fresh ciphertexts have L + 1 primes.</summary>
    public int MaxLevel { get; }

    internal int N { get; }

    internal int LogN { get; }

    /// <summary>Every prime of the chain, special prime last (the key level).</summary>
    internal Modulus[] KeyModuli { get; }

    /// <summary>The number of primes at the key level.</summary>
    internal int KeyLimbCount => KeyModuli.Length;

    internal NttTables[] Ntt { get; }

    internal GaloisTool Galois { get; }

    /// <summary>P⁻¹ mod qᵢ for each data prime.</summary>
    internal MultiplyOperand[] InvSpecialModulus { get; }

    /// <summary>P mod qᵢ for each data prime.</summary>
    internal ulong[] SpecialModulusModQ { get; }

    internal LevelData GetLevel(int level) => _levels[level];

    /// <summary>The bit length of q₀·…·q_ℓ.</summary>
    /// <param name="level">A data level in [0, <see cref="MaxLevel"/>].</param>
    public int GetCoeffModulusBitCount(int level)
    {
        ValidateLevel(level);
        return _levels[level].BitCount;
    }

    /// <summary>
    /// Why <paramref name="primes"/> (special prime last) cannot be the coefficient modulus of a ring of degree
    /// <paramref name="polyModulusDegree"/>, or null when they can: at least two and at most
    /// <see cref="MaxDataPrimeCount"/> + 1 primes, each a prime of 2 to 60 bits, ≡ 1 (mod 2N), distinct, and the special
    /// prime P at least as large in bits as every data prime. The last rule is SEAL's advice ("the special prime should
    /// be as large as the largest of the other primes"), enforced: key switching divides by P an error of about
    /// (ℓ + 1)·√N·σ·max qⱼ/2, so a smaller P makes every relinearization and rotation lose precision. It compares bit
    /// sizes, not values, because SEAL's recommended {60, 40, 40, 60} hands q₀ the largest 60-bit prime and P the next one.
    /// One rule for the context's constructor and the parameter loader.
    /// </summary>
    internal static string? FindCoeffModulusError(int polyModulusDegree, IReadOnlyList<ulong> primes)
    {
        if (primes.Count < 2)
        {
            return "The coefficient modulus needs at least two primes: one for data and the special prime for key switching.";
        }

        if (primes.Count - 1 > MaxDataPrimeCount)
        {
            return $"The coefficient modulus has {primes.Count - 1} data primes; key switching accumulates one digit per data prime in 128 bits, which allows at most {MaxDataPrimeCount}.";
        }

        ulong twoN = 2UL * (ulong)polyModulusDegree;
        int maxDataBits = 0;
        for (int i = 0; i < primes.Count; i++)
        {
            ulong q = primes[i];
            if (q < 2 || q >= 1UL << CoeffModulusMaxBitCount)
            {
                return $"Coefficient modulus prime {i} ({q}) must have 2 to {CoeffModulusMaxBitCount} bits.";
            }

            if (!Primes.IsPrime(q))
            {
                return $"Coefficient modulus {i} ({q}) is not prime.";
            }

            if (q % twoN != 1)
            {
                return $"Coefficient modulus {i} ({q}) is not ≡ 1 mod 2N = {twoN}; the NTT needs it.";
            }

            for (int j = 0; j < i; j++)
            {
                if (primes[j] == q)
                {
                    return $"Coefficient modulus primes must be distinct; {q} appears twice.";
                }
            }

            if (i < primes.Count - 1)
            {
                maxDataBits = Math.Max(maxDataBits, 64 - BitOperations.LeadingZeroCount(q));
            }
        }

        int specialBits = 64 - BitOperations.LeadingZeroCount(primes[^1]);
        if (specialBits < maxDataBits)
        {
            return $"The special prime (the last, {primes[^1]}) has {specialBits} bits, fewer than the largest data prime's {maxDataBits}: key switching divides its error by P, " +
                $"so P must be at least as large as every data prime. Make the last bit size at least {maxDataBits}, or reorder the primes.";
        }

        return null;
    }

    /// <summary>
    /// Why <paramref name="scale"/> cannot be the scale Δ of a plaintext or ciphertext at <paramref name="level"/>, or
    /// null when it can: 1 ≤ Δ &lt; 2^b, with b the bit count of q₀·…·q_ℓ. The upper bound is SEAL's (its encoder and
    /// decoder refuse ⌊log2 Δ⌋ ≥ b: no message survives a scale as large as the modulus). The lower bound keeps decoding
    /// finite: below 1 a decoded value is a coefficient times 1/Δ (up to 2^1074), and the FFT's sums of such values are
    /// ±∞ and NaN. Checked where a scale enters from outside: on load, on decode, and by the encoder and the
    /// <c>Ciphertext.Scale</c> setter.
    /// </summary>
    internal string? FindScaleError(double scale, int level)
    {
        int bits = _levels[level].BitCount;
        return scale >= 1 && scale < Math.ScaleB(1.0, bits)
            ? null
            : $"The scale {scale} (2^{Math.Log2(scale):F1}) is outside [1, 2^{bits}): a scale at level {level} must be at least 1 and below the {bits}-bit coefficient modulus q₀·…·q_{level}.";
    }

    internal void ValidateLevel(int level)
    {
        if ((uint)level > (uint)MaxLevel)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"Data levels of this context run from 0 to {MaxLevel}.");
        }
    }

    /// <summary>Per-level constants: the CRT base q₀…q_ℓ and the inverses of q_ℓ used by rescaling.</summary>
    internal sealed class LevelData
    {
        public LevelData(ReadOnlySpan<Modulus> moduli)
        {
            Level = moduli.Length - 1;
            Crt = new RnsBase(moduli);
            BitCount = (int)Crt.Product.GetBitLength();
            ulong last = moduli[^1].Value;
            InvLastModulus = new MultiplyOperand[Level];
            for (int i = 0; i < Level; i++)
            {
                ulong q = moduli[i].Value;
                InvLastModulus[i] = new MultiplyOperand(ModArith.Inverse(last % q, q), q);
            }
        }

        public int Level { get; }

        public RnsBase Crt { get; }

        public int BitCount { get; }

        /// <summary>q_ℓ⁻¹ mod qᵢ for i &lt; ℓ.</summary>
        public MultiplyOperand[] InvLastModulus { get; }
    }
}
