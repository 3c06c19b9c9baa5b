using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Rings;

namespace Thestage.Privacy.Rlwe;

/// <summary>
/// The RNS base conversions of full-RNS CKKS: division by the last prime with rounding, in NTT form.
/// It drops the special prime after key switching and public-key encryption, and q_ℓ when rescaling.
/// </summary>
/// <remarks>
/// For x with residues over q₀…q_(m−1) and a last prime p: round(x/p) = (x + ⌊p/2⌋ − r)/p with
/// r = (x + ⌊p/2⌋) mod p, so limb i becomes (xᵢ − (r − ⌊p/2⌋) mod qᵢ)·p⁻¹ mod qᵢ. r is an exact residue,
/// so the result is exact (Cheon et al., SAC 2018, "A full RNS variant of approximate homomorphic
/// encryption", §3.2; SEAL <c>RNSTool::divide_and_round_q_last_ntt_inplace</c>).
/// </remarks>
internal static class RnsTool
{
    /// <summary>
    /// destinationᵢ (+)= round(x/p) mod qᵢ for i &lt; <paramref name="targetCount"/>, where x has NTT-form
    /// residues <paramref name="values"/> (limb i for prime index i) and <paramref name="lastLimb"/> modulo
    /// the prime with index <paramref name="lastIndex"/>.
    /// </summary>
    /// <param name="context">The context.</param>
    /// <param name="targetCount">The number of target primes q₀…q_(targetCount−1).</param>
    /// <param name="values">targetCount limbs, NTT form.</param>
    /// <param name="lastLimb">The residue modulo the last prime, NTT form.</param>
    /// <param name="lastIndex">The index of the last prime in <see cref="RlweContext.KeyModuli"/>.</param>
    /// <param name="invLast">p⁻¹ mod qᵢ for each target prime.</param>
    /// <param name="destination">targetCount limbs; may alias <paramref name="values"/>.</param>
    /// <param name="accumulate">Add to <paramref name="destination"/> instead of overwriting it.</param>
    /// <param name="sensitive">The input is secret-dependent (a public-key encryption before its rounding): wipe the scratch buffers.</param>
    public static void DivideRoundByLast(
        RlweContext context,
        int targetCount,
        ReadOnlyMemory<ulong> values,
        ReadOnlySpan<ulong> lastLimb,
        int lastIndex,
        MultiplyOperand[] invLast,
        Memory<ulong> destination,
        bool accumulate,
        bool sensitive)
    {
        int n = context.N;
        Modulus p = context.KeyModuli[lastIndex];
        ulong half = p.Value >> 1;
        using var last = PooledArray<ulong>.Rent(n, sensitive);
        Span<ulong> lastSpan = last.Span;
        lastLimb.CopyTo(lastSpan);
        context.Ntt[lastIndex].Inverse(lastSpan);
        PolyArith.AddScalar(lastSpan, half, p.Value, lastSpan);
        ReadOnlyMemory<ulong> lastMemory = last.Memory;
        Parallelism.For(targetCount, n, i => DivideLimb(context, i, lastMemory.Span, half, invLast[i], values.Span.Slice(i * n, n), destination.Span.Slice(i * n, n), accumulate, sensitive));
    }

    private static void DivideLimb(RlweContext context, int i, ReadOnlySpan<ulong> lastSpan, ulong half, MultiplyOperand inv, ReadOnlySpan<ulong> x, Span<ulong> d, bool accumulate, bool sensitive)
    {
        int n = context.N;
        Modulus q = context.KeyModuli[i];
        ulong qv = q.Value;
        ulong halfMod = q.Reduce(half);
        using var temp = PooledArray<ulong>.Rent(n, sensitive);
        Span<ulong> t = temp.Span;
        for (int j = 0; j < n; j++)
        {
            t[j] = ModArith.Sub(q.Reduce(lastSpan[j]), halfMod, qv);
        }

        context.Ntt[i].Forward(t);
        if (accumulate)
        {
            for (int j = 0; j < n; j++)
            {
                ulong r = inv.Multiply(ModArith.Sub(x[j], t[j], qv), qv);
                d[j] = ModArith.Add(d[j], r, qv);
            }
        }
        else
        {
            for (int j = 0; j < n; j++)
            {
                d[j] = inv.Multiply(ModArith.Sub(x[j], t[j], qv), qv);
            }
        }
    }

    /// <summary>p⁻¹ mod qᵢ for the last prime of a prefix of <paramref name="limbCount"/> primes of the key level.</summary>
    public static MultiplyOperand[] InverseOfLast(RlweContext context, int limbCount)
        => limbCount == context.KeyLimbCount ? context.InvSpecialModulus : context.GetLevel(limbCount - 1).InvLastModulus;
}
