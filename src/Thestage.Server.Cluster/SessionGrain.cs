using Orleans;
using Orleans.Placement;
using Orleans.Runtime;

namespace Thestage.Server.Cluster;

/// <summary>
/// A session as a grain (<see cref="ISessionGrain"/>): spread over the silos; its state survives a silo's loss. A session
/// unused for the silo's <see cref="ServingLimits.SessionIdleTimeout"/> is closed when next asked for (its last use is
/// written to storage when it is a quarter of the timeout old, so that the timeout also holds across re-activations).
/// </summary>
[RandomPlacement]
internal sealed class SessionGrain(
    [PersistentState("session", ClusterSessions.StorageName)] IPersistentState<SessionState> state, ClusterModel model) : Grain, ISessionGrain
{
    private DateTimeOffset _lastUsed;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lastUsed = state.State.LastUsed;
        return Task.CompletedTask;
    }

    public async Task<bool> Open(string client, string keysHash)
    {
        _lastUsed = model.Time.GetUtcNow();
        state.State = new SessionState { Client = client, KeysHash = keysHash, LastUsed = _lastUsed };
        await state.WriteStateAsync();
        return await GrainFactory.GetGrain<IKeysGrain>(KeysGrain.Name(client, keysHash)).Has();
    }

    public async Task<string?> KeysHash(string client) => await UseAsync(client) ? state.State.KeysHash : null;

    public async Task<bool> IsOpen(string client) => state.State.Client == client && !await ExpiredAsync();

    public async Task Close(string client)
    {
        if (state.State.Client == client)
        {
            await state.ClearStateAsync();
            DeactivateOnIdle();
        }
    }

    // Marks the session used now, if it is the client's and has not idled out.
    private async Task<bool> UseAsync(string client)
    {
        if (state.State.Client != client || await ExpiredAsync())
        {
            return false;
        }

        _lastUsed = model.Time.GetUtcNow();
        if (_lastUsed - state.State.LastUsed > model.Limits.SessionIdleTimeout / 4)
        {
            state.State.LastUsed = _lastUsed;
            await state.WriteStateAsync();
        }

        return true;
    }

    private async Task<bool> ExpiredAsync()
    {
        if (state.State.Client is null || model.Time.GetUtcNow() - _lastUsed <= model.Limits.SessionIdleTimeout)
        {
            return false;
        }

        await state.ClearStateAsync();
        DeactivateOnIdle();
        return true;
    }
}
