namespace Thestage.Proofs.Commitments;

/// <summary>The outcome of checking a Ligero opening (<see cref="LigeroVerifier.Check{TExt}"/>): accepted, or the first check that failed.</summary>
/// <remarks>The checks run in the order of the members below; see <see cref="LigeroVerifier"/> remarks.</remarks>
public enum LigeroVerdict
{
    /// <summary>Every check passed.</summary>
    Accepted = 0,

    /// <summary>The proof is missing, or its row count, row lengths, point dimension or extension field do not match the commitment and parameters.</summary>
    WrongShape,

    /// <summary>The evaluation row does not give the claimed value (<c>⟨u, eq(r_col)⟩</c>, or <c>Σ_(H_k) q</c> when hiding).</summary>
    WrongValue,

    /// <summary>The number of opened columns differs from the number of distinct queried columns.</summary>
    WrongColumnCount,

    /// <summary>The opened columns and salts do not hash to the commitment's Merkle root.</summary>
    MerkleMismatch,

    /// <summary>An opened column disagrees with the proximity row (the random combination of all rows is not the committed one).</summary>
    ProximityMismatch,

    /// <summary>An opened column disagrees with the evaluation row.</summary>
    EvaluationMismatch,
}
