namespace Thestage.Proofs.Training;

/// <summary>
/// Every intermediate integer of one SGD step of <see cref="FixedPointTrainer"/>, laid out as the step proof reads
/// them: value tensors feature-major (<c>[i·B + b]</c> for feature <c>i</c> of batch sample <c>b</c>), gradient tensors
/// like the weights (<c>[j·in + i]</c>).
/// </summary>
/// <remarks>
/// For layer <c>l</c> (<c>L</c> layers): <c>A[l]</c> its input (<c>A[0] = X</c>, hidden <c>A[l] = max(Z[l−1], 0)</c>);
/// <c>Z[l]</c>, <c>R[l]</c> with <c>acc + 2^(f−1) = 2^f·Z + R</c>; <c>D[l]</c> the error <c>δ_l</c>; for hidden
/// <c>l &lt; L − 1</c>: <c>Q[l]</c>, <c>S[l]</c> with <c>W_(l+1)ᵀδ_(l+1) + 2^(f−1) = 2^f·Q + S</c> and
/// <c>D[l] = [Z[l] ≥ 0]·Q[l]</c>; <c>P[l]</c>, <c>PB[l]</c> the update remainders with
/// <c>G + 2^(u−1) = 2^u·(W − W′) + P</c> (and likewise for the biases).
/// </remarks>
internal sealed class StepTrace
{
    public required int[] Batch { get; init; }

    public required long[][] A { get; init; }

    public required long[][] Z { get; init; }

    public required long[][] R { get; init; }

    public required long[][] D { get; init; }

    public required long[][] Q { get; init; }

    public required long[][] S { get; init; }

    public required long[][] P { get; init; }

    public required long[][] PB { get; init; }

    public required TrainingStepResult Result { get; init; }
}
