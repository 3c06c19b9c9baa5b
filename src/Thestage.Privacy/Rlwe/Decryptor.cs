using Thestage.Privacy.Rings;

namespace Thestage.Privacy.Rlwe;

/// <summary>Decrypts ciphertexts with the secret key: m = c₀ + c₁·s + c₂·s² (SEAL <c>Decryptor</c>).</summary>
public sealed class Decryptor
{
    private readonly RlweContext _context;
    private readonly SecretKey _secretKey;

    /// <summary>Creates a decryptor.</summary>
    /// <param name="context">The context.</param>
    /// <param name="secretKey">The secret key.</param>
    /// <exception cref="ArgumentException">The key belongs to another context.</exception>
    public Decryptor(RlweContext context, SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(secretKey);
        if (!ReferenceEquals(context, secretKey.Context))
        {
            throw new ArgumentException("The secret key belongs to another context.", nameof(secretKey));
        }

        _context = context;
        _secretKey = secretKey;
    }

    /// <summary>Decrypts <paramref name="ciphertext"/> into a plaintext at its level and scale.</summary>
    /// <param name="ciphertext">A ciphertext of any size, from this context.</param>
    /// <exception cref="ArgumentException">The ciphertext belongs to another context.</exception>
    public Plaintext Decrypt(Ciphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        if (!ReferenceEquals(_context, ciphertext.Context))
        {
            throw new ArgumentException("The ciphertext belongs to another context than this decryptor's.", nameof(ciphertext));
        }

        _secretKey.ThrowIfDisposed();
        int n = _context.N;
        int level = ciphertext.Level;
        // Every limb is written below (c₀'s copy first), so the buffer needs no clearing.
        var result = new Plaintext(_context, level, ciphertext.Scale, GC.AllocateUninitializedArray<ulong>((level + 1) * n));
        Parallelism.For(level + 1, n, i =>
        {
            var q = _context.KeyModuli[i];
            ReadOnlySpan<ulong> s = _secretKey.Data.AsSpan(i * n, n);
            Span<ulong> m = result.Limb(i);
            ciphertext.Limb(0, i).CopyTo(m);
            if (ciphertext.Size == 1)
            {
                return;
            }

            PolyArith.MultiplyAdd(ciphertext.Limb(1, i), s, q, m);
            if (ciphertext.Size == 2)
            {
                return; // the common case needs no scratch: nothing secret is copied anywhere
            }

            using var power = PooledArray<ulong>.Rent(n, sensitive: true); // s², s³, …
            Span<ulong> sp = power.Span;
            PolyArith.Multiply(s, s, q, sp);
            for (int p = 2; p < ciphertext.Size; p++)
            {
                PolyArith.MultiplyAdd(ciphertext.Limb(p, i), sp, q, m);
                if (p + 1 < ciphertext.Size)
                {
                    PolyArith.Multiply(sp, s, q, sp);
                }
            }
        });

        return result;
    }
}
