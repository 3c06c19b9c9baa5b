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
/// Each step is a coefficient-wise operator of <c>Rings/WordOperators.cs</c> at the machine's widest width; the
/// forward NTT of (r − ⌊p/2⌋) mod qᵢ runs lazily (input in [0, 2q), output in [0, 4q)), since the final
/// operator takes xᵢ + 4qᵢ − t through Shoup's product, which accepts any 64-bit input.
/// </remarks>
internal static class RnsTool
{
    /// <summary>
    /// For each of <paramref name="polys"/> polynomials p: destination limb i (+)= round(x_p/P) mod qᵢ for
    /// i &lt; <paramref name="targetCount"/>, where x_p has the NTT-form residues of limbs 0…targetCount of
    /// <paramref name="source"/>'s polynomial p (limb i modulo prime i, the last limb modulo the prime of index
    /// <paramref name="lastIndex"/>).
    /// </summary>
    /// <param name="context">The context.</param>
    /// <param name="polys">The number of polynomials.</param>
    /// <param name="targetCount">The number of target primes q₀…q_(targetCount−1).</param>
    /// <param name="source">Polynomial p at offset p·<paramref name="sourceStride"/>: targetCount + 1 limbs, NTT form.</param>
    /// <param name="sourceStride">The distance between the source's polynomials, at least (targetCount + 1)·N.</param>
    /// <param name="lastIndex">The index of the last prime in <see cref="RlweContext.KeyModuli"/>.</param>
    /// <param name="invLast">P⁻¹ mod qᵢ for each target prime.</param>
    /// <param name="destination">Polynomial p at offset p·<paramref name="destinationStride"/>: targetCount limbs. It may
    /// alias the source when each destination limb is the source limb at the same index (the same strides).</param>
    /// <param name="destinationStride">The distance between the destination's polynomials.</param>
    /// <param name="accumulatePolys">The first this many polynomials are added to the destination; the others overwrite it.</param>
    /// <param name="sensitive">The input is secret-dependent (a public-key encryption before its rounding): wipe the scratch buffers.</param>
    public static void DivideRoundByLast(
        RlweContext context,
        int polys,
        int targetCount,
        ReadOnlyMemory<ulong> source,
        int sourceStride,
        int lastIndex,
        MultiplyOperand[] invLast,
        Memory<ulong> destination,
        int destinationStride,
        int accumulatePolys,
        bool sensitive)
    {
        int n = context.N;
        Modulus p = context.KeyModuli[lastIndex];
        ulong half = p.Value >> 1;
        using var last = PooledArray<ulong>.Rent(polys * n, sensitive);
        Memory<ulong> lastMemory = last.Memory;
        Parallelism.For(polys, n, k =>
        {
            Span<ulong> l = lastMemory.Span.Slice(k * n, n);
            source.Span.Slice(k * sourceStride + targetCount * n, n).CopyTo(l);
            context.Ntt[lastIndex].Inverse(l);
            PolyArith.AddScalar(l, half, p.Value, l);
        });

        Parallelism.For(polys * targetCount, n, k =>
        {
            int poly = k / targetCount, i = k % targetCount;
            DivideLimb(
                context,
                i,
                lastMemory.Span.Slice(poly * n, n),
                half,
                invLast[i],
                source.Span.Slice(poly * sourceStride + i * n, n),
                destination.Span.Slice(poly * destinationStride + i * n, n),
                poly < accumulatePolys,
                sensitive);
        });
    }

    private static void DivideLimb(RlweContext context, int i, ReadOnlySpan<ulong> last, ulong half, MultiplyOperand inv, ReadOnlySpan<ulong> x, Span<ulong> d, bool accumulate, bool sensitive)
    {
        int n = context.N;
        Modulus q = context.KeyModuli[i];
        using var temp = PooledArray<ulong>.Rent(n, sensitive);
        Span<ulong> t = temp.Span;
        Elementwise.Unary(last, t, new ReduceSubtractLazyOperator(q, q.Reduce(half)));
        context.Ntt[i].ForwardLazy(t);
        if (accumulate)
        {
            Elementwise.Accumulate(x, t, d, new SubtractMultiplyScalarAddOperator(inv, q.Value));
        }
        else
        {
            Elementwise.Binary(x, t, d, new SubtractMultiplyScalarOperator(inv, q.Value));
        }
    }

    /// <summary>p⁻¹ mod qᵢ for the last prime of a prefix of <paramref name="limbCount"/> primes of the key level.</summary>
    public static MultiplyOperand[] InverseOfLast(RlweContext context, int limbCount)
        => limbCount == context.KeyLimbCount ? context.InvSpecialModulus : context.GetLevel(limbCount - 1).InvLastModulus;
}
