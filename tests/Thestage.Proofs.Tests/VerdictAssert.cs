using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Tests;

/// <summary>Asserts a verifier's <see cref="ProofVerdict"/>: the reason and where the failed check lies.</summary>
internal static class VerdictAssert
{
    /// <summary>Asserts a rejection for <paramref name="reason"/>, in a relation starting with <paramref name="relation"/> when given.</summary>
    public static void Rejected(ProofVerdict verdict, RejectionReason reason, string? relation = null)
    {
        Assert.True(verdict.Reason == reason && !verdict.IsAccepted, $"Expected a rejection for {reason}, got: {verdict}.");
        if (relation is not null)
        {
            Assert.True(verdict.Relation?.StartsWith(relation, StringComparison.Ordinal) == true, $"Expected a rejection in \"{relation}…\", got: {verdict}.");
        }
    }

    /// <summary>Asserts a rejection for <paramref name="reason"/> in <paramref name="relation"/> by its sumcheck, failing as <paramref name="sumcheck"/> in <paramref name="round"/>.</summary>
    public static void Rejected(ProofVerdict verdict, RejectionReason reason, string relation, SumcheckFailure sumcheck, int round)
    {
        Rejected(verdict, reason, relation);
        Assert.True(verdict.Sumcheck == sumcheck && verdict.SumcheckRound == round, $"Expected the sumcheck to fail as {sumcheck} in round {round}, got: {verdict}.");
    }

    /// <summary>Asserts acceptance.</summary>
    public static void Accepted(ProofVerdict verdict) => Assert.True(verdict.IsAccepted, $"Expected acceptance, got: {verdict}.");
}
