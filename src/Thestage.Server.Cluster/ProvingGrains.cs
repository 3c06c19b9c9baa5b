using Orleans;
using Orleans.Concurrency;

namespace Thestage.Server.Cluster;

/// <summary>
/// Proves one piece of a training run's proofs (a <c>TSPW</c> piece: a step proof or a snapshot range proof with its
/// witness) on the silo where it is active. One activation per piece and attempt (key: <c>run/piece/attempt</c>), placed
/// round robin over the silos (<see cref="RoundRobinPlacement"/>), so that a run's pieces spread over the cluster and a
/// retried piece goes to another silo.
/// </summary>
internal interface IProvingGrain : IGrainWithStringKey
{
    /// <summary>The silo the grain is active on (the gatherer watches it while the piece is proven).</summary>
    Task<string> Silo();

    /// <summary>Proves the piece; the run's public transcript is fetched from <paramref name="source"/> when this silo does not hold it.</summary>
    /// <param name="piece">The piece (TSPW).</param>
    /// <param name="source">The gatherer, which serves the run's transcript.</param>
    /// <param name="cancellationToken">Cancels the piece before its proof starts.</param>
    /// <returns>The proof (TSSP or TSSR bytes) and the silo that made it.</returns>
    [ResponseTimeout("01:00:00")]
    Task<ProvingReply> Prove([Immutable] byte[] piece, ITranscriptSource source, CancellationToken cancellationToken);
}

/// <summary>The gatherer of a run as an observer: it serves the run's public transcript (TSTT) to silos that lack it, once per silo.</summary>
internal interface ITranscriptSource : IGrainObserver
{
    /// <summary>The transcript's bytes.</summary>
    Task<byte[]> Transcript();
}

/// <summary>A piece's proof and the silo that made it.</summary>
[GenerateSerializer]
internal sealed record ProvingReply(
    [property: Id(0)] byte[] Proof,
    [property: Id(1)] string Silo);
