using Grpc.Core;
using Orleans;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Runtime;
using Thestage.Inference.Runtime;
using Thestage.Server.Sessions;

namespace Thestage.Server.Cluster;

/// <summary>
/// A client's keys as a grain (<see cref="IKeysGrain"/>). The bundle is persistent but not kept in the grain's memory: it is
/// read from storage when the keys are loaded — into the silo's key cache (<see cref="ClusterModel.Keys"/>), which bounds the
/// silo's key memory, evicts least recently used keys and idle ones; evicted keys are loaded again on their next request,
/// on the silo where the grain is active (after a silo's loss, another). The answers given under the keys are counted in a
/// second persistent state, written before each answer when the operator limits them
/// (<see cref="ServingLimits.MaxAnswersPerKeys"/>). Reentrant: evaluations of one client run at once (each bounded by the
/// silo's <see cref="EvaluationGate"/>); a load happens once at a time.
/// </summary>
[Reentrant]
[RandomPlacement]
internal sealed class KeysGrain(
    [PersistentState("keys", ClusterSessions.StorageName)] IPersistentState<KeysState> state,
    [PersistentState("answers", ClusterSessions.StorageName)] IPersistentState<AnswersState> answers,
    ClusterModel model) : Grain, IKeysGrain
{
    private bool _held;
    private Task<EncryptedModel>? _loading;

    private string Client => this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().LastIndexOf('/')];

    private string Hash => this.GetPrimaryKeyString()[(this.GetPrimaryKeyString().LastIndexOf('/') + 1)..];

    public static string Name(string client, string keysHash) => client + "/" + keysHash;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _held = state.State.Bundle is not null;
        state.State.Bundle = null;   // read again from storage when the keys are loaded: memory is the key cache's to bound
        return Task.CompletedTask;
    }

    public Task<bool> Has() => Task.FromResult(_held);

    public async Task<ClusterReply> Store(byte[] bundle)
    {
        if (_held)
        {
            return new ClusterReply((int)StatusCode.OK, null, null);
        }

        try
        {
            // Loaded before it is kept: a bundle that does not load for the model, or that the silo's key memory cannot hold, is refused and never stored.
            (EncryptedModel loaded, long bytes) = await model.Gate.RunAsync(_ => LocalSessions.Load(model.Prepared, bundle, model.Answers.Flooding), CancellationToken.None);
            model.Keys.Add(Client, Hash, loaded, bytes);
        }
        catch (ServingException e)
        {
            return new ClusterReply((int)e.Status, e.Message, null);
        }

        state.State.Bundle = bundle;
        await state.WriteStateAsync();
        state.State.Bundle = null;
        _held = true;
        return new ClusterReply((int)StatusCode.OK, null, null);
    }

    public async Task<ClusterReply> Evaluate(byte[] request, CancellationToken cancellationToken)
    {
        if (!_held)
        {
            return Refused(ServingException.KeysRequired());
        }

        // The answer is taken (and written) before the evaluation; taken and checked with no await in between, so that the
        // concurrent evaluations of this reentrant grain cannot both take the last one.
        if (model.Answers.Limit is int max)
        {
            if (answers.State.Given >= max)
            {
                return Refused(AnswerBudget.Exhausted(max));
            }

            answers.State.Given++;
            await answers.WriteStateAsync();
        }

        bool answered = false;
        try
        {
            EncryptedModel loaded = model.Keys.Get(Client, Hash) ?? await LoadAsync();
            byte[] response = await model.Gate.RunAsync(token => LocalSessions.Evaluate(loaded, request, token), cancellationToken);
            answered = true;
            return new ClusterReply((int)StatusCode.OK, null, response);
        }
        catch (ServingException e)
        {
            return Refused(e);
        }
        finally
        {
            if (model.Answers.Limit is not null && !answered)
            {
                answers.State.Given--;   // no answer left the cluster
                await answers.WriteStateAsync();
            }
        }
    }

    private static ClusterReply Refused(ServingException e) => new((int)e.Status, e.Message, null);

    // One load at a time per grain: concurrent requests of evicted keys share it.
    private async Task<EncryptedModel> LoadAsync()
    {
        _loading ??= LoadFromStorageAsync();
        try
        {
            return await _loading;
        }
        finally
        {
            _loading = null;
        }
    }

    private async Task<EncryptedModel> LoadFromStorageAsync()
    {
        await state.ReadStateAsync();
        byte[] bundle = state.State.Bundle ?? throw ServingException.KeysRequired();
        state.State.Bundle = null;
        (EncryptedModel loaded, long bytes) = await model.Gate.RunAsync(_ => LocalSessions.Load(model.Prepared, bundle, model.Answers.Flooding), CancellationToken.None);
        model.Keys.Add(Client, Hash, loaded, bytes);
        return loaded;
    }
}
