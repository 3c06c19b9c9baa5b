using Orleans;
using Orleans.Runtime;

namespace Thestage.Server.Cluster;

/// <summary>A client's open sessions as a grain (<see cref="IClientSessionsGrain"/>): one per client, its list persistent.</summary>
internal sealed class ClientSessionsGrain(
    [PersistentState("client", ClusterSessions.StorageName)] IPersistentState<ClientSessionsState> state) : Grain, IClientSessionsGrain
{
    public Task<string[]> Sessions() => Task.FromResult(state.State.Sessions.ToArray());

    public async Task<bool> TryAdd(string sessionId, int max)
    {
        if (state.State.Sessions.Count >= max)
        {
            return false;
        }

        state.State.Sessions.Add(sessionId);
        await state.WriteStateAsync();
        return true;
    }

    public async Task Remove(string[] sessionIds)
    {
        int before = state.State.Sessions.Count;
        state.State.Sessions.ExceptWith(sessionIds);
        if (state.State.Sessions.Count != before)
        {
            await state.WriteStateAsync();
        }
    }
}
