namespace Thestage.Server;

/// <summary>
/// The limits a public inference service puts on what its callers may cost it. Every input beyond a limit is refused with
/// a typed gRPC status before the work or the memory it would take (docs/serving.md lists each with its status).
/// </summary>
public sealed record ServingLimits
{
    /// <summary>The largest gRPC message received or sent (a request, a response, a key chunk): 64 MiB by default.
    /// Larger messages end in RESOURCE_EXHAUSTED before they are read.</summary>
    public int MaxMessageBytes { get; init; } = 64 << 20;

    /// <summary>The largest evaluation-key bundle (TSEK) a session may upload: 1 GiB by default (a bundle of the planner's
    /// parameters takes tens of MiB).</summary>
    public long MaxKeyBytes { get; init; } = 1L << 30;

    /// <summary>The largest chunk of an upload: 4 MiB by default.</summary>
    public int MaxChunkBytes { get; init; } = 4 << 20;

    /// <summary>How long an upload may wait for its next chunk before it is abandoned (and its session closed): 30 s.</summary>
    public TimeSpan UploadIdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Open sessions per API key: 16 by default. One more is refused with RESOURCE_EXHAUSTED.</summary>
    public int MaxSessionsPerClient { get; init; } = 16;

    /// <summary>Open sessions in all: 4,096 by default.</summary>
    public int MaxSessions { get; init; } = 4096;

    /// <summary>
    /// The memory that loaded evaluation keys and uploads in progress may take together: 8 GiB by default. Loaded keys
    /// are evicted least recently used first to make room; when uploads in progress hold the rest, a new upload is refused
    /// with RESOURCE_EXHAUSTED.
    /// </summary>
    public long KeyCacheBytes { get; init; } = 8L << 30;

    /// <summary>A session unused this long is closed: 30 minutes by default.</summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Loaded keys unused this long are evicted: 1 hour by default.</summary>
    public TimeSpan KeyIdleTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Evaluations that run at once: the processor count by default (each is CPU-bound).</summary>
    public int MaxConcurrentEvaluations { get; init; } = Environment.ProcessorCount;

    /// <summary>Evaluations that may wait for a processor: 256 by default; one more is refused with RESOURCE_EXHAUSTED.</summary>
    public int MaxQueuedEvaluations { get; init; } = 256;

    /// <summary>The longest one evaluation may run, whatever deadline its caller gives (none included): 5 minutes by
    /// default. It stops between layers and ends in DEADLINE_EXCEEDED.</summary>
    public TimeSpan MaxEvaluationTime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The answers given under one evaluation-key bundle of a client, over all its sessions; one more request is refused with
    /// RESOURCE_EXHAUSTED. Null (the default) sets no limit. Output flooding is sized for this many answers under one key
    /// (τ = r·√(N·q), <see cref="Inference.Runtime.OutputFlooding.ForPlan"/>; with no limit, for q = 1): a larger limit costs
    /// output precision (about ½·log2 q bits), and a limit whose flood does not fit the plan's outputs is refused when the
    /// server starts. docs/security.md says what the limit does and does not cover.
    /// </summary>
    public int? MaxAnswersPerKeys { get; init; }

    /// <summary>Checks that every limit is positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is zero or negative, or a chunk is larger than a message.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageBytes, 1024, nameof(MaxMessageBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxKeyBytes, 1, nameof(MaxKeyBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxChunkBytes, 1, nameof(MaxChunkBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxChunkBytes, MaxMessageBytes - 1024, nameof(MaxChunkBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(UploadIdleTimeout, TimeSpan.Zero, nameof(UploadIdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSessionsPerClient, 1, nameof(MaxSessionsPerClient));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSessions, 1, nameof(MaxSessions));
        ArgumentOutOfRangeException.ThrowIfLessThan(KeyCacheBytes, 1, nameof(KeyCacheBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SessionIdleTimeout, TimeSpan.Zero, nameof(SessionIdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeyIdleTimeout, TimeSpan.Zero, nameof(KeyIdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentEvaluations, 1, nameof(MaxConcurrentEvaluations));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxQueuedEvaluations, nameof(MaxQueuedEvaluations));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxEvaluationTime, TimeSpan.Zero, nameof(MaxEvaluationTime));
        if (MaxAnswersPerKeys is int answers)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(answers, 1, nameof(MaxAnswersPerKeys));
        }
    }
}
