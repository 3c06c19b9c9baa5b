using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Sumcheck;

/// <summary>The prover's result: the proof and the random point it was bound to (for later openings).</summary>
/// <typeparam name="T">The field.</typeparam>
/// <remarks>See Thaler, "Proofs, Arguments, and Zero-Knowledge" (2022), §4.1.</remarks>
public sealed class SumcheckProverOutput<T>
    where T : struct, IExtensionField<T>
{
    private readonly T[] _point;

    internal SumcheckProverOutput(SumcheckProof<T> proof, T[] point)
    {
        Proof = proof;
        _point = point;
    }

    /// <summary>Gets the proof.</summary>
    public SumcheckProof<T> Proof { get; }

    /// <summary>Gets the point <c>r</c> at which the factors were finally evaluated.</summary>
    public ReadOnlySpan<T> Point => _point;
}
