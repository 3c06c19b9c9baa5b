using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Rings;

namespace Thestage.Privacy.Rlwe;

/// <summary>
/// Hybrid key switching with one special prime (SEAL <c>Evaluator::switch_key_inplace</c>): given d in NTT
/// form at level ℓ and a key from s′ to s, adds to (c₀, c₁) a pair (u₀, u₁) with u₀ + u₁·s ≈ d·s′.
/// </summary>
/// <remarks>
/// <para>1. Decompose d into its RNS digits d_j = [d]_(q_j) (inverse NTT of limb j), j = 0…ℓ, taken in the
/// centered range (−q_j/2, q_j/2]. Any representative satisfies Σ_j d_j·ẽ_j ≡ d (mod Q_ℓ); the centered one
/// removes the mean q_j/2 of a uniform digit, whose product with the key error, (q_j/2)·e_j·(1 + X + … + X^(N−1)),
/// concentrates on the slots near ζ^(±1) and there costs about four bits of precision (measured: max slot error
/// of a rotation at N = 8192, {60, 40, 40, 60}, Δ = 2^40 falls from 4.5e-7 to the noise floor). Each digit is lifted
/// to every target prime t ∈ {q₀…q_ℓ, P} and transformed (<see cref="Decompose"/>).</para>
/// <para>2. For every target prime, accumulate Σ_j d_j·key_j in 128-bit words, reducing once (products &lt; 2^120,
/// so up to 256 digits cannot overflow), and divide by P with rounding (<see cref="RnsTool.DivideRoundByLast"/>).</para>
/// <para>Hoisting (Halevi–Shoup, "Faster homomorphic linear transformations in HElib", CRYPTO 2018): the digits of
/// σ_g(c₁) are σ_g of the digits of c₁ (the automorphism permutes coefficients with signs, which commutes with the
/// centered lift, and is a permutation in the NTT domain), so several rotations of one ciphertext share step 1 and
/// differ only in a permuted read of the digits in step 2.</para>
/// </remarks>
internal static class KeySwitching
{
    public static void SwitchKey(RlweContext context, ReadOnlySpan<ulong> target, int level, KeySwitchingKey key, Memory<ulong> c0, Memory<ulong> c1)
    {
        using PooledArray<ulong> digits = Decompose(context, target, level);
        InnerProduct(context, digits.Array, level, key, permutation: null, c0, c1);
    }

    /// <summary>
    /// The digits of <paramref name="target"/> lifted to every target prime, NTT form, laid out [target t][digit j][N]
    /// (t = 0…ℓ for the data primes, ℓ + 1 for P). The caller owns the result and disposes it. Ciphertext data is public,
    /// so the scratch of key switching is not wiped.
    /// </summary>
    public static PooledArray<ulong> Decompose(RlweContext context, ReadOnlySpan<ulong> target, int level)
    {
        int n = context.N, digits = level + 1, targets = level + 2;
        int specialIndex = context.KeyLimbCount - 1;
        var result = PooledArray<ulong>.Rent(targets * digits * n, sensitive: false);
        try
        {
            using var coeff = PooledArray<ulong>.Rent(digits * n, sensitive: false);
            ulong[] r = result.Array, c = coeff.Array;
            target[..(digits * n)].CopyTo(c);
            for (int j = 0; j < digits; j++)
            {
                // The digit of prime j is already in NTT form modulo q_j: it is not transformed twice.
                target.Slice(j * n, n).CopyTo(r.AsSpan((j * digits + j) * n, n));
            }

            Parallelism.For(digits, n, j => context.Ntt[j].Inverse(c.AsSpan(j * n, n)));
            Parallelism.For(targets, n * digits, t =>
            {
                int prime = t <= level ? t : specialIndex;
                Modulus q = context.KeyModuli[prime];
                for (int j = 0; j < digits; j++)
                {
                    if (j == prime)
                    {
                        continue;
                    }

                    Span<ulong> u = r.AsSpan((t * digits + j) * n, n);
                    PolyArith.LiftCentered(c.AsSpan(j * n, n), context.KeyModuli[j].Value, q, u);
                    context.Ntt[prime].Forward(u);
                }
            });
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>
    /// (c₀, c₁) += ⌊(Σ_j σ(d_j)·key_j) / P⌉ for decomposed digits, where σ is the NTT-domain permutation of a Galois
    /// automorphism (identity when <paramref name="permutation"/> is null).
    /// </summary>
    public static void InnerProduct(RlweContext context, ulong[] digits, int level, KeySwitchingKey key, int[]? permutation, Memory<ulong> c0, Memory<ulong> c1)
    {
        int n = context.N, count = level + 1, targets = level + 2;
        int specialIndex = context.KeyLimbCount - 1, keyLimbs = context.KeyLimbCount;
        using var accumulator = PooledArray<ulong>.Rent(2 * targets * n, sensitive: false); // [component][target][N]
        ulong[] acc = accumulator.Array;
        Parallelism.For(targets, n * count, t =>
        {
            int prime = t <= level ? t : specialIndex;
            Modulus q = context.KeyModuli[prime];
            using var sum0 = PooledArray<UInt128>.Rent(n, sensitive: false);
            using var sum1 = PooledArray<UInt128>.Rent(n, sensitive: false);
            Span<UInt128> s0 = sum0.Span, s1 = sum1.Span;
            s0.Clear();
            s1.Clear();
            for (int j = 0; j < count; j++)
            {
                ReadOnlySpan<ulong> digit = digits.AsSpan((t * count + j) * n, n);
                ulong[] component = key.Components[j];
                ReadOnlySpan<ulong> k0 = component.AsSpan(prime * n, n);
                ReadOnlySpan<ulong> k1 = component.AsSpan((keyLimbs + prime) * n, n);
                if (permutation is null)
                {
                    for (int x = 0; x < n; x++)
                    {
                        ulong dx = digit[x];
                        s0[x] += Math.BigMul(dx, k0[x]);
                        s1[x] += Math.BigMul(dx, k1[x]);
                    }
                }
                else
                {
                    for (int x = 0; x < n; x++)
                    {
                        ulong dx = digit[permutation[x]];
                        s0[x] += Math.BigMul(dx, k0[x]);
                        s1[x] += Math.BigMul(dx, k1[x]);
                    }
                }
            }

            Span<ulong> a0 = acc.AsSpan(t * n, n);
            Span<ulong> a1 = acc.AsSpan((targets + t) * n, n);
            for (int x = 0; x < n; x++)
            {
                a0[x] = q.Reduce((ulong)s0[x], (ulong)(s0[x] >> 64));
                a1[x] = q.Reduce((ulong)s1[x], (ulong)(s1[x] >> 64));
            }
        });

        for (int component = 0; component < 2; component++)
        {
            int offset = component * targets * n;
            RnsTool.DivideRoundByLast(
                context,
                count,
                acc.AsMemory(offset, count * n),
                acc.AsSpan(offset + count * n, n),
                specialIndex,
                context.InvSpecialModulus,
                component == 0 ? c0 : c1,
                accumulate: true,
                sensitive: false);
        }
    }
}
