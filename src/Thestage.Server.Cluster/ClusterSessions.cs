using System.Collections.Concurrent;
using Grpc.Core;
using Orleans;
using Orleans.Runtime;
using Thestage.Server.Sessions;

namespace Thestage.Server.Cluster;

/// <summary>
/// Sessions in an Orleans cluster (<see cref="ISessionBackend"/> of a front end): each session a <see cref="SessionGrain"/>,
/// each client's keys a <see cref="KeysGrain"/> that evaluates the session's requests where it is active, each client's
/// list of open sessions a <see cref="ClientSessionsGrain"/> (<see cref="ServingLimits.MaxSessionsPerClient"/> of the front
/// end's limits; the idle timeout, key memory and answer limit are the silos': give both the same limits). The sessions
/// opened through this front end are listed here too, at most <see cref="ServingLimits.MaxSessions"/>: the total this front
/// end lets its clients hold, whatever their number (when the list is full, the sessions that closed — through any front end
/// — or idled out are taken off it, at most once a second, before the open is refused). Grain state is
/// kept in the storage provider named <see cref="StorageName"/>: a session and its keys survive the loss of a silo when
/// that provider outlives it (a database); with a provider that does not, the client is told NOT_FOUND or
/// FAILED_PRECONDITION and re-opens or re-uploads (ServingClient does both).
/// </summary>
internal sealed class ClusterSessions(IGrainFactory grains, ServingLimits limits, TimeProvider time) : ISessionBackend
{
    /// <summary>The name of the grain storage provider sessions and keys are kept in.</summary>
    public const string StorageName = "thestage-sessions";

    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    // The sessions opened through this front end (session → client), at most MaxSessions.
    private readonly ConcurrentDictionary<string, string> _opened = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _openGate = new(1, 1);
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    public Task<(string SessionId, bool KeysPresent)> OpenAsync(string client, string keysHash, CancellationToken cancellationToken) => Transient(async () =>
    {
        string id = SessionIds.New();
        await ReserveAsync(id, client, cancellationToken);
        try
        {
            return await OpenReservedAsync(id, client, keysHash, cancellationToken);
        }
        catch
        {
            _opened.TryRemove(id, out _);
            throw;
        }
    });

    // Lists the session among this front end's, within MaxSessions; when the list is full, the sessions that have closed or
    // idled out are taken off it first (asking each at most once a second, so that refused opens cost no more).
    private async Task ReserveAsync(string id, string client, CancellationToken cancellationToken)
    {
        await _openGate.WaitAsync(cancellationToken);
        try
        {
            if (_opened.Count >= limits.MaxSessions && time.GetUtcNow() - _lastSweep >= SweepInterval)
            {
                KeyValuePair<string, string>[] listed = [.. _opened];
                bool[] open = await Task.WhenAll(listed.Select(s => grains.GetGrain<ISessionGrain>(s.Key).IsOpen(s.Value))).WaitAsync(cancellationToken);
                for (int i = 0; i < listed.Length; i++)
                {
                    if (!open[i])
                    {
                        _opened.TryRemove(listed[i].Key, out _);
                    }
                }

                _lastSweep = time.GetUtcNow();
            }

            if (_opened.Count >= limits.MaxSessions)
            {
                throw new ServingException(StatusCode.ResourceExhausted, "The server holds as many sessions as it allows: retry later.");
            }

            _opened[id] = client;
        }
        finally
        {
            _openGate.Release();
        }
    }

    private async Task<(string SessionId, bool KeysPresent)> OpenReservedAsync(string id, string client, string keysHash, CancellationToken cancellationToken)
    {
        // The client's list of sessions bounds them across front ends; when it is full, the sessions that have closed or
        // idled out are taken off it first.
        IClientSessionsGrain own = grains.GetGrain<IClientSessionsGrain>(client);
        if (!await own.TryAdd(id, limits.MaxSessionsPerClient).WaitAsync(cancellationToken))
        {
            string[] listed = await own.Sessions().WaitAsync(cancellationToken);
            bool[] open = await Task.WhenAll(listed.Select(s => grains.GetGrain<ISessionGrain>(s).IsOpen(client))).WaitAsync(cancellationToken);
            await own.Remove([.. listed.Where((_, i) => !open[i])]).WaitAsync(cancellationToken);
            if (!await own.TryAdd(id, limits.MaxSessionsPerClient).WaitAsync(cancellationToken))
            {
                throw new ServingException(StatusCode.ResourceExhausted, $"This client has {limits.MaxSessionsPerClient} open sessions, the most allowed: close one first.");
            }
        }

        try
        {
            bool present = await grains.GetGrain<ISessionGrain>(id).Open(client, keysHash).WaitAsync(cancellationToken);
            return (id, present);
        }
        catch
        {
            await own.Remove([id]);
            throw;
        }
    }

    public Task<string> KeysHashAsync(string client, string sessionId, CancellationToken cancellationToken) => Transient(async () =>
        await grains.GetGrain<ISessionGrain>(sessionId).KeysHash(client).WaitAsync(cancellationToken) ?? throw ServingException.UnknownSession());

    public Task StoreKeysAsync(string client, string sessionId, byte[] bundle, CancellationToken cancellationToken) => Transient(async () =>
    {
        string hash = await KeysHashAsync(client, sessionId, cancellationToken);
        return Check(await grains.GetGrain<IKeysGrain>(KeysGrain.Name(client, hash)).Store(bundle).WaitAsync(cancellationToken));
    });

    public Task<byte[]> EvaluateAsync(string client, string sessionId, byte[] request, CancellationToken cancellationToken) => Transient(async () =>
    {
        string hash = await KeysHashAsync(client, sessionId, cancellationToken);
        return Check(await grains.GetGrain<IKeysGrain>(KeysGrain.Name(client, hash)).Evaluate(request, cancellationToken));
    });

    public Task CloseAsync(string client, string sessionId) => Transient(async () =>
    {
        await grains.GetGrain<ISessionGrain>(sessionId).Close(client);
        await grains.GetGrain<IClientSessionsGrain>(client).Remove([sessionId]);
        if (_opened.TryGetValue(sessionId, out string? owner) && owner == client)
        {
            _opened.TryRemove(sessionId, out _);
        }

        return true;
    });

    // A call that met a silo going away (lost, or shutting down) is UNAVAILABLE: the client retries it, and the grain
    // re-activates on a live silo.
    private static async Task<T> Transient<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException)
        {
            throw new ServingException(StatusCode.Unavailable, "The cluster lost the silo of this call: retry.");
        }
    }

    private static byte[] Check(ClusterReply reply) =>
        reply.Status == (int)StatusCode.OK ? reply.Payload ?? [] : throw new ServingException((StatusCode)reply.Status, reply.Message ?? "Refused by the cluster.");
}
