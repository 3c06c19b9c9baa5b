namespace Thestage.Client;

/// <summary>How a <see cref="ServingClient"/> reaches its server and where it keeps its keys.</summary>
public sealed record ServingClientOptions
{
    /// <summary>The server (<c>http://127.0.0.1:5021</c>, or https).</summary>
    public required Uri Server { get; init; }

    /// <summary>The API key, sent in the <c>x-api-key</c> header of every call.</summary>
    public required string ApiKey { get; init; }

    /// <summary>
    /// The folder of the client's keys: the secret key (<c>secret.key</c>, readable by its owner only), the evaluation keys
    /// (<c>evaluation.keys</c>) and the plan they were made for (<c>plan.tspl</c>); created with new keys when it holds
    /// none, refused when its keys were made for another plan. Null keeps new keys in memory for this client only.
    /// </summary>
    public string? KeyDirectory { get; init; }

    /// <summary>The size of the chunks of the key upload: 1 MiB by default (the server's limit applies).</summary>
    public int ChunkBytes { get; init; } = 1 << 20;

    /// <summary>The deadline of each call: 5 minutes by default.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a call is retried while the server is unreachable (restarting, say): 30 s by default.</summary>
    public TimeSpan RetryFor { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Rounds decrypted outputs to multiples of 2^−bits (<see cref="Inference.Runtime.InferenceClient.OutputRoundingBits"/>); null keeps them as decoded.</summary>
    public int? OutputRoundingBits { get; init; }

    /// <summary>Allows an unencrypted (http) connection to a host other than loopback: the API key would cross the network in clear.</summary>
    public bool AllowUnencryptedRemote { get; init; }

    /// <summary>
    /// The most samples one request (<see cref="ServingClient.PredictAsync"/>, or each request of
    /// <see cref="ServingClient.PredictManyAsync"/>) may hold: 256 by default. With the plan, it bounds the largest answer
    /// the client accepts (<see cref="MaxResponseBytes"/>).
    /// </summary>
    public int MaxSamplesPerRequest { get; init; } = 256;

    /// <summary>
    /// The largest message the client accepts from the server; a larger one ends the call in RESOURCE_EXHAUSTED before it is
    /// read (a hostile or broken server cannot make the client allocate gigabytes). Null (the default) derives it from the
    /// plan: the largest legitimate answer, that to a request of <see cref="MaxSamplesPerRequest"/> samples — its output
    /// ciphertexts at the top level with room for their headers. The plan itself is read under a fixed 16 MiB bound.
    /// </summary>
    public int? MaxResponseBytes { get; init; }

    /// <summary>The HTTP handler (TLS settings, a proxy); null uses a <see cref="System.Net.Http.SocketsHttpHandler"/>.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }
}
