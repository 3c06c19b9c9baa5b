using Orleans;

namespace Thestage.Server.Cluster;

/// <summary>A session (key: its 128-bit name): the client that opened it and the hash of the keys it uses. Persistent.</summary>
internal interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>Opens the session for <paramref name="client"/> with keys of <paramref name="keysHash"/>; tells whether they are held.</summary>
    Task<bool> Open(string client, string keysHash);

    /// <summary>The keys' hash; null when the session is not open for <paramref name="client"/>.</summary>
    Task<string?> KeysHash(string client);

    /// <summary>Whether the session is open for <paramref name="client"/> (not closed, not idle past the silo's <see cref="ServingLimits.SessionIdleTimeout"/>).</summary>
    Task<bool> IsOpen(string client);

    /// <summary>Closes the session when it is <paramref name="client"/>'s.</summary>
    Task Close(string client);
}

/// <summary>
/// A client's open sessions (key: the client), so that <see cref="ServingLimits.MaxSessionsPerClient"/> holds across the
/// front ends and silos of a cluster. Persistent.
/// </summary>
internal interface IClientSessionsGrain : IGrainWithStringKey
{
    /// <summary>The sessions listed as open (some may have idled out since: ask them).</summary>
    Task<string[]> Sessions();

    /// <summary>Lists <paramref name="sessionId"/> unless <paramref name="max"/> are listed already; tells whether it did.</summary>
    Task<bool> TryAdd(string sessionId, int max);

    /// <summary>Takes sessions off the list.</summary>
    Task Remove(string[] sessionIds);
}

/// <summary>
/// One client's evaluation keys (key: <c>client/hash</c>, so that a hash names keys only among its client's): the bundle,
/// persistent, and the loaded evaluator, in memory on the silo where the grain is active — where its requests are evaluated.
/// </summary>
internal interface IKeysGrain : IGrainWithStringKey
{
    /// <summary>Whether the bundle is held.</summary>
    Task<bool> Has();

    /// <summary>Loads the bundle (refused when it does not load for the model) and keeps it.</summary>
    Task<ClusterReply> Store(byte[] bundle);

    /// <summary>Evaluates a request (TSRQ) with the keys; FAILED_PRECONDITION when no bundle is held.</summary>
    Task<ClusterReply> Evaluate(byte[] request, CancellationToken cancellationToken);
}

/// <summary>A grain's answer: a payload, or the gRPC status of a refusal and its message (refusals cross silos as values).</summary>
[GenerateSerializer]
internal sealed record ClusterReply(
    [property: Id(0)] int Status,
    [property: Id(1)] string? Message,
    [property: Id(2)] byte[]? Payload);

/// <summary>A session's persistent state.</summary>
[GenerateSerializer]
internal sealed class SessionState
{
    [Id(0)]
    public string? Client { get; set; }

    [Id(1)]
    public string? KeysHash { get; set; }

    /// <summary>The last use written to storage (written again when it is a quarter of the idle timeout old).</summary>
    [Id(2)]
    public DateTimeOffset LastUsed { get; set; }
}

/// <summary>A client's open sessions, persistent.</summary>
[GenerateSerializer]
internal sealed class ClientSessionsState
{
    [Id(0)]
    public HashSet<string> Sessions { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The answers given under a client's keys (<see cref="ServingLimits.MaxAnswersPerKeys"/>), persistent.</summary>
[GenerateSerializer]
internal sealed class AnswersState
{
    [Id(0)]
    public long Given { get; set; }
}

/// <summary>A client's keys' persistent state: the bundle as uploaded (TSEK), checked against its hash by the front end (in memory only while it loads).</summary>
[GenerateSerializer]
internal sealed class KeysState
{
    [Id(0)]
    public byte[]? Bundle { get; set; }
}
