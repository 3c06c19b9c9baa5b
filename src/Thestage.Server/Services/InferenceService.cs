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
/// and the server goes on serving.
/// </summary>
internal sealed partial class InferenceService(
    ISessionBackend sessions, ServedPlan served, ServingLimits limits, KeyCache memory, ILogger<InferenceService> log)
    : PrivateInference.PrivateInferenceBase
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

            byte[] bundle;
            using (memory.Reserve(header.TotalBytes))
            {
                bundle = GC.AllocateUninitializedArray<byte>(checked((int)Math.Min(header.TotalBytes, Array.MaxLength)));
                if (bundle.LongLength != header.TotalBytes)
                {
                    throw new ServingException(StatusCode.ResourceExhausted, $"The upload announces {header.TotalBytes:N0} bytes; one array holds at most {Array.MaxLength:N0}.");
                }

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

                    if (length > bundle.Length - received)
                    {
                        throw new ServingException(StatusCode.InvalidArgument, $"The upload sends more than the {bundle.Length:N0} bytes it announced.");
                    }

                    chunk.Data.Span.CopyTo(bundle.AsSpan(received));
                    received += length;
                }

                if (received != bundle.Length)
                {
                    throw new ServingException(StatusCode.InvalidArgument, $"The upload ended after {received:N0} of the {bundle.Length:N0} bytes it announced.");
                }

                if (Convert.ToHexStringLower(SHA256.HashData(bundle)) != expected)
                {
                    throw new ServingException(StatusCode.InvalidArgument, "The uploaded bytes do not hash to the SHA-256 the session was opened with.");
                }

                // The reservation covers the bytes until the keys are loaded and charged to the cache in their place.
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
            // Up to as many requests in flight as the server evaluates at once; replies are written in order.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
            var inFlight = new Queue<Task<EvaluateReply>>();
            try
            {
                while (await requestStream.MoveNext(stop.Token).ConfigureAwait(false))
                {
                    EvaluateRequest request = requestStream.Current;
                    string id = RequireSession(request.SessionId);
                    byte[] bytes = request.Request.ToByteArray();
                    ulong name = request.Id;
                    inFlight.Enqueue(Task.Run(async () => new EvaluateReply
                    {
                        Id = name,
                        Response = UnsafeByteOperations.UnsafeWrap(await sessions.EvaluateAsync(client, id, bytes, stop.Token).ConfigureAwait(false)),
                    }));
                    if (inFlight.Count >= limits.MaxConcurrentEvaluations)
                    {
                        await responseStream.WriteAsync(await inFlight.Dequeue().ConfigureAwait(false), stop.Token).ConfigureAwait(false);
                    }
                }

                while (inFlight.Count > 0)
                {
                    await responseStream.WriteAsync(await inFlight.Dequeue().ConfigureAwait(false), stop.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                // A refusal ends the stream: the requests still in flight are cancelled and awaited, so none outlives the call.
                await stop.CancelAsync().ConfigureAwait(false);
                foreach (Task pending in inFlight)
                {
                    await pending.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
                }
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
