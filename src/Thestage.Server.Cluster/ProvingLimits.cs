namespace Thestage.Server.Cluster;

/// <summary>
/// What a silo proves (<see cref="ClusterProving.AddDistributedProving(Orleans.Hosting.ISiloBuilder, ProvingLimits)"/>): the
/// proofs it runs at once and the largest pieces it accepts. A piece beyond a limit is refused
/// (<see cref="Proofs.ProofFormatException"/>) before it is read, whoever sent it.
/// </summary>
public sealed record ProvingLimits
{
    /// <summary>Proofs run at once on the silo: its processor count when null (the default). Each is CPU-bound and holds its witness.</summary>
    public int? Concurrency { get; init; }

    /// <summary>
    /// The most samples of one piece: a training step's batch (the transcript's batch size) or an inference piece's inputs —
    /// 256 by default. A proof's memory grows with them.
    /// </summary>
    public int MaxSamplesPerPiece { get; init; } = 256;

    /// <summary>
    /// The most parameters (weights and biases) of a model whose pieces the silo proves, in training or inference: 2^22
    /// (4,194,304) by default.
    /// </summary>
    public long MaxParameters { get; init; } = 1L << 22;

    /// <summary>Checks the limits.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is below 1.</exception>
    public void Validate()
    {
        if (Concurrency is int concurrency)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1, nameof(Concurrency));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSamplesPerPiece, 1, nameof(MaxSamplesPerPiece));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxParameters, 1, nameof(MaxParameters));
    }
}
