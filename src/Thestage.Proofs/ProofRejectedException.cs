namespace Thestage.Proofs;

/// <summary>
/// Thrown inside a verifier on the first failed check (<see cref="ProofVerdict.Require(bool, RejectionReason, string?)"/>), in
/// particular by protocols written once for prover and verifier (<see cref="Inference.LayerRelations"/>,
/// <see cref="Training.StepRelations"/>); the verifier's entry point turns it into its <see cref="ProofVerdict"/>
/// (<see cref="ProofVerdict.Of"/>). It never leaves a public method.
/// </summary>
internal sealed class ProofRejectedException(ProofVerdict verdict) : Exception
{
    /// <summary>Gets the rejection.</summary>
    public ProofVerdict Verdict { get; } = verdict;
}
