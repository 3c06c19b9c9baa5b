using System.Diagnostics.CodeAnalysis;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs;

/// <summary>
/// A verifier's verdict on a proof: accepted, or which check rejected it and where — the one verdict type of every verifier of
/// the SDK (inference, weight ranges, training steps and runs, snapshot ranges, the initial snapshot, the model link). Each
/// verifier's <c>bool</c> method is its <c>Check</c> method's <see cref="IsAccepted"/>.
/// </summary>
/// <remarks>
/// Following Plonky3's <c>SumcheckError</c> and this SDK's <see cref="LigeroVerdict"/> and <see cref="SumcheckFailure"/>: a malformed or
/// false proof is a value, never an exception. For a sumcheck or an opening the component's own verdict is kept
/// (<see cref="Sumcheck"/> with <see cref="SumcheckRound"/>, <see cref="Opening"/>), so a rejection reads, for instance,
/// "Relation in layer 2 (Dense): sumcheck RoundSumMismatch in round 3".
/// </remarks>
public sealed class ProofVerdict
{
    private ProofVerdict(RejectionReason reason, string? relation, SumcheckFailure sumcheck, int sumcheckRound, LigeroVerdict opening)
    {
        Reason = reason;
        Relation = relation;
        Sumcheck = sumcheck;
        SumcheckRound = sumcheckRound;
        Opening = opening;
    }

    /// <summary>Gets the verdict of an accepted proof.</summary>
    public static ProofVerdict Accepted { get; } = new(RejectionReason.None, null, SumcheckFailure.None, -1, LigeroVerdict.Accepted);

    /// <summary>Gets a value indicating whether the proof was accepted.</summary>
    public bool IsAccepted => Reason == RejectionReason.None;

    /// <summary>Gets which kind of check failed, or <see cref="RejectionReason.None"/>.</summary>
    public RejectionReason Reason { get; }

    /// <summary>
    /// Gets where the failed check lies — the part of the proof and the relation, e.g. <c>"layer 2 (Dense)"</c>,
    /// <c>"step 5: forward, layer 0"</c>, <c>"snapshot 3: opening of limbs"</c> — or <see langword="null"/> when accepted or
    /// when the whole proof or statement failed.
    /// </summary>
    public string? Relation { get; }

    /// <summary>Gets why the sumcheck of the failed check was rejected, or <see cref="SumcheckFailure.None"/> when no sumcheck failed.</summary>
    public SumcheckFailure Sumcheck { get; }

    /// <summary>Gets the round in which that sumcheck failed (<see cref="SumcheckVerification{T}.FailedRound"/>), or −1.</summary>
    public int SumcheckRound { get; }

    /// <summary>Gets why the Ligero opening of the failed check was rejected, or <see cref="LigeroVerdict.Accepted"/> when no opening failed.</summary>
    public LigeroVerdict Opening { get; }

    /// <summary>Describes the verdict in one line.</summary>
    /// <returns>"Accepted", or the reason, where, and the sumcheck or opening verdict.</returns>
    public override string ToString()
    {
        if (IsAccepted)
        {
            return "Accepted";
        }

        string text = Relation is null ? Reason.ToString() : $"{Reason} in {Relation}";
        if (Sumcheck != SumcheckFailure.None)
        {
            text += SumcheckRound >= 0 ? $": sumcheck {Sumcheck} in round {SumcheckRound}" : $": sumcheck {Sumcheck}";
        }

        return Opening == LigeroVerdict.Accepted ? text : $"{text}: opening {Opening}";
    }

    /// <summary>A rejection.</summary>
    internal static ProofVerdict Reject(RejectionReason reason, string? relation = null) => new(reason, relation, SumcheckFailure.None, -1, LigeroVerdict.Accepted);

    /// <summary>Runs checks that throw <see cref="ProofRejectedException"/> and returns their verdict.</summary>
    internal static ProofVerdict Of(Action checks)
    {
        try
        {
            checks();
            return Accepted;
        }
        catch (ProofRejectedException rejection)
        {
            return rejection.Verdict;
        }
    }

    /// <summary>Throws the rejection unless <paramref name="condition"/> holds.</summary>
    internal static void Require(bool condition, RejectionReason reason, string? relation = null)
    {
        if (!condition)
        {
            Throw(reason, relation);
        }
    }

    /// <summary>Throws unless the sumcheck was accepted: <see cref="RejectionReason.Format"/> for a malformed one, else <paramref name="reason"/>.</summary>
    internal static void Require<T>(SumcheckVerification<T> result, RejectionReason reason, string? relation)
        where T : struct, IExtensionField<T>
    {
        if (!result.IsValid)
        {
            throw new ProofRejectedException(new(
                result.Failure == SumcheckFailure.MalformedProof ? RejectionReason.Format : reason, relation, result.Failure, result.FailedRound, LigeroVerdict.Accepted));
        }
    }

    /// <summary>Throws unless the Ligero opening was accepted: <see cref="RejectionReason.Format"/> for one of the wrong shape, else <see cref="RejectionReason.Opening"/>.</summary>
    internal static void Require(LigeroVerdict opening, string? relation)
    {
        if (opening != LigeroVerdict.Accepted)
        {
            throw new ProofRejectedException(new(
                opening == LigeroVerdict.WrongShape ? RejectionReason.Format : RejectionReason.Opening, relation, SumcheckFailure.None, -1, opening));
        }
    }

    /// <summary>The exception of a rejection, for <c>?? throw</c>.</summary>
    internal static ProofRejectedException Rejection(RejectionReason reason, string? relation = null) => new(Reject(reason, relation));

    /// <summary>Throws the rejection.</summary>
    [DoesNotReturn]
    internal static void Throw(RejectionReason reason, string? relation = null) => throw new ProofRejectedException(Reject(reason, relation));

    /// <summary>The same verdict, located inside <paramref name="part"/> of a larger proof (a step, a snapshot), with another reason if given.</summary>
    internal ProofVerdict Within(string part, RejectionReason? reason = null) =>
        IsAccepted ? this : new(reason ?? Reason, Relation is null ? part : $"{part}: {Relation}", Sumcheck, SumcheckRound, Opening);
}
