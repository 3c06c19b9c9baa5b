namespace Thestage.Server.Cluster;

/// <summary>How <see cref="ClusterProving"/> spreads a run's proofs over the cluster.</summary>
public sealed record ClusterProvingOptions
{
    /// <summary>
    /// The pieces sent to the cluster at once: 16 by default. Each holds its witness in the gatherer's and a silo's memory
    /// (about 250 KB for a 784-64-10 step); keep it at least the cluster's total proving concurrency so no silo idles.
    /// </summary>
    public int MaxPiecesInFlight { get; init; } = 16;

    /// <summary>
    /// How long a piece whose silo was lost is retried on the others: 2 minutes by default (the cluster takes its membership
    /// probes' time to declare a silo dead).
    /// </summary>
    public TimeSpan RetryFor { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How many times a piece may come back with a proof that does not verify before the run fails: 3 by default
    /// (each retry goes to the next silo).</summary>
    public int MaxRejectedProofs { get; init; } = 3;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1 or the retry time is negative.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPiecesInFlight, 1, nameof(MaxPiecesInFlight));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryFor, TimeSpan.Zero, nameof(RetryFor));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRejectedProofs, 1, nameof(MaxRejectedProofs));
    }
}
