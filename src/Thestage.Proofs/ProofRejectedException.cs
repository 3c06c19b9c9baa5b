namespace Thestage.Proofs;

/// <summary>
/// Thrown inside a verifier on the first failed check of a protocol written once for prover and verifier
/// (<see cref="Inference.LayerRelations"/>, <see cref="Training.StepRelations"/>); the verifier's entry point catches it and
/// rejects. It never leaves a public method.
/// </summary>
internal sealed class ProofRejectedException : Exception
{
}
