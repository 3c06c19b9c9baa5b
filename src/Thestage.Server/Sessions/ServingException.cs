using Grpc.Core;

namespace Thestage.Server.Sessions;

/// <summary>A refusal with its gRPC status: what the caller sent, or asked for, cannot be served (never a server fault).</summary>
internal sealed class ServingException(StatusCode status, string message) : Exception(message)
{
    public StatusCode Status { get; } = status;

    public static ServingException UnknownSession() =>
        new(StatusCode.NotFound, "The session is unknown (closed, expired, or the server restarted): open a new one.");

    public static ServingException KeysRequired() =>
        new(StatusCode.FailedPrecondition, "The server does not hold the session's evaluation keys (not uploaded, or evicted): upload them.");
}
