namespace Thestage.Proofs.Training;

/// <summary>The outcome of one <see cref="FixedPointTrainer.Step"/>: the updated parameters and the batch loss.</summary>
public sealed class TrainingStepResult
{
    internal TrainingStepResult(FixedPointWeights weights, Int128 squaredErrorSum, int correct)
    {
        Weights = weights;
        SquaredErrorSum = squaredErrorSum;
        Correct = correct;
    }

    /// <summary>Gets the parameters after the update.</summary>
    public FixedPointWeights Weights { get; }

    /// <summary>
    /// Gets <c>Σ_b Σ_j (y_bj − t_bj)²</c> over the batch, in units of <c>2^−2f</c>, computed before the update from the
    /// unsaturated differences. The loss is <c>L = SquaredErrorSum · 2^−2f / (2B)</c>.
    /// </summary>
    public Int128 SquaredErrorSum { get; }

    /// <summary>Gets how many batch samples the pre-update parameters classified correctly (argmax, lowest index on ties).</summary>
    public int Correct { get; }
}
