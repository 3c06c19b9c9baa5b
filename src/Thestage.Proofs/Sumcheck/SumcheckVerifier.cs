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
        where T : struct, IExtensionField<T>
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentOutOfRangeException.ThrowIfNegative(numVariables);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numVariables, MaxVariables);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(degree);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(degree, MaxDegree);

        if (proof is null || proof.RoundCount != numVariables || proof.FactorEvaluations.Length != degree)
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

        transcript.AbsorbUInt64(SumcheckLabels.NumVariables, (ulong)numVariables);
        transcript.AbsorbUInt64(SumcheckLabels.Degree, (ulong)degree);
        transcript.Absorb(SumcheckLabels.ClaimedSum, claimedSum);

        var point = new T[numVariables];
        T claim = claimedSum;
        for (int round = 0; round < numVariables; round++)
        {
            ReadOnlySpan<T> values = proof.GetRoundPolynomial(round);
            if (values[0] + values[1] != claim)
            {
                return new SumcheckVerification<T>(SumcheckFailure.RoundSumMismatch, round, point[..round], claim, []);
            }

            transcript.Absorb(SumcheckLabels.Round, values);
            T challenge = transcript.Challenge<T>(SumcheckLabels.Challenge);
            point[round] = challenge;
            claim = UnivariatePolynomial.EvaluateFromNodeValues(values, challenge);
        }

        T[] factorEvaluations = proof.FactorEvaluations.ToArray();
        transcript.Absorb<T>(SumcheckLabels.FactorEvaluations, factorEvaluations);
        T product = T.One;
        foreach (T evaluation in factorEvaluations)
        {
            product *= evaluation;
        }

        SumcheckFailure failure = product == claim ? SumcheckFailure.None : SumcheckFailure.FinalEvaluationMismatch;
        return new SumcheckVerification<T>(failure, -1, point, claim, factorEvaluations);
    }
}
