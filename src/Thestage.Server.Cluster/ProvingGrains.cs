using Orleans;
using Orleans.Concurrency;

namespace Thestage.Server.Cluster;

/// <summary>
/// Proves one piece (its witness and what it proves) on the silo where it is active: a piece of a training run's proofs
/// (<c>TSPW</c>: a step proof or a snapshot range proof) or of a batch of inference proofs (<c>TSIW</c>: a slice of the inputs
/// with the model's weights and commitment seed). One activation per piece and attempt (key: <c>run/piece/attempt</c>), placed
/// round robin over the silos (<see cref="RoundRobinPlacement"/>), so that a run's pieces spread over the cluster and a
/// retried piece goes to another silo.
/// </summary>
internal interface IProvingGrain : IGrainWithStringKey
{
    /// <summary>The silo the grain is active on (the gatherer watches it while the piece is proven).</summary>
    Task<string> Silo();

    /// <summary>Proves the piece; the public statement it belongs to is fetched from <paramref name="source"/> when this silo does not hold it.</summary>
    /// <param name="piece">The piece (TSPW or TSIW).</param>
    /// <param name="source">The gatherer, which serves the statement.</param>
    /// <param name="cancellationToken">Cancels the piece before its proof starts.</param>
    /// <returns>The proof (TSSP or TSSR bytes for a training piece, TSPB for an inference piece) and the silo that made it.</returns>
    [ResponseTimeout("01:00:00")]
    Task<ProvingReply> Prove([Immutable] byte[] piece, IStatementSource source, CancellationToken cancellationToken);
}

/// <summary>
/// The gatherer as an observer: it serves the public statement its pieces are proven against — a training run's transcript
/// (TSTT) or a model commitment (TSMC) — to silos that lack it, once per silo.
/// </summary>
internal interface IStatementSource : IGrainObserver
{
    /// <summary>The statement's bytes.</summary>
    Task<byte[]> Statement();
}

/// <summary>A piece's proof and the silo that made it.</summary>
[GenerateSerializer]
internal sealed record ProvingReply(
    [property: Id(0)] byte[] Proof,
    [property: Id(1)] string Silo);
