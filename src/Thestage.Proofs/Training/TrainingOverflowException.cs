namespace Thestage.Proofs.Training;

/// <summary>
/// Thrown by <see cref="FixedPointTrainer"/> when a value or parameter would leave the range of its
/// <see cref="TrainingConfig"/> width. Fixed-point training here is checked, never saturating, so that every
/// intermediate is exactly what the step proofs range-check; the step that throws changes nothing.
/// </summary>
public sealed class TrainingOverflowException : OverflowException
{
    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What overflowed, where, and what to change.</param>
    public TrainingOverflowException(string message)
        : base(message)
    {
    }
}
