namespace Thestage.Models;

/// <summary>How <see cref="ActivationFitter"/> fits each activation polynomial.</summary>
public sealed record ActivationFitOptions
{
    /// <summary>
    /// The accuracy asked: the largest |p(x) − f(x)| allowed on the covered interval, as a fraction of f's range there
    /// (max f − min f). The smallest degree that reaches it is chosen (default 0.02, i.e. 2 %).
    /// </summary>
    public double MaxRelativeError { get; init; } = 0.02;

    /// <summary>The highest degree tried, 1 to 31 (default 15: CKKS depth 4). When no degree reaches the accuracy, this one is taken and the fit says so.</summary>
    public int MaxDegree { get; init; } = 15;

    /// <summary>The calibrated range [min, max] is widened by this fraction of its width on each side to give the covered interval (default 0.1).</summary>
    public double Margin { get; init; } = 0.1;

    /// <summary>
    /// The fit stays close to f — bounded for sigmoid and tanh — up to this many half-widths from the covered interval's
    /// center (default 2: inputs 1.5× beyond the calibrated range are inside, even for a range that excludes 0). Points
    /// there are fitted with <see cref="GuardWeight"/>. 1 gives the plain near-minimax fit on the covered interval, which
    /// grows like |t|^d outside it.
    /// </summary>
    /// <remarks>Measured (degree 15; error on the covered interval / on the guard band): sigmoid on [−9.6, 9.6] 0.0034 / 35 at
    /// G = 1, 0.015 / 0.023 at G = 1.5, 0.034 / 0.060 at G = 2; ReLU on [−5, 7] 0.12 / 937, 0.17 / 0.17, 0.22 / 0.22.</remarks>
    public double GuardFactor { get; init; } = 2;

    /// <summary>The least-squares weight of the points outside the covered interval, relative to 1 inside (default 0.05).</summary>
    public double GuardWeight { get; init; } = 0.05;

    internal void Validate()
    {
        if (!(MaxRelativeError > 0) || !double.IsFinite(MaxRelativeError))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRelativeError), MaxRelativeError, "The accuracy must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDegree, 1, nameof(MaxDegree));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDegree, ChebyshevFit.MaxDegree, nameof(MaxDegree));
        if (!(Margin >= 0) || Margin > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(Margin), Margin, "The margin is a fraction from 0 to 10.");
        }

        if (!(GuardFactor >= 1) || GuardFactor > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(GuardFactor), GuardFactor, "The guard factor is from 1 to 16.");
        }

        if (!(GuardWeight > 0) || GuardWeight > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(GuardWeight), GuardWeight, "The guard weight is in (0, 1].");
        }
    }
}
