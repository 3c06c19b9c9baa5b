using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Sumcheck;

/// <summary>The sumcheck verifier matching <see cref="SumcheckProver"/>; it never throws on a malformed proof.</summary>
/// <remarks>
/// <para>
/// In round <c>i</c> the verifier checks <c>g_i(0) + g_i(1) = claim</c>, absorbs <c>g_i</c>, draws <c>r_i</c> and
/// sets <c>claim = g_i(r_i)</c> (Lagrange evaluation from the values at <c>0 … d</c>). At the end it checks
/// <c>Π_k f_k(r) = claim</c> for the claimed factor evaluations and returns them, together with <c>r</c>,
/// for the caller to check against oracles or commitments.
/// </para>
/// <para>
/// Soundness error (Lund et al., JACM 1992; Thaler 2022, §4.1): at most <c>v·d / |F|</c> for challenges
/// drawn from <c>F</c>; with <see cref="GoldilocksExt2"/> (<c>|F| ≈ 2^128</c>) this is below <c>2^−115</c> for
/// <c>v ≤ 64</c> and <c>d ≤ 64</c>.
/// </para>
/// </remarks>
public static class SumcheckVerifier
{
    /// <summary>The largest supported number of factors (round-polynomial degree).</summary>
    public const int MaxDegree = 63;

    /// <summary>The largest supported number of variables.</summary>
    public const int MaxVariables = 64;

    /// <summary>Verifies a sumcheck proof of <c>Σ_{x∈{0,1}^v} Π_{k=1}^{d} f_k(x) = claimedSum</c>.</summary>
    /// <typeparam name="T">The field of values and challenges.</typeparam>
    /// <param name="transcript">The Fiat–Shamir transcript, in the same state as the prover's.</param>
    /// <param name="claimedSum">The claimed sum.</param>
    /// <param name="numVariables">The number of variables <c>v</c>.</param>
    /// <param name="degree">The number of factors <c>d</c>.</param>
    /// <param name="proof">The proof (may be null or malformed).</param>
    /// <returns>The verdict, with the random point and the claimed factor evaluations on success.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numVariables"/> or <paramref name="degree"/> is out of range.</exception>
    public static SumcheckVerification<T> Verify<T>(Transcript transcript, T claimedSum, int numVariables, int degree, SumcheckProof<T>? proof)
        where T : struct, IExtensionField<T> => Verify(transcript, claimedSum, numVariables, degree, proof, null);

    /// <summary>
    /// Verifies a sumcheck, zero-knowledge when <paramref name="masks"/> is given (<see cref="SumcheckMask{T}"/>): the proof must then
    /// carry <c>G</c> and <c>g(r)</c>, the rounds are checked against <c>claimedSum + ρ·G</c> and the end against
    /// <c>Π_k f_k(r) + ρ·g(r)</c>, and <c>g(r)</c> joins the pool's batched opening. Soundness error
    /// <c>(1 + v·d)/|E|</c>: <c>ρ</c> separates a false sum (<c>1/|E|</c>), then the rounds of <c>f + ρ·g</c>, of degree <c>d</c>.
    /// </summary>
    internal static SumcheckVerification<T> Verify<T>(Transcript transcript, T claimedSum, int numVariables, int degree, SumcheckProof<T>? proof, SumcheckMaskVerifier<T>? masks)
        where T : struct, IExtensionField<T> => Verify(transcript, claimedSum, numVariables, degree, null, proof, masks);

    /// <summary>
    /// Verifies a zero-knowledge sumcheck over masked factors (<see cref="SumcheckProver.ProveMaskedFactors{T}"/>): the single product
    /// of all factors, see <see cref="Verify{T}(Transcript, T, int, bool[], SumcheckTerm{T}[], SumcheckProof{T}, SumcheckMaskVerifier{T})"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No factor is masked, there are no variables, or the round degree exceeds <see cref="MaxDegree"/>.</exception>
    internal static SumcheckVerification<T> Verify<T>(Transcript transcript, T claimedSum, int numVariables, bool[] maskedFactors, SumcheckProof<T>? proof, SumcheckMaskVerifier<T> masks)
        where T : struct, IExtensionField<T>
    {
        ArgumentNullException.ThrowIfNull(maskedFactors);
        return Verify(transcript, claimedSum, numVariables, maskedFactors, [SumcheckTerm<T>.Product(maskedFactors.Length)], proof, masks);
    }

    /// <summary>
    /// Verifies a zero-knowledge sumcheck of a sum of products over masked factors (<see cref="SumcheckProver.ProveMaskedProducts{T}"/>):
    /// table <c>k</c> is the <see cref="MaskedExtension"/> when <c>maskedFactors[k]</c>, so the round degree is the largest term's
    /// <c>Σ_(k∈t) (1 + 2·[k masked])</c>; the rounds are checked as for any zero-knowledge sumcheck and the end against
    /// <c>Σ_t a_t·Π_(k∈t) Ḟ_k(r) + ρ·g(r)</c>. The returned factor evaluations (one per table) are claims on the masked extensions, for
    /// the caller to prove by functional openings of the committed <c>[F ‖ c]</c> (<see cref="MaskedExtension.AddWeights"/>). Soundness
    /// error <c>(1 + v·d)/|E|</c>, as for any zero-knowledge sumcheck of round degree <c>d</c>.
    /// </summary>
    /// <exception cref="ArgumentException">No factor is masked, there are no variables, the terms are invalid, or the round degree exceeds <see cref="MaxDegree"/>.</exception>
    internal static SumcheckVerification<T> Verify<T>(Transcript transcript, T claimedSum, int numVariables, bool[] maskedFactors, SumcheckTerm<T>[] terms, SumcheckProof<T>? proof, SumcheckMaskVerifier<T> masks)
        where T : struct, IExtensionField<T>
    {
        ArgumentNullException.ThrowIfNull(maskedFactors);
        ArgumentNullException.ThrowIfNull(masks);
        if (numVariables == 0 || !maskedFactors.Any(m => m) || maskedFactors.Length > MaxDegree || !SumcheckTerm<T>.Valid(terms, maskedFactors.Length)
            || MaskedProductDegree(maskedFactors, terms) > MaxDegree)
        {
            throw new ArgumentException($"At least one factor must be masked, the terms valid and the round degree at most {MaxDegree}.", nameof(maskedFactors));
        }

        return Verify(transcript, claimedSum, numVariables, MaskedProductDegree(maskedFactors, terms), (maskedFactors, terms), proof, masks);
    }

    /// <summary>The round degree of a sum of products over masked (degree 3) and plain (degree 1) tables: the largest term's.</summary>
    internal static int MaskedProductDegree<T>(bool[] maskedFactors, SumcheckTerm<T>[] terms)
        where T : struct, IExtensionField<T> => terms.Max(t => t.Factors.Sum(k => maskedFactors[k] ? 3 : 1));

    /// <summary>Absorbs the factor count and which factors are masked (one bit each), after the degree (prover and verifier alike).</summary>
    internal static void AbsorbMaskedFactors(Transcript transcript, bool[] maskedFactors)
    {
        var bits = new byte[(maskedFactors.Length + 7) / 8];
        for (int k = 0; k < maskedFactors.Length; k++)
        {
            bits[k / 8] |= (byte)(maskedFactors[k] ? 1 << (k % 8) : 0);
        }

        transcript.AbsorbUInt64(SumcheckLabels.MaskedFactors, (ulong)maskedFactors.Length);
        transcript.AbsorbBytes(SumcheckLabels.MaskedFactors, bits);
    }

    private static SumcheckVerification<T> Verify<T>(Transcript transcript, T claimedSum, int numVariables, int degree, (bool[] Masked, SumcheckTerm<T>[] Terms)? products, SumcheckProof<T>? proof, SumcheckMaskVerifier<T>? masks)
        where T : struct, IExtensionField<T>
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentOutOfRangeException.ThrowIfNegative(numVariables);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numVariables, MaxVariables);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(degree);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(degree, MaxDegree);

        int factors = products?.Masked.Length ?? degree;
        if (proof is null || proof.RoundCount != numVariables || proof.FactorEvaluations.Length != factors || proof.IsMasked != masks is not null)
        {
            return SumcheckVerification<T>.Fail(SumcheckFailure.MalformedProof);
        }

        for (int round = 0; round < numVariables; round++)
        {
            if (proof.GetRoundPolynomial(round).Length != degree + 1)
            {
                return SumcheckVerification<T>.Fail(SumcheckFailure.MalformedProof, round);
            }
        }

        (int Chunk, int Offset)? slot = masks?.TryTake(transcript, numVariables, degree);
        if (masks is not null && slot is null)
        {
            return SumcheckVerification<T>.Fail(SumcheckFailure.MalformedProof);
        }

        transcript.AbsorbUInt64(SumcheckLabels.NumVariables, (ulong)numVariables);
        transcript.AbsorbUInt64(SumcheckLabels.Degree, (ulong)degree);
        if (products is { } structure)
        {
            AbsorbMaskedFactors(transcript, structure.Masked);
            SumcheckTerm<T>.Absorb(transcript, structure.Terms);
        }

        transcript.Absorb(SumcheckLabels.ClaimedSum, claimedSum);
        T weight = T.Zero;
        if (masks is not null)
        {
            transcript.Absorb(SumcheckLabels.MaskSum, proof.MaskSum);
            weight = transcript.Challenge<T>(SumcheckLabels.MaskWeight);
        }

        var point = new T[numVariables];
        for (int round = 0; round < numVariables; round++)
        {
            transcript.Absorb(SumcheckLabels.Round, proof.GetRoundPolynomial(round));
            point[round] = transcript.Challenge<T>(SumcheckLabels.Challenge);
        }

        T[] factorEvaluations = proof.FactorEvaluations.ToArray();
        transcript.Absorb<T>(SumcheckLabels.FactorEvaluations, factorEvaluations);
        (SumcheckFailure failure, int failedRound, T claim) = Check(claimedSum, proof, weight, point, products?.Terms);
        if (failure == SumcheckFailure.RoundSumMismatch)
        {
            return new SumcheckVerification<T>(failure, failedRound, point[..failedRound], claim, []);
        }

        if (masks is not null)
        {
            masks.Accumulate(transcript, slot!.Value, point, degree, proof.MaskValue);
        }

        return new SumcheckVerification<T>(failure, -1, point, claim, factorEvaluations);
    }

    /// <summary>
    /// The checks of a well-shaped proof given its challenges (the transcript is not touched, so the simulator of the tests can
    /// program them): <c>g_0(0) + g_0(1) = claimedSum + ρ·G</c>, <c>g_i(0) + g_i(1) = g_(i−1)(r_(i−1))</c>, and
    /// <c>Π_k f_k(r) + ρ·g(r) = g_(v−1)(r_(v−1))</c> (<c>ρ = 0</c>, no mask terms, for a plain proof; <c>Σ_t a_t·Π_(k∈t) f_k(r)</c> instead of
    /// the product for a sum of products).
    /// </summary>
    /// <returns>The failure (or none), the failing round (or −1) and the reduced claim.</returns>
    internal static (SumcheckFailure Failure, int Round, T Claim) Check<T>(T claimedSum, SumcheckProof<T> proof, T weight, ReadOnlySpan<T> point, SumcheckTerm<T>[]? terms = null)
        where T : struct, IExtensionField<T>
    {
        T claim = proof.IsMasked ? claimedSum + (weight * proof.MaskSum) : claimedSum;
        for (int round = 0; round < point.Length; round++)
        {
            ReadOnlySpan<T> values = proof.GetRoundPolynomial(round);
            if (values[0] + values[1] != claim)
            {
                return (SumcheckFailure.RoundSumMismatch, round, claim);
            }

            claim = UnivariatePolynomial.EvaluateFromNodeValues(values, point[round]);
        }

        T product = T.One;
        if (terms is not null)
        {
            product = SumcheckTerm<T>.Evaluate(terms, proof.FactorEvaluations);
        }
        else
        {
            foreach (T evaluation in proof.FactorEvaluations)
            {
                product *= evaluation;
            }
        }

        if (proof.IsMasked)
        {
            product += weight * proof.MaskValue;
        }

        return (product == claim ? SumcheckFailure.None : SumcheckFailure.FinalEvaluationMismatch, -1, claim);
    }
}
