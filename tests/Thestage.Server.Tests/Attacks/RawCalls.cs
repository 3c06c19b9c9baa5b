using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Thestage.Inference.Runtime;
using Thestage.Serving.Protocol;

namespace Thestage.Server.Tests.Attacks;

/// <summary>Protocol calls as an attacker makes them: any bytes, any order, any header.</summary>
internal static class RawCalls
{
    private static readonly Lazy<(InferenceClient Client, byte[] Keys)> OwnKeys = new(() =>
    {
        var client = new InferenceClient(ServedModel.RowMajor.Plan);
        return (client, client.CreateEvaluationKeys().ToBytes());
    });

    /// <summary>A valid client of the row-major model and its evaluation keys (made once for all tests).</summary>
    public static (InferenceClient Client, byte[] Keys) Valid => OwnKeys.Value;

    public static async Task<string> OpenAsync(PrivateInference.PrivateInferenceClient stub, byte[] keys, string apiKey = TestServers.ApiKey)
    {
        OpenSessionReply reply = await stub.OpenSessionAsync(new OpenSessionRequest
        {
            KeysSha256 = ByteString.CopyFrom(SHA256.HashData(keys)),
            PlanFingerprint = ByteString.CopyFrom(ServedModel.RowMajor.Plan.Fingerprint),
        }, TestServers.Headers(apiKey));
        return reply.SessionId;
    }

    /// <summary>Sends the messages of an upload as given; returns the status it ends with (OK included).</summary>
    public static async Task<StatusCode> UploadAsync(PrivateInference.PrivateInferenceClient stub, IEnumerable<KeyChunk> chunks, string apiKey = TestServers.ApiKey)
    {
        // A deadline, so that a server that stops reading without ending the call fails the test (DeadlineExceeded) instead
        // of hanging the run: a write blocked on HTTP/2 flow control would otherwise wait forever.
        using var call = stub.UploadKeys(TestServers.Headers(apiKey), deadline: DateTime.UtcNow.AddMinutes(2));
        try
        {
            foreach (KeyChunk chunk in chunks)
            {
                await call.RequestStream.WriteAsync(chunk);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
        {
            // The server ended the call before the last message: its status says why. Which exception the write sees depends
            // on how far the HTTP/2 stream had got when the server closed it (an HttpProtocolException, STREAM_CLOSED, when
            // the reset arrives mid-write: seen once in CI under HostileTraffic_DuringLoad).
        }

        try
        {
            await call.ResponseAsync;
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    public static IEnumerable<KeyChunk> Upload(string session, byte[] bytes, long? announced = null, int chunk = 1 << 20)
    {
        yield return new KeyChunk { Header = new KeyUploadHeader { SessionId = session, TotalBytes = announced ?? bytes.Length } };
        for (int offset = 0; offset < bytes.Length; offset += chunk)
        {
            yield return new KeyChunk { Data = ByteString.CopyFrom(bytes, offset, Math.Min(chunk, bytes.Length - offset)) };
        }
    }

    public static async Task<StatusCode> EvaluateAsync(PrivateInference.PrivateInferenceClient stub, string session, byte[] request, string apiKey = TestServers.ApiKey)
    {
        try
        {
            await stub.EvaluateAsync(new EvaluateRequest { SessionId = session, Request = ByteString.CopyFrom(request) }, TestServers.Headers(apiKey));
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    public static byte[] Request(int seed = 1) => Valid.Client.EncryptRequest(ServedModel.Samples(seed, 1));
}
