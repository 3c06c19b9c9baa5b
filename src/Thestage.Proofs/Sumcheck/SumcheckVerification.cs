using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// The verifier's verdict on a sumcheck: on success, the random point <c>r</c>, the reduced claim and
/// the factor evaluations <c>f_k(r)</c> that the caller must still check against its oracles or
/// commitments; on failure, a typed reason and the failing round.
/// </summary>
/// <typeparam name="T">The field.</typeparam>
/// <remarks>See Thaler, "Proofs, Arguments, and Zero-Knowledge" (2022), §4.1.</remarks>
public sealed class SumcheckVerification<T>
    where T : struct, IExtensionField<T>
{
    private readonly T[] _point;
    private readonly T[] _factorEvaluations;

    internal SumcheckVerification(SumcheckFailure failure, int failedRound, T[] point, T finalClaim, T[] factorEvaluations)
    {
        Failure = failure;
        FailedRound = failedRound;
        _point = point;
        FinalClaim = finalClaim;
        _factorEvaluations = factorEvaluations;
    }

    /// <summary>Gets a value indicating whether the proof was accepted.</summary>
    public bool IsValid => Failure == SumcheckFailure.None;

    /// <summary>Gets the reason for rejection, or <see cref="SumcheckFailure.None"/>.</summary>
    public SumcheckFailure Failure { get; }

    /// <summary>Gets the round at which a round check failed, or −1.</summary>
    public int FailedRound { get; }

    /// <summary>Gets the random point <c>r</c> (the challenges drawn so far; complete on success).</summary>
    public ReadOnlySpan<T> Point => _point;

    /// <summary>Gets the reduced claim <c>g_v(r_v)</c>, equal to <c>Π_k f_k(r)</c> on success.</summary>
    public T FinalClaim { get; }

    /// <summary>Gets the prover's claimed <c>f_k(r)</c>, to be checked by the caller.</summary>
    public ReadOnlySpan<T> FactorEvaluations => _factorEvaluations;

    internal static SumcheckVerification<T> Fail(SumcheckFailure failure, int round = -1) =>
        new(failure, round, [], T.Zero, []);
}
