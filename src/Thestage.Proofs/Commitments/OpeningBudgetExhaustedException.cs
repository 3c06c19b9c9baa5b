namespace Thestage.Proofs.Commitments;

/// <summary>
/// Thrown by a prover asked to open a hiding commitment more often than its <see cref="LigeroParameters.OpeningBudget"/>:
/// every mask set has been used, and one more opening would reveal the committed table beyond what the budget hides
/// (see <see cref="LigeroParameters"/> remarks, "Opening budget"). Commit again (a new commitment) to prove more.
/// </summary>
public sealed class OpeningBudgetExhaustedException : InvalidOperationException
{
    /// <summary>Initializes a new exception.</summary>
    /// <param name="budget">The commitment's opening budget.</param>
    public OpeningBudgetExhaustedException(int budget)
        : base($"The commitment's opening budget of {budget} openings is used up; one more opening would reveal the committed values. Commit again to prove more.")
    {
        Budget = budget;
    }

    /// <summary>Gets the opening budget that is used up.</summary>
    public int Budget { get; }
}
