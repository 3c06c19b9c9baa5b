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
/// <para>2. For every target prime, Σ_j d_j·key_j for both key components at once, reducing once per coefficient
/// (<see cref="DigitProduct"/>: exact sums of 30-bit partial products in registers, at the machine's widest width), and
/// divide both by P with rounding (<see cref="RnsTool.DivideRoundByLast"/>).</para>
/// <para>Hoisting (Halevi–Shoup, "Faster homomorphic linear transformations in HElib", CRYPTO 2018): the digits of
/// σ_g(c₁) are σ_g of the digits of c₁ (the automorphism permutes coefficients with signs, which commutes with the
/// centered lift, and is a permutation in the NTT domain), so several rotations of one ciphertext share step 1 and
/// differ only in a permuted read of the digits in step 2.</para>
/// </remarks>
internal static unsafe class KeySwitching
{
    /// <summary>
    /// destination += the switch of <paramref name="target"/>: polynomial 0 of <paramref name="destination"/> (ℓ + 1 limbs)
    /// gets u₀, polynomial 1 (the next ℓ + 1 limbs) u₁; the first <paramref name="accumulatePolys"/> of the two are added
    /// to, the others overwritten.
    /// </summary>
    public static void SwitchKey(RlweContext context, ReadOnlySpan<ulong> target, int level, KeySwitchingKey key, Memory<ulong> destination, int accumulatePolys)
    {
        using PooledArray<ulong> digits = Decompose(context, target, level);
        InnerProduct(context, digits.Array, level, key, permutation: null, destination, accumulatePolys);
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
    /// destination (+)= ⌊(Σ_j σ(d_j)·key_j) / P⌉ for decomposed digits (both components, laid out as in
    /// <see cref="SwitchKey"/>), where σ is the NTT-domain permutation of a Galois automorphism (identity when
    /// <paramref name="permutation"/> is null).
    /// </summary>
    public static void InnerProduct(RlweContext context, ulong[] digits, int level, KeySwitchingKey key, int[]? permutation, Memory<ulong> destination, int accumulatePolys)
    {
        int n = context.N, count = level + 1, targets = level + 2;
        using var products = PooledArray<ulong>.Rent(2 * targets * n, sensitive: false); // [component][target][N]
        ulong[] sums = products.Array;
        Parallelism.For(targets, n * count, t => ProductOfTarget(context, digits, level, t, key, permutation, sums));
        RnsTool.DivideRoundByLast(context, 2, count, products.Memory, targets * n, context.KeyLimbCount - 1, context.InvSpecialModulus, destination, count * n, accumulatePolys, sensitive: false);
    }

    // The two sums of target t: sums[t] = Σ_j σ(d_j)·b_j and sums[targets + t] = Σ_j σ(d_j)·a_j modulo its prime.
    private static void ProductOfTarget(RlweContext context, ulong[] digits, int level, int t, KeySwitchingKey key, int[]? permutation, ulong[] sums)
    {
        int n = context.N, count = level + 1, targets = level + 2, keyLimbs = context.KeyLimbCount;
        int prime = t <= level ? t : keyLimbs - 1;
        ulong[] source = digits;
        int sourceOffset = t * count * n;
        PooledArray<ulong> gathered = default;
        if (permutation is not null)
        {
            gathered = PooledArray<ulong>.Rent(count * n, sensitive: false);
            // σ(d_j)[x] = d_j[perm[x]]: gathered once per digit, then read by the vector kernel.
            for (int j = 0; j < count; j++)
            {
                ReadOnlySpan<ulong> digit = digits.AsSpan(sourceOffset + j * n, n);
                Span<ulong> g = gathered.Array.AsSpan(j * n, n);
                for (int x = 0; x < n; x++)
                {
                    g[x] = digit[permutation[x]];
                }
            }

            source = gathered.Array;
            sourceOffset = 0;
        }

        ulong** d = stackalloc ulong*[count];
        ulong** k0 = stackalloc ulong*[count];
        ulong** k1 = stackalloc ulong*[count];
        // Pinned for the call; the key components never move (KeySwitchingKey.AllocateComponent).
        fixed (ulong* ps = source, pt = sums)
        {
            for (int j = 0; j < count; j++)
            {
                d[j] = ps + sourceOffset + j * n;
                k0[j] = key.Address(j, prime * n);
                k1[j] = key.Address(j, (keyLimbs + prime) * n);
            }

            DigitProduct.Run(d, k0, k1, count, n, context.KeyModuli[prime], pt + t * n, pt + (targets + t) * n);
        }

        gathered.Dispose();
    }
}
