using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Thestage.Server.Security;
using Thestage.Server.Sessions;
using Thestage.Serving.Protocol;

namespace Thestage.Server.Services;

/// <summary>
/// The gRPC service of <c>Protos/inference.proto</c>. It checks the transport — the caller (authenticated before this
/// runs), session names, hashes, the order, sizes and completeness of uploads — and hands whole values to the session
/// backend. Every refusal is a gRPC status (the proto lists them per call); anything else is INTERNAL, logged by type,
/// and the server goes on serving. Bound through <see cref="PrivateInferenceService"/> (malformed messages are INVALID_ARGUMENT).
/// </summary>
internal sealed partial class InferenceService(
    ISessionBackend sessions, ServedPlan served, ServingLimits limits, KeyCache memory, ILogger<InferenceService> log)
    : PrivateInferenceService
{
    public override Task<GetPlanReply> GetPlan(GetPlanRequest request, ServerCallContext context) => Guard(context, _ => Task.FromResult(new GetPlanReply
    {
        Plan = UnsafeByteOperations.UnsafeWrap(served.Bytes),
        Fingerprint = UnsafeByteOperations.UnsafeWrap(served.Fingerprint),
        Limits = new ServiceLimits
        {
            MaxMessageBytes = limits.MaxMessageBytes,
            MaxKeyBytes = limits.MaxKeyBytes,
            MaxChunkBytes = limits.MaxChunkBytes,
            MaxSessions = limits.MaxSessionsPerClient,
        },
    }));

    public override Task<OpenSessionReply> OpenSession(OpenSessionRequest request, ServerCallContext context) => Guard(context, async client =>
    {
        if (request.KeysSha256.Length != SHA256.HashSizeInBytes)
        {
            throw new ServingException(StatusCode.InvalidArgument, $"keys_sha256 has {request.KeysSha256.Length} bytes; a SHA-256 has 32.");
        }

        if (!request.PlanFingerprint.Span.SequenceEqual(served.Fingerprint))
        {
            throw new ServingException(StatusCode.InvalidArgument, "The keys were made for another plan than the one served: fetch the plan (GetPlan) and make keys for it.");
        }

        (string id, bool present) = await sessions.OpenAsync(client, Convert.ToHexStringLower(request.KeysSha256.Span), context.CancellationToken).ConfigureAwait(false);
        LogOpened(client, present);
        return new OpenSessionReply { SessionId = id, KeysPresent = present };
    });

    public override Task<UploadKeysReply> UploadKeys(IAsyncStreamReader<KeyChunk> requestStream, ServerCallContext context) => Guard(context, async client =>
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        if (!await Next(requestStream, idle, context).ConfigureAwait(false) || requestStream.Current.PartCase != KeyChunk.PartOneofCase.Header)
        {
            throw new ServingException(StatusCode.InvalidArgument, "An upload starts with its header (session and length).");
        }

        KeyUploadHeader header = requestStream.Current.Header;
        string id = RequireSession(header.SessionId);
        string expected = await sessions.KeysHashAsync(client, id, context.CancellationToken).ConfigureAwait(false);
        bool stored = false;
        try
        {
            if (header.TotalBytes <= 0)
            {
                throw new ServingException(StatusCode.InvalidArgument, $"The upload announces {header.TotalBytes} bytes.");
            }

            if (header.TotalBytes > limits.MaxKeyBytes)
            {
                throw new ServingException(StatusCode.ResourceExhausted, $"The upload announces {header.TotalBytes:N0} bytes; evaluation keys take at most {limits.MaxKeyBytes:N0}.");
            }

            if (header.TotalBytes > Array.MaxLength)
            {
                throw new ServingException(StatusCode.ResourceExhausted, $"The upload announces {header.TotalBytes:N0} bytes; one array holds at most {Array.MaxLength:N0}.");
            }

            int total = (int)header.TotalBytes;
            byte[] bundle;
            using (KeyCache.Lease lease = memory.Reserve())
            {
                // The buffer grows with the bytes received (doubling, capped at the announced length, so that it ends exactly
                // full): memory follows what the caller sent, not what its header claims.
                bundle = [];
                int received = 0;
                while (await Next(requestStream, idle, context).ConfigureAwait(false))
                {
                    KeyChunk chunk = requestStream.Current;
                    if (chunk.PartCase != KeyChunk.PartOneofCase.Data)
                    {
                        throw new ServingException(StatusCode.InvalidArgument, "An upload has one header, first; then only data.");
                    }

                    int length = chunk.Data.Length;
                    if (length > limits.MaxChunkBytes)
                    {
                        throw new ServingException(StatusCode.InvalidArgument, $"A chunk has {length:N0} bytes; chunks take at most {limits.MaxChunkBytes:N0}.");
                    }

                    if (length > total - received)
                    {
                        throw new ServingException(StatusCode.InvalidArgument, $"The upload sends more than the {total:N0} bytes it announced.");
                    }

                    if (received + length > bundle.Length)
                    {
                        int size = (int)Math.Min(total, Math.Max(2L * bundle.Length, Math.Max(received + length, 1 << 20)));
                        lease.Grow(size - bundle.Length);
                        Array.Resize(ref bundle, size);
                    }

                    chunk.Data.Span.CopyTo(bundle.AsSpan(received));
                    received += length;
                }

                if (received != total)
                {
                    throw new ServingException(StatusCode.InvalidArgument, $"The upload ended after {received:N0} of the {total:N0} bytes it announced.");
                }

                if (Convert.ToHexStringLower(SHA256.HashData(bundle)) != expected)
                {
                    throw new ServingException(StatusCode.InvalidArgument, "The uploaded bytes do not hash to the SHA-256 the session was opened with.");
                }

                // The lease covers the bytes until the keys are loaded and charged to the cache in their place.
                await sessions.StoreKeysAsync(client, id, bundle, context.CancellationToken).ConfigureAwait(false);
            }

            stored = true;
            LogStored(client, bundle.Length);
            return new UploadKeysReply { ReceivedBytes = bundle.Length };
        }
        finally
        {
            if (!stored)
            {
                // A failed or abandoned upload closes its session: nothing of it is kept.
                await sessions.CloseAsync(client, id).ConfigureAwait(false);
            }
        }
    });

    public override Task<EvaluateReply> Evaluate(EvaluateRequest request, ServerCallContext context) => Guard(context, async client =>
        new EvaluateReply
        {
            Id = request.Id,
            Response = UnsafeByteOperations.UnsafeWrap(
                await sessions.EvaluateAsync(client, RequireSession(request.SessionId), request.Request.ToByteArray(), context.CancellationToken).ConfigureAwait(false)),
        });

    public override Task EvaluateStream(IAsyncStreamReader<EvaluateRequest> requestStream, IServerStreamWriter<EvaluateReply> responseStream, ServerCallContext context) =>
        Guard(context, async client =>
        {
            // A reader starts evaluations, up to as many in flight as the server evaluates at once; the writer answers them in
            // order. The first refusal ends the call: the reader stops, and the evaluations in flight are cancelled and awaited,
            // so that none outlives the call.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
            var inFlight = System.Threading.Channels.Channel.CreateBounded<Task<EvaluateReply>>(limits.MaxConcurrentEvaluations);
            var started = new List<Task>();
            Task reader = Task.Run(async () =>
            {
                try
                {
                    while (await requestStream.MoveNext(stop.Token).ConfigureAwait(false))
                    {
                        EvaluateRequest request = requestStream.Current;
                        string id = RequireSession(request.SessionId);
                        byte[] bytes = request.Request.ToByteArray();
                        ulong name = request.Id;
                        Task<EvaluateReply> evaluation = Task.Run(async () => new EvaluateReply
                        {
                            Id = name,
                            Response = UnsafeByteOperations.UnsafeWrap(await sessions.EvaluateAsync(client, id, bytes, stop.Token).ConfigureAwait(false)),
                        });
                        lock (started)
                        {
                            started.Add(evaluation);
                        }

                        await inFlight.Writer.WriteAsync(evaluation, stop.Token).ConfigureAwait(false);
                    }

                    inFlight.Writer.Complete();
                }
                catch (Exception e)
                {
                    inFlight.Writer.Complete(e);
                }
            });
            try
            {
                await foreach (Task<EvaluateReply> evaluation in inFlight.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    await responseStream.WriteAsync(await evaluation.ConfigureAwait(false), stop.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await reader.ConfigureAwait(false);
                Task[] pending;
                lock (started)
                {
                    pending = [.. started];
                }

                await Task.WhenAll(pending).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            }

            return true;
        });

    public override Task<CloseSessionReply> CloseSession(CloseSessionRequest request, ServerCallContext context) => Guard(context, async client =>
    {
        if (SessionIds.IsWellFormed(request.SessionId))
        {
            await sessions.CloseAsync(client, request.SessionId).ConfigureAwait(false);
        }

        return new CloseSessionReply();
    });

    private static string RequireSession(string id) =>
        SessionIds.IsWellFormed(id) ? id : throw ServingException.UnknownSession();

    // The next message of an upload, within the idle timeout.
    private async Task<bool> Next(IAsyncStreamReader<KeyChunk> stream, CancellationTokenSource idle, ServerCallContext context)
    {
        idle.CancelAfter(limits.UploadIdleTimeout);
        try
        {
            return await stream.MoveNext(idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new ServingException(StatusCode.DeadlineExceeded, $"The upload waited longer than {limits.UploadIdleTimeout.TotalSeconds:N0} s for its next chunk.");
        }
    }

    private async Task<T> Guard<T>(ServerCallContext context, Func<string, Task<T>> call)
    {
        string client = ApiKeyAuthentication.ClientOf(context.GetHttpContext().User);
        try
        {
            return await call(client).ConfigureAwait(false);
        }
        catch (ServingException e)
        {
            LogRefused(client, context.Method, e.Status);
            throw new RpcException(new Status(e.Status, e.Message));
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            StatusCode status = context.Deadline <= DateTime.UtcNow ? StatusCode.DeadlineExceeded : StatusCode.Cancelled;
            throw new RpcException(new Status(status, status == StatusCode.DeadlineExceeded ? "The call's deadline passed." : "The call was cancelled."));
        }
        catch (RpcException)
        {
            throw;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // Raised by ASP.NET Core gRPC while reading a streamed message: its framing is malformed (a flag byte other than
            // 0 or 1: InvalidDataException; a length beyond 2 GiB: IOException), or the stream broke. No handler of ours
            // throws either.
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The call's gRPC framing is malformed, or its stream broke."));
        }
        catch (Exception e)
        {
            LogFailure(e, context.Method);
            throw new RpcException(new Status(StatusCode.Internal, "The server failed on this call; the failure is logged."));
        }
    }

    [LoggerMessage(LogLevel.Information, "{Client} opened a session (keys held: {KeysPresent})")]
    private partial void LogOpened(string client, bool keysPresent);

    [LoggerMessage(LogLevel.Information, "{Client} uploaded {Bytes} bytes of evaluation keys")]
    private partial void LogStored(string client, int bytes);

    [LoggerMessage(LogLevel.Information, "{Client}: {Method} refused with {Status}")]
    private partial void LogRefused(string client, string method, StatusCode status);

    [LoggerMessage(LogLevel.Error, "{Method} failed")]
    private partial void LogFailure(Exception exception, string method);
}
