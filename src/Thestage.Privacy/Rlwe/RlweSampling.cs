using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Rings;
using Thestage.Privacy.Sampling;

namespace Thestage.Privacy.Rlwe;

/// <summary>
/// Encryptions of zero over a prefix q₀…q_(m−1) of the key-level primes, in NTT form: the one place where
/// keys and ciphertexts get their randomness. Every scratch buffer here is secret-dependent (the small samples,
/// a·s, u) and is wiped before it returns to the pool (<see cref="PooledArray{T}"/>).
/// </summary>
internal static class RlweSampling
{
    /// <summary>Samples a small polynomial (ternary or error) into m limbs in NTT form.</summary>
    public static void SampleSmallNtt(RlweContext context, Shake256Stream rng, bool ternary, int limbCount, Span<ulong> destination)
    {
        int n = context.N;
        using (var small = PooledArray<sbyte>.Rent(n, sensitive: true))
        {
            Span<sbyte> s = small.Span;
            if (ternary)
            {
                Samplers.SampleTernary(rng, s);
            }
            else
            {
                Samplers.SampleCenteredBinomial(rng, s);
            }

            Samplers.ToRns(s, context.KeyModuli.AsSpan(0, limbCount), destination[..(limbCount * n)]);
        }

        for (int i = 0; i < limbCount; i++)
        {
            context.Ntt[i].Forward(destination.Slice(i * n, n));
        }
    }

    /// <summary>Expands the uniform polynomial a of m limbs (NTT form) from a seed.</summary>
    public static void ExpandUniform(RlweContext context, ReadOnlySpan<byte> seed, int limbCount, Span<ulong> destination)
    {
        using var stream = new Shake256Stream(seed);
        Samplers.SampleUniform(stream, context.KeyModuli.AsSpan(0, limbCount), context.N, destination[..(limbCount * context.N)]);
    }

    /// <summary>
    /// (c₀, c₁) = (−a·s + e, a) over m limbs with a expanded from <paramref name="seed"/> and e from a fresh CSPRNG.
    /// </summary>
    public static void EncryptZeroSymmetric(RlweContext context, SecretKey secretKey, int limbCount, ReadOnlySpan<byte> seed, Span<ulong> c0, Span<ulong> c1)
    {
        int n = context.N;
        ExpandUniform(context, seed, limbCount, c1);
        using (var rng = new Shake256Stream())
        {
            SampleSmallNtt(context, rng, ternary: false, limbCount, c0);
        }

        ReadOnlySpan<ulong> s = secretKey.Data;
        using var product = PooledArray<ulong>.Rent(n, sensitive: true); // a·s: with the public a, it is s
        Span<ulong> p = product.Span;
        for (int i = 0; i < limbCount; i++)
        {
            Modulus q = context.KeyModuli[i];
            PolyArith.Multiply(c1.Slice(i * n, n), s.Slice(i * n, n), q, p);
            PolyArith.Sub(c0.Slice(i * n, n), p, q.Value, c0.Slice(i * n, n));
        }
    }

    /// <summary>(c₀, c₁) = (b·u + e₀, a·u + e₁) over m limbs, with ternary u and errors e₀, e₁ from a fresh CSPRNG.</summary>
    public static void EncryptZeroAsymmetric(RlweContext context, PublicKey publicKey, int limbCount, Span<ulong> c0, Span<ulong> c1)
    {
        int n = context.N;
        int keyLimbs = context.KeyLimbCount;
        using var u = PooledArray<ulong>.Rent(limbCount * n, sensitive: true);
        Span<ulong> us = u.Span;
        using (var rng = new Shake256Stream())
        {
            SampleSmallNtt(context, rng, ternary: true, limbCount, us);
            SampleSmallNtt(context, rng, ternary: false, limbCount, c0);
            SampleSmallNtt(context, rng, ternary: false, limbCount, c1);
        }

        ReadOnlySpan<ulong> b = publicKey.Data.AsSpan(0, keyLimbs * n);
        ReadOnlySpan<ulong> a = publicKey.Data.AsSpan(keyLimbs * n, keyLimbs * n);
        for (int i = 0; i < limbCount; i++)
        {
            Modulus q = context.KeyModuli[i];
            PolyArith.MultiplyAdd(b.Slice(i * n, n), us.Slice(i * n, n), q, c0.Slice(i * n, n));
            PolyArith.MultiplyAdd(a.Slice(i * n, n), us.Slice(i * n, n), q, c1.Slice(i * n, n));
        }
    }
}
