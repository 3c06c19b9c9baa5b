using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Ckks;

public sealed partial class Evaluator
{
    /// <summary>Returns a divided by its last prime q_ℓ with rounding: level ℓ − 1, scale a.Scale / q_ℓ.</summary>
    /// <exception cref="InvalidOperationException">The ciphertext is at level 0: the modulus chain is exhausted.</exception>
    public Ciphertext RescaleToNext(Ciphertext a)
    {
        CheckCiphertext(a, nameof(a));
        ThrowIfLastLevel(a.Level, "rescale");
        int n = _context.N, level = a.Level, limbs = a.LimbCount;
        var result = new Ciphertext(_context, a.Size, level - 1, a.Scale / _context.KeyModuli[level].Value, zeroed: false);
        RnsTool.DivideRoundByLast(_context, a.Size, level, a.Data, limbs * n, level, _context.GetLevel(level).InvLastModulus, result.Data, level * n, accumulatePolys: 0, sensitive: false);
        return result;
    }

    /// <summary>a ← a divided by its last prime with rounding, in a's own buffer (nothing is allocated).</summary>
    /// <exception cref="InvalidOperationException">The ciphertext is at level 0.</exception>
    public void RescaleToNextInplace(Ciphertext a)
    {
        CheckCiphertext(a, nameof(a));
        ThrowIfLastLevel(a.Level, "rescale");
        int n = _context.N, level = a.Level, limbs = a.LimbCount;
        // Each limb is divided where it stands (the last limbs are read first), then the polynomials are moved together.
        RnsTool.DivideRoundByLast(_context, a.Size, level, a.Data, limbs * n, level, _context.GetLevel(level).InvLastModulus, a.Data, limbs * n, accumulatePolys: 0, sensitive: false);
        double scale = a.Scale / _context.KeyModuli[level].Value;
        DropLastLimb(a);
        a.SetScale(scale);
    }

    /// <summary>Returns a with its last prime dropped (level ℓ − 1, same scale and message).</summary>
    /// <exception cref="InvalidOperationException">The ciphertext is at level 0.</exception>
    public Ciphertext ModSwitchToNext(Ciphertext a)
    {
        CheckCiphertext(a, nameof(a));
        ThrowIfLastLevel(a.Level, "mod-switch");
        int n = _context.N, limbs = a.LimbCount;
        var result = new Ciphertext(_context, a.Size, a.Level - 1, a.Scale, zeroed: false);
        for (int p = 0; p < a.Size; p++)
        {
            a.Data.AsSpan(p * limbs * n, (limbs - 1) * n).CopyTo(result.Poly(p));
        }

        return result;
    }

    /// <summary>a ← a with its last prime dropped, in a's own buffer.</summary>
    /// <exception cref="InvalidOperationException">The ciphertext is at level 0.</exception>
    public void ModSwitchToNextInplace(Ciphertext a)
    {
        CheckCiphertext(a, nameof(a));
        ThrowIfLastLevel(a.Level, "mod-switch");
        DropLastLimb(a);
    }

    // Level ℓ → ℓ − 1 keeping limbs 0…ℓ−1 of every polynomial: polynomial p moves from p·(ℓ+1)·N to p·ℓ·N (front to
    // back, so each move reads words no earlier move has written over); the array keeps its length.
    private void DropLastLimb(Ciphertext a)
    {
        int n = _context.N, level = a.Level;
        for (int p = 1; p < a.Size; p++)
        {
            a.Data.AsSpan(p * (level + 1) * n, level * n).CopyTo(a.Data.AsSpan(p * level * n, level * n));
        }

        a.Resize(a.Size, level - 1);
    }

    /// <summary>Returns a mod-switched down to <paramref name="level"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The level is above a's level or below 0.</exception>
    public Ciphertext ModSwitchTo(Ciphertext a, int level)
    {
        CheckCiphertext(a, nameof(a));
        if (level < 0 || level > a.Level)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"A ciphertext at level {a.Level} can be switched down to levels 0…{a.Level}.");
        }

        int n = _context.N, limbs = a.LimbCount, keep = level + 1;
        var result = new Ciphertext(_context, a.Size, level, a.Scale, zeroed: false);
        for (int p = 0; p < a.Size; p++)
        {
            a.Data.AsSpan(p * limbs * n, keep * n).CopyTo(result.Poly(p));
        }

        return result;
    }

    /// <summary>Returns p with its last prime dropped (level ℓ − 1, same scale).</summary>
    /// <exception cref="InvalidOperationException">The plaintext is at level 0.</exception>
    public Plaintext ModSwitchToNext(Plaintext p)
    {
        CheckPlaintext(p, nameof(p));
        ThrowIfLastLevel(p.Level, "mod-switch");
        return new Plaintext(_context, p.Level - 1, p.Scale, p.Data.AsSpan(0, p.Level * _context.N).ToArray());
    }

    /// <summary>p ← p with its last prime dropped.</summary>
    /// <exception cref="InvalidOperationException">The plaintext is at level 0.</exception>
    public void ModSwitchToNextInplace(Plaintext p)
    {
        CheckPlaintext(p, nameof(p));
        ThrowIfLastLevel(p.Level, "mod-switch");
        p.DropToLevel(p.Level - 1);
    }

    private static void ThrowIfLastLevel(int level, string operation)
    {
        if (level == 0)
        {
            throw new InvalidOperationException($"Cannot {operation} at level 0: the modulus chain is exhausted. Choose parameters with more primes for this depth.");
        }
    }
}
