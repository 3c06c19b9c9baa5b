using System.Buffers;
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
/// of a rotation at N = 8192, {60, 40, 40, 60}, Δ = 2^40 falls from 4.5e-7 to the noise floor).</para>
/// <para>2. For every target prime t ∈ {q₀…q_ℓ, P}: lift each digit to t, forward NTT, and accumulate
/// Σ_j d_j·key_j in 128-bit words, reducing once (products &lt; 2^120, so up to 256 digits cannot overflow).</para>
/// <para>3. Divide by P with rounding (<see cref="RnsTool.DivideRoundByLast"/>) and add.</para>
/// Steps 1–2 run in parallel over limbs; the digit of prime t is already in NTT form modulo t and is not
/// transformed twice.
/// </remarks>
internal static class KeySwitching
{
    public static void SwitchKey(RlweContext context, ReadOnlySpan<ulong> target, int level, KeySwitchingKey key, Memory<ulong> c0, Memory<ulong> c1)
    {
        int n = context.N;
        int digits = level + 1;
        int targets = level + 2;
        int specialIndex = context.KeyLimbCount - 1;
        int keyLimbs = context.KeyLimbCount;

        ulong[] coeff = ArrayPool<ulong>.Shared.Rent(digits * n);
        ulong[] ntt = ArrayPool<ulong>.Shared.Rent(digits * n);
        ulong[] acc = ArrayPool<ulong>.Shared.Rent(2 * targets * n); // [component][target][N]
        try
        {
            target[..(digits * n)].CopyTo(ntt);
            target[..(digits * n)].CopyTo(coeff);
            Parallelism.For(digits, n, j => context.Ntt[j].Inverse(coeff.AsSpan(j * n, n)));

            Parallelism.For(targets, n, t =>
            {
                int prime = t <= level ? t : specialIndex;
                Modulus q = context.KeyModuli[prime];
                UInt128[] sum0 = ArrayPool<UInt128>.Shared.Rent(n);
                UInt128[] sum1 = ArrayPool<UInt128>.Shared.Rent(n);
                ulong[] lifted = ArrayPool<ulong>.Shared.Rent(n);
                try
                {
                    Span<UInt128> s0 = sum0.AsSpan(0, n), s1 = sum1.AsSpan(0, n);
                    s0.Clear();
                    s1.Clear();
                    Span<ulong> u = lifted.AsSpan(0, n);
                    for (int j = 0; j < digits; j++)
                    {
                        ReadOnlySpan<ulong> digit;
                        if (j == prime)
                        {
                            digit = ntt.AsSpan(j * n, n);
                        }
                        else
                        {
                            PolyArith.LiftCentered(coeff.AsSpan(j * n, n), context.KeyModuli[j].Value, q, u);
                            context.Ntt[prime].Forward(u);
                            digit = u;
                        }

                        ulong[] component = key.Components[j];
                        ReadOnlySpan<ulong> k0 = component.AsSpan(prime * n, n);
                        ReadOnlySpan<ulong> k1 = component.AsSpan((keyLimbs + prime) * n, n);
                        for (int x = 0; x < n; x++)
                        {
                            ulong dx = digit[x];
                            s0[x] += Math.BigMul(dx, k0[x]);
                            s1[x] += Math.BigMul(dx, k1[x]);
                        }
                    }

                    Span<ulong> a0 = acc.AsSpan(t * n, n);
                    Span<ulong> a1 = acc.AsSpan((targets + t) * n, n);
                    for (int x = 0; x < n; x++)
                    {
                        a0[x] = q.Reduce((ulong)s0[x], (ulong)(s0[x] >> 64));
                        a1[x] = q.Reduce((ulong)s1[x], (ulong)(s1[x] >> 64));
                    }
                }
                finally
                {
                    ArrayPool<UInt128>.Shared.Return(sum0);
                    ArrayPool<UInt128>.Shared.Return(sum1);
                    ArrayPool<ulong>.Shared.Return(lifted);
                }
            });

            for (int component = 0; component < 2; component++)
            {
                int offset = component * targets * n;
                RnsTool.DivideRoundByLast(
                    context,
                    digits,
                    acc.AsMemory(offset, digits * n),
                    acc.AsSpan(offset + digits * n, n),
                    specialIndex,
                    context.InvSpecialModulus,
                    component == 0 ? c0 : c1,
                    accumulate: true);
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(coeff);
            ArrayPool<ulong>.Shared.Return(ntt);
            ArrayPool<ulong>.Shared.Return(acc);
        }
    }
}
