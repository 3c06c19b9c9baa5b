using Thestage.Privacy.Rings;
using Thestage.Privacy.Sampling;

namespace Thestage.Privacy.Rlwe;

/// <summary>
/// Encrypts plaintexts with the public key (asymmetric) or the secret key (symmetric), as SEAL's <c>Encryptor</c>.
/// </summary>
/// <remarks>
/// Public-key encryption at level ℓ samples (b·u + e₀, a·u + e₁) over one more prime than the target
/// (q_(ℓ+1), or P at the top level) and divides by it with rounding, which shrinks the encryption noise
/// to the rounding error (SEAL <c>encrypt_zero_internal</c>). Symmetric encryption draws a from a 32-byte
/// seed kept with the ciphertext, so that it can be stored seeded (half the size).
/// </remarks>
public sealed class Encryptor
{
    private readonly RlweContext _context;
    private readonly PublicKey? _publicKey;
    private readonly SecretKey? _secretKey;

    /// <summary>Creates a public-key encryptor.</summary>
    /// <param name="context">The context.</param>
    /// <param name="publicKey">The public key.</param>
    /// <exception cref="ArgumentException">The key belongs to another context.</exception>
    public Encryptor(RlweContext context, PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(publicKey);
        CheckContext(context, publicKey.Context, nameof(publicKey));
        _context = context;
        _publicKey = publicKey;
    }

    /// <summary>Creates a symmetric (secret-key) encryptor.</summary>
    /// <param name="context">The context.</param>
    /// <param name="secretKey">The secret key.</param>
    /// <exception cref="ArgumentException">The key belongs to another context.</exception>
    public Encryptor(RlweContext context, SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(secretKey);
        CheckContext(context, secretKey.Context, nameof(secretKey));
        _context = context;
        _secretKey = secretKey;
    }

    /// <summary>Encrypts <paramref name="plaintext"/> at its level and scale.</summary>
    /// <param name="plaintext">The plaintext, from this context.</param>
    /// <returns>A fresh ciphertext of size 2.</returns>
    /// <exception cref="ArgumentException">The plaintext belongs to another context.</exception>
    public Ciphertext Encrypt(Plaintext plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        CheckContext(_context, plaintext.Context, nameof(plaintext));
        Ciphertext result = _secretKey is not null ? EncryptZeroSymmetric(plaintext.Level) : EncryptZeroAsymmetric(plaintext.Level);
        result.Scale = plaintext.Scale;
        int n = _context.N;
        for (int i = 0; i <= plaintext.Level; i++)
        {
            PolyArith.Add(result.Limb(0, i), plaintext.Limb(i), _context.KeyModuli[i].Value, result.Limb(0, i));
        }

        return result;
    }

    /// <summary>Encrypts zero at <paramref name="level"/> with scale 1.</summary>
    /// <param name="level">A data level.</param>
    public Ciphertext EncryptZero(int level)
    {
        _context.ValidateLevel(level);
        return _secretKey is not null ? EncryptZeroSymmetric(level) : EncryptZeroAsymmetric(level);
    }

    private Ciphertext EncryptZeroSymmetric(int level)
    {
        _secretKey!.ThrowIfDisposed();
        var result = new Ciphertext(_context, 2, level, 1.0);
        byte[] seed = Shake256Stream.NewSeed();
        RlweSampling.EncryptZeroSymmetric(_context, _secretKey, level + 1, seed, result.Poly(0), result.Poly(1));
        result.Seed = seed;
        return result;
    }

    private Ciphertext EncryptZeroAsymmetric(int level)
    {
        int n = _context.N;
        int limbs = level + 2; // one prime above the target: q_(ℓ+1), or P when ℓ = L
        // (b·u + e₀, a·u + e₁) before the division: it holds the errors, so it is wiped (as are DivideRoundByLast's buffers).
        using var temp = PooledArray<ulong>.Rent(2 * limbs * n, sensitive: true);
        ulong[] t = temp.Array;
        RlweSampling.EncryptZeroAsymmetric(_context, _publicKey!, limbs, t.AsSpan(0, limbs * n), t.AsSpan(limbs * n, limbs * n));
        var result = new Ciphertext(_context, 2, level, 1.0, zeroed: false);
        RnsTool.DivideRoundByLast(
            _context,
            2,
            level + 1,
            temp.Memory,
            limbs * n,
            limbs - 1,
            RnsTool.InverseOfLast(_context, limbs),
            result.Data,
            (level + 1) * n,
            accumulatePolys: 0,
            sensitive: true);
        return result;
    }

    private static void CheckContext(RlweContext expected, RlweContext actual, string name)
    {
        if (!ReferenceEquals(expected, actual))
        {
            throw new ArgumentException("The object belongs to another context than this encryptor's.", name);
        }
    }
}
