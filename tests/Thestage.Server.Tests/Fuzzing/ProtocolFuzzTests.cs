using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Google.Protobuf;
using Thestage.Serving.Protocol;
using Thestage.TestKit.Fuzzing;
using Xunit.Abstractions;

namespace Thestage.Server.Tests.Fuzzing;

/// <summary>
/// The structured fuzz campaign of the protocol's messages, sent as raw gRPC bodies (length-prefixed frames) over HTTP/2
/// to a running server with a valid API key: open a session, upload keys (a stream of frames), evaluate (unary and
/// streamed), close. Each mutated body must end in a gRPC status — any refusal the protocol lists — never in the
/// server's catch-all INTERNAL ("The server failed…"), an UNKNOWN (an exception escaping a handler) or no status at
/// all; within 256 MiB and 1 s of CPU per input (process-wide: the server runs in this process); and the server must
/// serve an honest client afterwards and hold no upload memory. One case in four keeps the framing valid and mutates a
/// frame's payload (the protobuf message). CI runs 300 cases per message; set <c>THESTAGE_FUZZ_CASES</c> for more.
/// </summary>
[Collection(FuzzCampaign.CollectionName)]
public sealed class ProtocolFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Service = "/thestage.serving.v1.PrivateInference/";
    private InferenceServer _server = null!;
    private HttpClient _http = null!;
    private string _session = null!;

    public static TheoryData<string> Messages => ["OpenSession", "UploadKeys", "Evaluate", "EvaluateStream", "CloseSession"];

    public async Task InitializeAsync()
    {
        _server = await TestServers.StartAsync(ServedModel.RowMajor, new ServingLimits { MaxMessageBytes = 2 << 20, MaxChunkBytes = 1 << 20 });
        _http = new HttpClient(new SocketsHttpHandler());
        (var channel, var stub) = TestServers.Raw(_server.Address);
        using (channel)
        {
            byte[] keys = Attacks.RawCalls.Valid.Keys;
            _session = await Attacks.RawCalls.OpenAsync(stub, keys);
            Assert.Equal(Grpc.Core.StatusCode.OK, await Attacks.RawCalls.UploadAsync(stub, Attacks.RawCalls.Upload(_session, keys)));
        }
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task Every_body_ends_in_a_typed_status_within_the_limits(string method)
    {
        byte[] keys = Attacks.RawCalls.Valid.Keys;
        byte[] request = Attacks.RawCalls.Request(5);
        byte[] fingerprint = ServedModel.RowMajor.Plan.Fingerprint.ToArray();
        IMessage[][] samples = method switch
        {
            "OpenSession" => [[new OpenSessionRequest { KeysSha256 = ByteString.CopyFrom(SHA256.HashData(keys)), PlanFingerprint = ByteString.CopyFrom(fingerprint) }]],
            "UploadKeys" => [[
                new KeyChunk { Header = new KeyUploadHeader { SessionId = _session, TotalBytes = 3000 } },
                new KeyChunk { Data = ByteString.CopyFrom(keys, 0, 1000) },
                new KeyChunk { Data = ByteString.CopyFrom(keys, 1000, 2000) },
            ]],
            "Evaluate" => [[new EvaluateRequest { SessionId = _session, Id = 1, Request = ByteString.CopyFrom(request) }]],
            "EvaluateStream" => [[
                new EvaluateRequest { SessionId = _session, Id = 1, Request = ByteString.CopyFrom(request) },
                new EvaluateRequest { SessionId = _session, Id = 2, Request = ByteString.CopyFrom(request) },
            ]],
            _ => [[new CloseSessionRequest { SessionId = SessionIdOfNothing() }]],
        };
        byte[][] bodies = [.. samples.Select(messages => Frame(messages.Select(m => m.ToByteArray())))];
        byte[][] hostile =
        [
            Frame([[]]),                                        // an empty message
            [0, 0x7F, 0xFF, 0xFF, 0xFF],                        // a frame announcing 2 GiB
            [1, 0, 0, 0, 4, 1, 2, 3, 4],                        // a compressed frame (no compression is accepted)
            Frame([new KeyChunk { Header = new KeyUploadHeader { SessionId = _session, TotalBytes = long.MaxValue } }.ToByteArray()]),
        ];

        FuzzReport report = FuzzCampaign.Run(
            new FuzzTarget($"gRPC {method}", body => Call(method, body), bodies, e => false, hostile, Reframe),
            FuzzCampaign.Cases(300));
        output.WriteLine(report.ToString());

        Assert.True(report.Failures.Count == 0, string.Join(Environment.NewLine, report.Failures.Take(10)));
        Assert.Equal(0, _server.Statistics.ReservedUploadBytes);
        await using var honest = await TestServers.ConnectAsync(_server);
        double[][] check = ServedModel.Samples(8, 1);
        ServedModel.RowMajor.AssertMatches(check, await honest.PredictAsync(check));
    }

    /// <summary>Sends a raw gRPC body and returns the status; throws (an undocumented failure) when there is none, or it is
    /// the server's catch-all or an escaped exception.</summary>
    private object Call(string method, byte[] body)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.Address, Service + method))
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        message.Headers.TryAddWithoutValidation("te", "trailers");
        message.Headers.Add("x-api-key", TestServers.ApiKey);
        using HttpResponseMessage response = _http.SendAsync(message).GetAwaiter().GetResult();
        response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        string? status = Header(response, "grpc-status");
        string text = Header(response, "grpc-message") ?? "";
        if (status is null)
        {
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode} without a gRPC status.");
        }

        if (status == "2" || (status == "13" && text.Contains("The server failed", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"gRPC status {status}: {Uri.UnescapeDataString(text)}");
        }

        return status;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var trailing) ? trailing.First()
        : response.Headers.TryGetValues(name, out var leading) ? leading.First()
        : null;

    /// <summary>gRPC frames: per message a flag byte (0: not compressed), its big-endian u32 length, the message.</summary>
    private static byte[] Frame(IEnumerable<byte[]> messages)
    {
        using var stream = new MemoryStream();
        Span<byte> prefix = stackalloc byte[5];
        foreach (byte[] m in messages)
        {
            prefix[0] = 0;
            BinaryPrimitives.WriteUInt32BigEndian(prefix[1..], (uint)m.Length);
            stream.Write(prefix);
            stream.Write(m);
        }

        return stream.ToArray();
    }

    /// <summary>Keeps the framing valid and mutates one frame's message (which one follows from the sample, as every choice of
    /// the campaign follows from its seed).</summary>
    private static byte[] Reframe(byte[] body, Func<byte[], byte[]> mutate)
    {
        var messages = new List<byte[]>();
        for (int offset = 0; offset + 5 <= body.Length;)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            messages.Add(body.AsSpan(offset + 5, length).ToArray());
            offset += 5 + length;
        }

        int pick = (int)((uint)body.Length % (uint)messages.Count);   // deterministic, as the campaign is
        messages[pick] = mutate(messages[pick]);
        return Frame(messages);
    }

    private static string SessionIdOfNothing() => new('a', 32);
}
