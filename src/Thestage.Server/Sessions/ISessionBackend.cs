namespace Thestage.Server.Sessions;

/// <summary>
/// Where sessions and their keys live: in this process (<see cref="LocalSessions"/>); the seam where a cluster of servers
/// (sessions as Orleans grains, issue 12's scale-out step) plugs in. The gRPC service validates the transport (lengths, chunks, hashes) and hands over whole,
/// checked values; refusals are <see cref="ServingException"/>s.
/// </summary>
internal interface ISessionBackend
{
    /// <summary>Opens a session of <paramref name="client"/> bound to the bundle whose SHA-256 (lowercase hex) is given;
    /// tells whether its keys are held already.</summary>
    Task<(string SessionId, bool KeysPresent)> OpenAsync(string client, string keysHash, CancellationToken cancellationToken);

    /// <summary>The SHA-256 (lowercase hex) the session's keys must have; NOT_FOUND when the session is unknown to this client.</summary>
    Task<string> KeysHashAsync(string client, string sessionId, CancellationToken cancellationToken);

    /// <summary>Loads and keeps the session's bundle (whose hash the caller checked); INVALID_ARGUMENT when it does not load for the model.</summary>
    Task StoreKeysAsync(string client, string sessionId, byte[] bundle, CancellationToken cancellationToken);

    /// <summary>Evaluates a request (TSRQ) of the session and returns the response (TSRS).</summary>
    Task<byte[]> EvaluateAsync(string client, string sessionId, byte[] request, CancellationToken cancellationToken);

    /// <summary>Closes the session (nothing when unknown).</summary>
    Task CloseAsync(string client, string sessionId);
}
