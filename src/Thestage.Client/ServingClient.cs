using System.Net;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Privacy.Serialization;
using Thestage.Privacy.Tensors;
using Thestage.Serving.Protocol;

namespace Thestage.Client;

/// <summary>
/// A client of a Thestage inference server: fetches the served plan, keeps the secret key here (an
/// <see cref="InferenceClient"/> that nothing sends), uploads the evaluation keys once per server (content-addressed by
/// their SHA-256: a server that holds them already is not sent them again), encrypts samples, sends them and decrypts the
/// answers. A call that finds its session unknown (the server restarted, or closed it) opens a new one, uploads the keys
/// if the server no longer holds them, and is sent again; a server that is unreachable is retried for
/// <see cref="ServingClientOptions.RetryFor"/>. Evaluation is a pure function of the request, so a retry cannot apply a
/// request twice. Thread-safe: calls may run concurrently on one session.
/// </summary>
public sealed class ServingClient : IAsyncDisposable
{
    private const string ApiKeyHeader = "x-api-key";

    // The plan (TSPL) holds parameters and layer shapes, no weights: kilobytes. Its reply is read under this bound.
    private const int MaxPlanBytes = 16 << 20;

    private readonly GrpcChannel _channel;
    private readonly PrivateInference.PrivateInferenceClient _grpc;
    private readonly InferenceClient _keys;
    private readonly byte[] _evaluationKeys;
    private readonly ByteString _keysHash;
    private readonly Metadata _headers;
    private readonly ServingClientOptions _options;
    private readonly ServiceLimits _limits;
    private readonly SemaphoreSlim _sessionGate = new(1, 1);
    private string? _session;
    private int _keyUploads;
    private int _sessionsOpened;

    private ServingClient(GrpcChannel channel, ServingClientOptions options, Metadata headers, InferencePlan plan, ServiceLimits limits, InferenceClient keys, byte[] evaluationKeys)
    {
        _channel = channel;
        _grpc = new PrivateInference.PrivateInferenceClient(channel);
        _options = options;
        _headers = headers;
        Plan = plan;
        _limits = limits;
        _keys = keys;
        _evaluationKeys = evaluationKeys;
        _keysHash = ByteString.CopyFrom(SHA256.HashData(evaluationKeys));
        _keys.OutputRoundingBits = options.OutputRoundingBits;
    }

    /// <summary>The served plan.</summary>
    public InferencePlan Plan { get; }

    /// <summary>How many times this client uploaded its evaluation keys (0 when the server held them already).</summary>
    public int KeyUploads => Volatile.Read(ref _keyUploads);

    /// <summary>How many sessions this client opened (more than one after a server restart).</summary>
    public int SessionsOpened => Volatile.Read(ref _sessionsOpened);

    /// <summary>The size of the evaluation keys, in bytes.</summary>
    public long EvaluationKeyBytes => _evaluationKeys.LongLength;

    /// <summary>
    /// Connects: fetches and checks the plan, loads or makes the keys (<see cref="ServingClientOptions.KeyDirectory"/>),
    /// opens a session and uploads the evaluation keys unless the server holds them.
    /// </summary>
    /// <param name="options">The server, API key and key folder.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="ArgumentException">An http address of a remote host without <see cref="ServingClientOptions.AllowUnencryptedRemote"/>.</exception>
    /// <exception cref="RpcException">The server refused a call (UNAUTHENTICATED for a wrong API key), or stayed unreachable.</exception>
    /// <exception cref="CkksFormatException">The server's plan is malformed or does not match its fingerprint.</exception>
    /// <exception cref="InvalidDataException">The key folder holds keys of another plan, or only some of its files, or a secret key that other users may read.</exception>
    public static async Task<ServingClient> ConnectAsync(ServingClientOptions options, CancellationToken cancellationToken = default)
    {
        var headers = new Metadata { { ApiKeyHeader, options.ApiKey } };
        InferencePlan plan;
        ServiceLimits limits;
        using (GrpcChannel planChannel = OpenChannel(options, MaxPlanBytes))
        {
            (plan, limits) = await FetchPlanAsync(planChannel, headers, options, cancellationToken).ConfigureAwait(false);
        }

        GrpcChannel channel = OpenChannel(options, options.MaxResponseBytes ?? ResponseBound(plan, options.MaxSamplesPerRequest));
        ServingClient? client = null;
        try
        {
            (InferenceClient keys, byte[] evaluationKeys) = await Task.Run(() => KeyFolder.LoadOrCreate(options.KeyDirectory, plan), cancellationToken).ConfigureAwait(false);
            client = new ServingClient(channel, options, headers, plan, limits, keys, evaluationKeys);
            await client.CallAsync((_, _) => Task.FromResult(true), cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            // The channel belongs to the client once it is made; before that it is closed here.
            if (client is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                channel.Dispose();
            }

            throw;
        }
    }

    /// <summary>Fetches and checks the plan the server serves (to make keys for it before connecting, say), without opening a session.</summary>
    /// <param name="options">The server and API key (<see cref="ServingClientOptions.KeyDirectory"/> is not used).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The served plan.</returns>
    /// <exception cref="ArgumentException">An http address of a remote host without <see cref="ServingClientOptions.AllowUnencryptedRemote"/>.</exception>
    /// <exception cref="RpcException">The server refused the call (UNAUTHENTICATED for a wrong API key), or stayed unreachable.</exception>
    /// <exception cref="CkksFormatException">The server's plan is malformed or does not match its fingerprint.</exception>
    public static async Task<InferencePlan> GetPlanAsync(ServingClientOptions options, CancellationToken cancellationToken = default)
    {
        using GrpcChannel channel = OpenChannel(options, MaxPlanBytes);
        return (await FetchPlanAsync(channel, new Metadata { { ApiKeyHeader, options.ApiKey } }, options, cancellationToken).ConfigureAwait(false)).Plan;
    }

    /// <summary>Encrypts the samples into one request, has the server evaluate it, and decrypts the answer: one output row per sample.</summary>
    /// <param name="samples">Flattened samples of <see cref="InferencePlan.InputLength"/> values each.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The decrypted outputs, in order.</returns>
    /// <exception cref="ArgumentException">A sample of another length, no sample, or more than <see cref="ServingClientOptions.MaxSamplesPerRequest"/>.</exception>
    /// <exception cref="RpcException">The server refused the request, or stayed unreachable, or answered more than <see cref="ServingClientOptions.MaxResponseBytes"/> (RESOURCE_EXHAUSTED).</exception>
    /// <exception cref="CkksFormatException">The server's answer is malformed or not of the plan.</exception>
    public async Task<double[][]> PredictAsync(IReadOnlyList<double[]> samples, CancellationToken cancellationToken = default)
    {
        CheckSize(samples);
        byte[] request = await Task.Run(() => _keys.EncryptRequest(samples), cancellationToken).ConfigureAwait(false);
        EvaluateReply reply = await CallAsync((session, ct) => _grpc.EvaluateAsync(
            new EvaluateRequest { SessionId = session, Request = UnsafeByteOperations.UnsafeWrap(request) }, _headers, Deadline(), ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return await Task.Run(() => _keys.DecryptResponse(reply.Response.Span), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Evaluates many requests over one stream (the server evaluates several at once and answers in order); a stream
    /// broken by a lost session or an unreachable server is opened again for the requests still unanswered.
    /// </summary>
    /// <param name="requests">The requests, each a list of samples.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The decrypted outputs of each request, in order.</returns>
    /// <exception cref="ArgumentException">A sample of another length, a request without samples or with more than <see cref="ServingClientOptions.MaxSamplesPerRequest"/>.</exception>
    /// <exception cref="RpcException">The server refused a request, or stayed unreachable, or answered more than <see cref="ServingClientOptions.MaxResponseBytes"/> (RESOURCE_EXHAUSTED).</exception>
    public async Task<double[][][]> PredictManyAsync(IReadOnlyList<IReadOnlyList<double[]>> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        foreach (IReadOnlyList<double[]> request in requests)
        {
            CheckSize(request);
        }

        byte[][] encrypted = await Task.Run(() => requests.Select(r => _keys.EncryptRequest(r)).ToArray(), cancellationToken).ConfigureAwait(false);
        var answers = new byte[encrypted.Length][];
        await CallAsync(async (session, ct) =>
        {
            using AsyncDuplexStreamingCall<EvaluateRequest, EvaluateReply> call = _grpc.EvaluateStream(_headers, Deadline(), ct);
            Task send = Task.Run(async () =>
            {
                for (int i = 0; i < encrypted.Length; i++)
                {
                    if (answers[i] is null)
                    {
                        await call.RequestStream.WriteAsync(new EvaluateRequest { SessionId = session, Id = (ulong)i, Request = UnsafeByteOperations.UnsafeWrap(encrypted[i]) }, ct).ConfigureAwait(false);
                    }
                }

                await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            }, ct);
            await foreach (EvaluateReply reply in call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (reply.Id >= (ulong)answers.Length)
                {
                    throw new CkksFormatException($"The server answered request {reply.Id}; {answers.Length} were sent.");
                }

                answers[reply.Id] = reply.Response.ToByteArray();
            }

            await send.ConfigureAwait(false);
            return answers.All(a => a is not null) ? true : throw new CkksFormatException("The server ended the stream before answering every request.");
        }, cancellationToken).ConfigureAwait(false);
        return await Task.Run(() => answers.Select(a => _keys.DecryptResponse(a)).ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the session on the server (the server keeps the keys for a while, so a new connection need not upload them again).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        string? session = Interlocked.Exchange(ref _session, null);
        if (session is not null)
        {
            await _grpc.CloseSessionAsync(new CloseSessionRequest { SessionId = session }, _headers, DateTime.UtcNow + TimeSpan.FromSeconds(10), cancellationToken).ResponseAsync.ConfigureAwait(false);
        }
    }

    /// <summary>Closes the session (best effort), wipes the secret key and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync().ConfigureAwait(false);
        }
        catch (RpcException)
        {
            // The server is gone or refuses: its sessions end by themselves when idle.
        }

        _keys.Dispose();
        _channel.Dispose();
        _sessionGate.Dispose();
    }

    /// <summary>Runs a call of the session; recovers a lost session (NOT_FOUND: open another), missing keys
    /// (FAILED_PRECONDITION: upload them) and an unreachable server (UNAVAILABLE: retry for a while), then calls again.</summary>
    private async Task<T> CallAsync<T>(Func<string, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        const int MaxRecoveries = 4;
        DateTime giveUp = DateTime.UtcNow + _options.RetryFor;
        TimeSpan pause = TimeSpan.FromMilliseconds(50);
        for (int recoveries = 0; ; )
        {
            string? session = null;
            try
            {
                session = await SessionAsync(cancellationToken).ConfigureAwait(false);
                return await call(session, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.NotFound && session is not null && recoveries++ < MaxRecoveries)
            {
                Interlocked.CompareExchange(ref _session, null, session);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.FailedPrecondition && session is not null && recoveries++ < MaxRecoveries)
            {
                await UploadAsync(session, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable && DateTime.UtcNow < giveUp)
            {
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    private async Task<string> SessionAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _session) is string open)
        {
            return open;
        }

        await _sessionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_session is string opened)
            {
                return opened;
            }

            OpenSessionReply reply = await _grpc.OpenSessionAsync(
                new OpenSessionRequest { KeysSha256 = _keysHash, PlanFingerprint = ByteString.CopyFrom(Plan.Fingerprint) }, _headers, Deadline(), cancellationToken).ResponseAsync.ConfigureAwait(false);
            Interlocked.Increment(ref _sessionsOpened);
            if (!reply.KeysPresent)
            {
                await UploadAsync(reply.SessionId, cancellationToken).ConfigureAwait(false);
            }

            _session = reply.SessionId;
            return reply.SessionId;
        }
        finally
        {
            _sessionGate.Release();
        }
    }

    private async Task UploadAsync(string session, CancellationToken cancellationToken)
    {
        int chunk = _limits.MaxChunkBytes > 0 ? Math.Min(_options.ChunkBytes, _limits.MaxChunkBytes) : _options.ChunkBytes;
        using AsyncClientStreamingCall<KeyChunk, UploadKeysReply> call = _grpc.UploadKeys(_headers, Deadline(), cancellationToken);
        try
        {
            await call.RequestStream.WriteAsync(new KeyChunk { Header = new KeyUploadHeader { SessionId = session, TotalBytes = _evaluationKeys.LongLength } }, cancellationToken).ConfigureAwait(false);
            for (int offset = 0; offset < _evaluationKeys.Length; offset += chunk)
            {
                ReadOnlyMemory<byte> part = _evaluationKeys.AsMemory(offset, Math.Min(chunk, _evaluationKeys.Length - offset));
                await call.RequestStream.WriteAsync(new KeyChunk { Data = UnsafeByteOperations.UnsafeWrap(part) }, cancellationToken).ConfigureAwait(false);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            // The server ended the call early (a refusal): its status, below, says why; a write only sees the call gone.
        }

        await call.ResponseAsync.ConfigureAwait(false);
        Interlocked.Increment(ref _keyUploads);
    }

    private DateTime Deadline() => DateTime.UtcNow + _options.CallTimeout;

    /// <summary>
    /// The largest legitimate answer to a request of <paramref name="samples"/> samples: its messages (one per sample in
    /// row-major plans, one per batch of <see cref="InferencePlan.SamplesPerCiphertext"/> in batch plans), each of the output's
    /// ciphertexts (one per <c>N/2</c> outputs in row-major plans, one per output in batch plans) no larger than a fresh
    /// top-level ciphertext (<see cref="InferencePlan.CiphertextBytes"/>; outputs are at lower levels), with 4 KiB per
    /// ciphertext and per message for headers, and 64 KiB for the envelope and the gRPC message around it.
    /// </summary>
    internal static int ResponseBound(InferencePlan plan, int samples)
    {
        int slots = plan.Parameters.PolyModulusDegree / 2;
        long messages = plan.Packing == TensorPacking.Batch ? ((long)samples + plan.SamplesPerCiphertext - 1) / plan.SamplesPerCiphertext : samples;
        long ciphertexts = plan.Packing == TensorPacking.Batch ? plan.OutputLength : (plan.OutputLength + slots - 1) / slots;
        long bound = (messages * ((ciphertexts * (plan.CiphertextBytes + 4096)) + 4096)) + (64 << 10);
        return (int)Math.Min(bound, int.MaxValue);
    }

    private void CheckSize(IReadOnlyList<double[]> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count > _options.MaxSamplesPerRequest)
        {
            throw new ArgumentException(
                $"A request of {samples.Count} samples is more than this client sends at once ({_options.MaxSamplesPerRequest}, which bounds the answers it accepts): split it, or raise MaxSamplesPerRequest.", nameof(samples));
        }
    }

    private static GrpcChannel OpenChannel(ServingClientOptions options, int maxReceive)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Server);
        ArgumentException.ThrowIfNullOrEmpty(options.ApiKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChunkBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSamplesPerRequest, 1);
        if (options.MaxResponseBytes is int max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1024, nameof(options.MaxResponseBytes));
        }

        if (options.Server.Scheme == Uri.UriSchemeHttp && !options.AllowUnencryptedRemote && !IsLoopback(options.Server))
        {
            throw new ArgumentException($"{options.Server} is not encrypted and not on this machine: the API key would cross the network in clear. Use https, or allow it explicitly.", nameof(options));
        }

        return GrpcChannel.ForAddress(options.Server, new GrpcChannelOptions
        {
            HttpHandler = options.HttpHandler ?? new SocketsHttpHandler { EnableMultipleHttp2Connections = true, KeepAlivePingDelay = TimeSpan.FromSeconds(60), KeepAlivePingTimeout = TimeSpan.FromSeconds(30) },
            DisposeHttpClient = options.HttpHandler is null,
            MaxReceiveMessageSize = maxReceive,
            MaxSendMessageSize = null,
        });
    }

    // The served plan, checked against the fingerprint the server announces, and the server's limits.
    private static async Task<(InferencePlan Plan, ServiceLimits Limits)> FetchPlanAsync(GrpcChannel channel, Metadata headers, ServingClientOptions options, CancellationToken cancellationToken)
    {
        var grpc = new PrivateInference.PrivateInferenceClient(channel);
        GetPlanReply reply = await Retry(options, ct => grpc.GetPlanAsync(new GetPlanRequest(), headers, DateTime.UtcNow + options.CallTimeout, ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
        InferencePlan plan = InferencePlan.FromBytes(reply.Plan.Span);
        if (!plan.Fingerprint.SequenceEqual(reply.Fingerprint.Span))
        {
            throw new CkksFormatException("The server's plan does not match the fingerprint it announced.");
        }

        return (plan, reply.Limits ?? new ServiceLimits());
    }

    private static async Task<T> Retry<T>(ServingClientOptions options, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        DateTime giveUp = DateTime.UtcNow + options.RetryFor;
        TimeSpan pause = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && DateTime.UtcNow < giveUp)
            {
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    private static bool IsLoopback(Uri server) =>
        server.IsLoopback || (IPAddress.TryParse(server.IdnHost, out IPAddress? address) && IPAddress.IsLoopback(address));
}
