namespace Thestage.Proofs.Sumcheck;

/// <summary>Why a sumcheck (or a protocol built on it) was rejected.</summary>
/// <remarks>
/// The checks follow the verifier of Lund, Fortnow, Karloff and Nisan, "Algebraic methods for
/// interactive proof systems", JACM 1992 (see Thaler, "Proofs, Arguments, and Zero-Knowledge", 2022, §4.1).
/// </remarks>
public enum SumcheckFailure
{
    /// <summary>The proof was accepted.</summary>
    None = 0,

    /// <summary>The proof is missing or has the wrong shape (number of rounds, evaluations per round or factors).</summary>
    MalformedProof = 1,

    /// <summary>A round polynomial <c>g_i</c> does not satisfy <c>g_i(0) + g_i(1) = claim</c> (the claimed sum is wrong in round 0).</summary>
    RoundSumMismatch = 2,

    /// <summary>The product of the claimed factor evaluations differs from the reduced final claim.</summary>
    FinalEvaluationMismatch = 3,

    /// <summary>A claimed factor evaluation disagrees with the verifier's own access to that factor (oracle or commitment).</summary>
    OracleEvaluationMismatch = 4,
}
