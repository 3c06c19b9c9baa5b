using Grpc.Core;
using Orleans;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Runtime;
using Thestage.Inference.Runtime;
using Thestage.Server.Sessions;

namespace Thestage.Server.Cluster;

/// <summary>
/// A client's keys as a grain (<see cref="IKeysGrain"/>). The bundle is persistent; the evaluator is built from it on first
/// use after each activation — after a silo's loss, on the silo where the grain re-activates. Reentrant: evaluations of one
/// client run at once (each bounded by the silo's <see cref="EvaluationGate"/>); loading happens once per activation.
/// </summary>
[Reentrant]
[RandomPlacement]
internal sealed class KeysGrain(
    [PersistentState("keys", ClusterSessions.StorageName)] IPersistentState<KeysState> state, ClusterModel model) : Grain, IKeysGrain
{
    private Task<EncryptedModel>? _loaded;

    public static string Name(string client, string keysHash) => client + "/" + keysHash;

    public Task<bool> Has() => Task.FromResult(state.State.Bundle is not null);

    public async Task<ClusterReply> Store(byte[] bundle)
    {
        if (state.State.Bundle is not null)
        {
            return new ClusterReply((int)StatusCode.OK, null, null);
        }

        try
        {
            // Loaded before it is kept: a bundle that does not load for the model is refused and never stored.
            (EncryptedModel loaded, _) = await model.Gate.RunAsync(_ => LocalSessions.Load(model.Prepared, bundle), CancellationToken.None);
            _loaded = Task.FromResult(loaded);
        }
        catch (ServingException e)
        {
            return new ClusterReply((int)e.Status, e.Message, null);
        }

        state.State.Bundle = bundle;
        await state.WriteStateAsync();
        return new ClusterReply((int)StatusCode.OK, null, null);
    }

    public async Task<ClusterReply> Evaluate(byte[] request, CancellationToken cancellationToken)
    {
        if (state.State.Bundle is not byte[] bundle)
        {
            ServingException missing = ServingException.KeysRequired();
            return new ClusterReply((int)missing.Status, missing.Message, null);
        }

        try
        {
            _loaded ??= model.Gate.RunAsync(_ => LocalSessions.Load(model.Prepared, bundle).Model, CancellationToken.None);
            EncryptedModel loaded = await _loaded;
            byte[] response = await model.Gate.RunAsync(token => LocalSessions.Evaluate(loaded, request, token), cancellationToken);
            return new ClusterReply((int)StatusCode.OK, null, response);
        }
        catch (ServingException e)
        {
            if (_loaded is { IsFaulted: true })
            {
                _loaded = null;   // a busy gate refused the loading: the next request tries again
            }

            return new ClusterReply((int)e.Status, e.Message, null);
        }
    }
}
