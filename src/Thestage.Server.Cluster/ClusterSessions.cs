using Grpc.Core;
using Orleans;
using Orleans.Runtime;
using Thestage.Server.Sessions;

namespace Thestage.Server.Cluster;

/// <summary>
/// Sessions in an Orleans cluster (<see cref="ISessionBackend"/> of a front end): each session a <see cref="SessionGrain"/>,
/// each client's keys a <see cref="KeysGrain"/> that evaluates the session's requests where it is active, each client's
/// list of open sessions a <see cref="ClientSessionsGrain"/> (<see cref="ServingLimits.MaxSessionsPerClient"/> of the front
/// end's limits; the idle timeout, key memory and answer limit are the silos': give both the same limits). Grain state is
/// kept in the storage provider named <see cref="StorageName"/>: a session and its keys survive the loss of a silo when
/// that provider outlives it (a database); with a provider that does not, the client is told NOT_FOUND or
/// FAILED_PRECONDITION and re-opens or re-uploads (ServingClient does both).
/// </summary>
internal sealed class ClusterSessions(IGrainFactory grains, ServingLimits limits) : ISessionBackend
{
    /// <summary>The name of the grain storage provider sessions and keys are kept in.</summary>
    public const string StorageName = "thestage-sessions";

    public Task<(string SessionId, bool KeysPresent)> OpenAsync(string client, string keysHash, CancellationToken cancellationToken) => Transient(async () =>
    {
        // The client's list of sessions bounds them across front ends; when it is full, the sessions that have closed or
        // idled out are taken off it first.
        string id = SessionIds.New();
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
    });

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
