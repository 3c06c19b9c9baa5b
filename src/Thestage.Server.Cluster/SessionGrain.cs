using Orleans;
using Orleans.Placement;
using Orleans.Runtime;

namespace Thestage.Server.Cluster;

/// <summary>A session as a grain (<see cref="ISessionGrain"/>): spread over the silos; its state survives a silo's loss.</summary>
[RandomPlacement]
internal sealed class SessionGrain(
    [PersistentState("session", ClusterSessions.StorageName)] IPersistentState<SessionState> state) : Grain, ISessionGrain
{
    public async Task<bool> Open(string client, string keysHash)
    {
        state.State = new SessionState { Client = client, KeysHash = keysHash };
        await state.WriteStateAsync();
        return await GrainFactory.GetGrain<IKeysGrain>(KeysGrain.Name(client, keysHash)).Has();
    }

    public Task<string?> KeysHash(string client) =>
        Task.FromResult(state.State.Client == client ? state.State.KeysHash : null);

    public async Task Close(string client)
    {
        if (state.State.Client == client)
        {
            await state.ClearStateAsync();
            DeactivateOnIdle();
        }
    }
}
