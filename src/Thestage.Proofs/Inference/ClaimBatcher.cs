using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Inference;

/// <summary>
/// Discharges many evaluation claims on segments of committed polynomials with one Ligero opening per
/// polynomial: with a random <c>ρ</c>, <c>Σ_j ρ^j y_j = Σ_x P(x)·W(x)</c> for <c>W(x) = Σ_j ρ^j eq(P_j, x)</c> is proven by a
/// degree-2 sumcheck, which leaves the single claim <c>P̃(s)</c> for the opening and <c>W̃(s)</c> for the verifier
/// to compute in <c>O(claims · v)</c>.
/// </summary>
/// <remarks>
/// <para>
/// Multi-point batching by sumcheck (Thaler, "Proofs, Arguments, and Zero-Knowledge", 2022, §4.5.2, and the
/// batch-evaluation reductions of Hyrax/Spartan). Soundness error: <c>k/|F|</c> for the random combination of
/// <c>k</c> claims plus <c>2v/|F|</c> for the sumcheck, plus the opening's (<see cref="LigeroParameters"/>).
/// </para>
/// <para>
/// A claim with a mask segment is on the masked extension <c>Ṡ(z) = S̃(z) + ⟨m(z), c⟩</c> (<see cref="MaskedExtension"/>): a linear
/// functional of the polynomial like an evaluation, so <c>W</c> gets <c>m(z)</c> on the mask's entries besides <c>eq(z, ·)</c> on the
/// segment, and the verifier evaluates that part of <c>W̃(s)</c> as <c>Σ_j m(z)_j·(eq(e_j, s) + u·eq(e_j + 1, s))</c> over the mask's entry
/// indices <c>e_j</c> (<c>O(v_S + v)</c> per claim: a mask segment is aligned to its size, so one equality table of its own coordinates
/// serves every mask of that size); the soundness is unchanged. Zero-knowledge, over hiding commitments with masked
/// sumchecks: the claimed values are uniform (at most <see cref="MaskedExtension.MaxClaims"/> per segment), the rounds are masked,
/// <c>W̃(s)</c> is public, and the one value the opening proves, <c>P̃(s)</c>, is uniform when the polynomial also holds at least two
/// uniform base entries that no claim reads (a random segment: <c>Σ_x eq(s, x)·R(x)</c> with two entries whose weights are
/// independent over the base field covers <c>E</c>).
/// </para>
/// </remarks>
internal static class ClaimBatcher
{
    private const string RhoLabel = "batch/rho";

    public static LigeroOpeningProof<T>[] Prove<T>(
        Transcript transcript, ProofBuilder<T> builder, SegmentLayout layout, Goldilocks[][] polynomials, LigeroProverState[] states, IReadOnlyList<SegmentClaim<T>> claims)
        where T : struct, IExtensionField<T>
    {
        var openings = new LigeroOpeningProof<T>[polynomials.Length];
        for (int g = 0; g < polynomials.Length; g++)
        {
            (T[] weights, T sum) = Combine(transcript, layout, g, claims, polynomials[g].Length);
            T[] table = Array.ConvertAll(polynomials[g], T.FromBase);
            SumcheckProverOutput<T> output = SumcheckProver.ProveTables(transcript, sum, [table, weights], builder.Masks);
            builder.AddSumcheck(output.Proof);
            openings[g] = LigeroProver.Open(transcript, states[g], output.Point, out _);
        }

        return openings;
    }

    /// <summary>
    /// Verifies the batched claims on <paramref name="commitments"/> (named <paramref name="polynomials"/> in a rejection), throwing
    /// <see cref="ProofRejectedException"/> on the first failed check.
    /// </summary>
    public static void Verify<T>(
        Transcript transcript, ProofCursor<T> cursor, SegmentLayout layout, LigeroCommitment[] commitments, LigeroParameters parameters,
        IReadOnlyList<SegmentClaim<T>> claims, IReadOnlyList<LigeroOpeningProof<T>> openings, string polynomials)
        where T : struct, IExtensionField<T>
    {
        string relation = "opening of " + polynomials;
        ProofVerdict.Require(openings.Count == commitments.Length, RejectionReason.Format, relation);
        for (int g = 0; g < commitments.Length; g++)
        {
            int v = layout.NumVariables[g];
            ProofVerdict.Require(commitments[g].NumVariables == v, RejectionReason.Statement, relation);
            T rho = transcript.Challenge<T>(RhoLabel);
            T power = T.One, sum = T.Zero;
            var lifted = new List<(T Weight, T[] Point)>();
            foreach (SegmentClaim<T> claim in claims.Where(c => layout.PolynomialOf(c.Segment) == g))
            {
                sum += power * claim.Value;
                lifted.Add((power, layout.Lift<T>(claim.Segment, claim.Point)));
                power *= rho;
            }

            ProofVerdict.Require(cursor.TryNextSumcheck(out SumcheckProof<T>? proof), RejectionReason.Format, relation);
            SumcheckVerification<T> result = SumcheckVerifier.Verify(transcript, sum, v, 2, proof, cursor.Masks);
            ProofVerdict.Require(result, RejectionReason.Opening, relation);
            T expected = T.Zero;
            foreach ((T weight, T[] point) in lifted)
            {
                expected += weight * EqPolynomial.Evaluate<T>(point, result.Point);
            }

            expected += MaskWeights(layout, g, claims, rho, result.Point);

            ProofVerdict.Require(expected == result.FactorEvaluations[1], RejectionReason.Opening, relation);
            ProofVerdict.Require(LigeroVerifier.Check(transcript, commitments[g], parameters, result.Point, result.FactorEvaluations[0], openings[g]), relation);
        }
    }

    /// <summary>
    /// The mask part of <c>W̃(s)</c> for the masked claims on polynomial <paramref name="polynomial"/> (weighted by the powers of
    /// <paramref name="rho"/> in claim order, as <see cref="Combine"/>): <c>Σ_j m(z)_j·(eq(e_j, s) + u·eq(e_j + 1, s))</c>.
    /// </summary>
    private static T MaskWeights<T>(SegmentLayout layout, int polynomial, IReadOnlyList<SegmentClaim<T>> claims, T rho, ReadOnlySpan<T> s)
        where T : struct, IExtensionField<T>
    {
        T power = T.One, total = T.Zero;
        var low = new Dictionary<int, T[]>();
        foreach (SegmentClaim<T> claim in claims.Where(c => layout.PolynomialOf(c.Segment) == polynomial))
        {
            if (claim.MaskSegment >= 0)
            {
                // The mask segment's offset is a multiple of its size 2^m (SegmentLayout), so entry e of it is the index (offset/2^m, e):
                // eq(bits(offset + e), s) = eq(bits(offset/2^m), s_high)·eq(bits(e), s_low), s_low the last m coordinates, whose table
                // is shared by every mask of that size (O(2^m) once, then O(entries + v) per claim instead of O(entries·v)).
                int offset = MaskOffset(layout, claim);
                int logSize = layout.LogSizeOf(claim.MaskSegment);
                if (!low.TryGetValue(logSize, out T[]? eqLow))
                {
                    eqLow = EqPolynomial.Table<T>(s[(s.Length - logSize)..]);
                    low.Add(logSize, eqLow);
                }

                T[] maskPoint = claim.MaskPoint ?? claim.Point;
                var functional = new T[MaskedExtension.Entries(maskPoint.Length)];
                MaskedExtension.AddWeights<T>(maskPoint, power, functional, 0, 0, masksOnly: true);
                T inside = T.Zero;
                for (int e = 0; e < functional.Length; e++)
                {
                    inside += functional[e] * eqLow[e];
                }

                total += inside * EqAtIndex(offset >> logSize, s[..(s.Length - logSize)]);
            }

            power *= rho;
        }

        return total;
    }

    /// <summary><c>eq(bits(index), s)</c>, the most significant bit first.</summary>
    private static T EqAtIndex<T>(int index, ReadOnlySpan<T> s)
        where T : struct, IExtensionField<T>
    {
        T value = T.One;
        for (int i = 0; i < s.Length; i++)
        {
            value *= ((index >> (s.Length - 1 - i)) & 1) != 0 ? s[i] : T.One - s[i];
        }

        return value;
    }

    /// <summary>The offset of a masked claim's coefficients, which must lie in the claimed segment's polynomial and fit their segment.</summary>
    private static int MaskOffset<T>(SegmentLayout layout, SegmentClaim<T> claim)
        where T : struct, IExtensionField<T>
    {
        if (layout.PolynomialOf(claim.MaskSegment) != layout.PolynomialOf(claim.Segment) || 1 << layout.LogSizeOf(claim.MaskSegment) < MaskedExtension.Entries((claim.MaskPoint ?? claim.Point).Length))
        {
            throw new ArgumentException("A masked claim's coefficients must fit a segment of the same polynomial.", nameof(claim));
        }

        return layout.OffsetOf(claim.MaskSegment);
    }

    private static (T[] Weights, T Sum) Combine<T>(Transcript transcript, SegmentLayout layout, int polynomial, IReadOnlyList<SegmentClaim<T>> claims, int size)
        where T : struct, IExtensionField<T>
    {
        T rho = transcript.Challenge<T>(RhoLabel);
        var weights = new T[size];
        T power = T.One, sum = T.Zero;
        foreach (SegmentClaim<T> claim in claims.Where(c => layout.PolynomialOf(c.Segment) == polynomial))
        {
            sum += power * claim.Value;
            T[] lifted = layout.Lift<T>(claim.Segment, claim.Point);
            int prefix = lifted.Length - claim.Point.Length;
            int offset = 0;
            for (int i = 0; i < prefix; i++)
            {
                offset = (offset << 1) | (lifted[i] == T.One ? 1 : 0);
            }

            offset <<= claim.Point.Length;
            FieldKernels.AddScaled<T>(weights.AsSpan(offset), power, EqPolynomial.Table<T>(claim.Point));
            if (claim.MaskSegment >= 0)
            {
                MaskedExtension.AddWeights<T>(claim.MaskPoint ?? claim.Point, power, weights, 0, MaskOffset(layout, claim), masksOnly: true);
            }

            power *= rho;
        }

        return (weights, sum);
    }
}
