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
        if (polyModulusDegree < 1024 || polyModulusDegree > 65536 || !int.IsPow2(polyModulusDegree))
        {
            throw new ArgumentOutOfRangeException(nameof(polyModulusDegree), polyModulusDegree, "The polynomial modulus degree must be a power of two from 1024 to 65536.");
        }

        if (coeffModulus.Count < 2)
        {
            throw new ArgumentException("The coefficient modulus needs at least two primes: one for data and the special prime for key switching.", nameof(coeffModulus));
        }

        N = polyModulusDegree;
        LogN = BitOperations.Log2((uint)N);
        SecurityLevel = securityLevel;
        var moduli = new Modulus[coeffModulus.Count];
        BigInteger product = BigInteger.One;
        for (int i = 0; i < moduli.Length; i++)
        {
            ulong q = coeffModulus[i];
            if (q < 2 || q >= 1UL << CoeffModulusMaxBitCount)
            {
                throw new ArgumentException($"Coefficient modulus prime {i} ({q}) must have 2 to {CoeffModulusMaxBitCount} bits.", nameof(coeffModulus));
            }

            moduli[i] = new Modulus(q);
            if (!moduli[i].IsPrime)
            {
                throw new ArgumentException($"Coefficient modulus {i} ({q}) is not prime.", nameof(coeffModulus));
            }

            if (q % (2UL * (ulong)N) != 1)
            {
                throw new ArgumentException($"Coefficient modulus {i} ({q}) is not ≡ 1 mod 2N = {2 * N}; the NTT needs it.", nameof(coeffModulus));
            }

            for (int j = 0; j < i; j++)
            {
                if (moduli[j].Value == q)
                {
                    throw new ArgumentException($"Coefficient modulus primes must be distinct; {q} appears twice.", nameof(coeffModulus));
                }
            }

            product *= q;
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
