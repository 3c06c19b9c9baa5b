using System.Collections.Concurrent;
using Grpc.Core;
using Thestage.Inference.Runtime;
using Thestage.Privacy.Serialization;

namespace Thestage.Server.Sessions;

/// <summary>
/// Sessions and keys held in this process: a session table (client, bundle hash, last use) bounded per client and in all,
/// closed when idle; loaded keys in a <see cref="KeyCache"/>; evaluations through an <see cref="EvaluationGate"/>. A
/// session is visible only to the client that opened it (another client's calls find it unknown).
/// </summary>
internal sealed class LocalSessions(PreparedModel model, ServingLimits limits, KeyCache keys, EvaluationGate gate, TimeProvider time) : ISessionBackend
{
    private readonly AnswerBudget _answers = new(model.Plan, limits.MaxAnswersPerKeys);
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly object _openGate = new();
    private long _evaluations;

    public int SessionCount => _sessions.Count;

    public long Evaluations => Interlocked.Read(ref _evaluations);

    public KeyCache Keys => keys;

    public Task<(string SessionId, bool KeysPresent)> OpenAsync(string client, string keysHash, CancellationToken cancellationToken)
    {
        Sweep();
        lock (_openGate)
        {
            int own = _sessions.Values.Count(s => s.Client == client);
            if (own >= limits.MaxSessionsPerClient)
            {
                throw new ServingException(StatusCode.ResourceExhausted, $"This client has {own} open sessions, the most allowed: close one first.");
            }

            if (_sessions.Count >= limits.MaxSessions)
            {
                throw new ServingException(StatusCode.ResourceExhausted, "The server holds as many sessions as it allows: retry later.");
            }

            string id = SessionIds.New();
            _sessions[id] = new Session(client, keysHash, time.GetUtcNow());
            return Task.FromResult((id, keys.Contains(client, keysHash)));
        }
    }

    public Task<string> KeysHashAsync(string client, string sessionId, CancellationToken cancellationToken) =>
        Task.FromResult(Find(client, sessionId).KeysHash);

    public async Task StoreKeysAsync(string client, string sessionId, byte[] bundle, CancellationToken cancellationToken)
    {
        Session session = Find(client, sessionId);
        if (keys.Contains(client, session.KeysHash))
        {
            return;
        }

        (EncryptedModel encrypted, long bytes) = await gate.RunAsync(_ => Load(model, bundle, _answers.Flooding), cancellationToken).ConfigureAwait(false);
        keys.Add(client, session.KeysHash, encrypted, bytes);
    }

    public async Task<byte[]> EvaluateAsync(string client, string sessionId, byte[] request, CancellationToken cancellationToken)
    {
        Session session = Find(client, sessionId);
        EncryptedModel encrypted = keys.Get(client, session.KeysHash) ?? throw ServingException.KeysRequired();
        _answers.Take(client, session.KeysHash);
        byte[] response;
        try
        {
            response = await gate.RunAsync(token => Evaluate(encrypted, request, token), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _answers.Return(client, session.KeysHash);   // no answer left the server
            throw;
        }

        Interlocked.Increment(ref _evaluations);
        return response;
    }

    public Task CloseAsync(string client, string sessionId)
    {
        if (_sessions.TryGetValue(sessionId, out Session? session) && session.Client == client)
        {
            _sessions.TryRemove(sessionId, out _);
        }

        return Task.CompletedTask;
    }

    /// <summary>Closes sessions idle longer than the limit and evicts idle keys.</summary>
    public void Sweep()
    {
        DateTimeOffset oldest = time.GetUtcNow() - limits.SessionIdleTimeout;
        foreach ((string id, Session session) in _sessions)
        {
            if (session.LastUsed < oldest)
            {
                _sessions.TryRemove(id, out _);
            }
        }

        keys.Sweep();
    }

    /// <summary>Loads a bundle into the model's context and makes the session's evaluator, flooding its answers as
    /// <paramref name="flooding"/> says (<see cref="OutputFlooding.ForPlan"/> for one answer when null); a bundle that does
    /// not load, or lacks a key the evaluation needs, is INVALID_ARGUMENT.</summary>
    internal static (EncryptedModel Model, long Bytes) Load(PreparedModel model, byte[] bundle, OutputFlooding? flooding = null)
    {
        try
        {
            EvaluationKeys loaded = model.LoadEvaluationKeys(bundle);
            return (new EncryptedModel(model, loaded, flooding ?? OutputFlooding.ForPlan(model.Plan)), KeyCache.LoadedBytes(loaded));
        }
        catch (Exception e) when (e is CkksFormatException or ArgumentException)
        {
            throw new ServingException(StatusCode.InvalidArgument, $"The evaluation keys do not load for the served model: {e.Message}");
        }
    }

    /// <summary>Evaluates a request; a malformed request or one of another plan is INVALID_ARGUMENT.</summary>
    internal static byte[] Evaluate(EncryptedModel model, byte[] request, CancellationToken cancellationToken)
    {
        try
        {
            return model.EvaluateRequest(request, null, cancellationToken);
        }
        catch (Exception e) when (e is CkksFormatException or ArgumentException)
        {
            throw new ServingException(StatusCode.InvalidArgument, $"The request is refused: {e.Message}");
        }
    }

    private Session Find(string client, string sessionId)
    {
        if (!SessionIds.IsWellFormed(sessionId) || !_sessions.TryGetValue(sessionId, out Session? session) || session.Client != client)
        {
            throw ServingException.UnknownSession();
        }

        DateTimeOffset now = time.GetUtcNow();
        if (session.LastUsed < now - limits.SessionIdleTimeout)
        {
            _sessions.TryRemove(sessionId, out _);
            throw ServingException.UnknownSession();
        }

        session.LastUsed = now;
        return session;
    }

    private sealed class Session(string client, string keysHash, DateTimeOffset created)
    {
        private long _lastUsed = created.UtcTicks;

        public string Client { get; } = client;

        public string KeysHash { get; } = keysHash;

        // Read and written by concurrent calls of the session: one atomic 64-bit value.
        public DateTimeOffset LastUsed
        {
            get => new(Interlocked.Read(ref _lastUsed), TimeSpan.Zero);
            set => Interlocked.Exchange(ref _lastUsed, value.UtcTicks);
        }
    }
}
