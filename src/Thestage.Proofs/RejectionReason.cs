namespace Thestage.Proofs;

/// <summary>Which kind of check rejected a proof (<see cref="ProofVerdict.Reason"/>); shared by every verifier of the SDK.</summary>
/// <remarks>
/// A verifier runs its checks in protocol order and reports the first that fails: the policy and the statement before any
/// proof message is read, then the messages in the order the prover sent them (lookups, relations, openings), then that no
/// message is left over. <see cref="ProofVerdict.Relation"/> says where the failed check lies.
/// </remarks>
public enum RejectionReason
{
    /// <summary>Nothing failed: the proof was accepted.</summary>
    None = 0,

    /// <summary>
    /// The proof is missing or malformed: a missing part, a wrong count or length, too few prover messages for the protocol
    /// or messages left over after it, a sumcheck with the wrong number of rounds or factors, an opening of the wrong shape.
    /// </summary>
    Format,

    /// <summary>
    /// The statement is invalid or does not match the proof: inputs or outputs out of range or of the wrong count, a batch
    /// too large for the circuit, a step or snapshot index outside the run or not the one expected, an architecture that does
    /// not fit the training configuration, a bundle made against another commitment.
    /// </summary>
    Statement,

    /// <summary>
    /// The statement is refused by the <see cref="VerifierPolicy"/>: its proofs are weaker than
    /// <see cref="VerifierPolicy.MinimumSoundnessBits"/>, its model commitment's opening budget exceeds
    /// <see cref="VerifierPolicy.MaximumOpeningBudget"/>, or a sampled training proof has fewer steps than
    /// <see cref="VerifierPolicy.MinimumSampleSize"/> or was drawn from another seed.
    /// </summary>
    SoundnessPolicy,

    /// <summary>The model commitment's weight range proof, on which the proof relies, is rejected (<see cref="Inference.ModelCommitment.CheckWeightRanges()"/>).</summary>
    WeightRanges,

    /// <summary>The logUp range check of the committed limbs fails (its fractional sumcheck, leaf identity or multiplicities).</summary>
    Lookup,

    /// <summary>An identity of the protocol fails: a sumcheck reducing it (<see cref="ProofVerdict.Sumcheck"/>, <see cref="ProofVerdict.SumcheckRound"/>) or a check of the values it left.</summary>
    Relation,

    /// <summary>
    /// Opening a commitment fails: the sumcheck batching the claims on a committed polynomial, a Ligero opening
    /// (<see cref="ProofVerdict.Opening"/>), or a training batch's opening of the dataset commitment.
    /// </summary>
    Opening,

    /// <summary>
    /// The <see cref="VerifierPolicy"/> requires zero-knowledge (<see cref="VerifierPolicy.RequireZeroKnowledge"/>) and the statement
    /// was made in the non-hiding mode: a model commitment or training transcript with plain Ligero parameters
    /// (<see cref="Commitments.LigeroParameters.NonHidingForBenchmarks"/>); checked before its soundness.
    /// </summary>
    NotZeroKnowledge,
}
