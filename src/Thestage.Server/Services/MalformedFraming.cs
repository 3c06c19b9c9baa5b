using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Thestage.Server.Services;

/// <summary>
/// Gives a unary call whose gRPC framing is malformed (a flag byte other than 0 or 1, a length beyond 2 GiB) the status
/// INVALID_ARGUMENT. ASP.NET Core gRPC reads a unary call's message before any handler runs and reports a framing error
/// as UNKNOWN ("Exception was thrown by handler"); every handler of the service runs inside
/// <see cref="InferenceService"/>'s guard, which maps each exception to a listed status, so an UNKNOWN from the service can
/// only come from reading the request. The status is still in the response headers then (a trailers-only response has not
/// started), so it is rewritten before it is sent. Streaming calls see framing errors inside the guard.
/// </summary>
internal static class MalformedFraming
{
    private const string StatusHeader = "grpc-status";
    private const string MessageHeader = "grpc-message";

    public static async Task RewriteAsync(HttpContext context, RequestDelegate next)
    {
        await next(context).ConfigureAwait(false);
        IHeaderDictionary headers = context.Response.Headers;
        if (!context.Response.HasStarted && headers.TryGetValue(StatusHeader, out var status) && status == ((int)StatusCode.Unknown).ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            headers[StatusHeader] = ((int)StatusCode.InvalidArgument).ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers[MessageHeader] = Uri.EscapeDataString("The call's gRPC framing is malformed.");
        }
    }
}
