using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Thestage.Inference.Runtime;
using Thestage.Serving.Protocol;

namespace Thestage.Server.Tests.Attacks;

/// <summary>
/// Hostile callers against one server: every attack ends in its typed status, what it touched is cleaned up, and the
/// server goes on serving an honest client (checked after each attack).
/// </summary>
public sealed class ProtocolAttackTests : IAsyncLifetime
{
    private InferenceServer _server = null!;
    private Grpc.Net.Client.GrpcChannel _channel = null!;
    private PrivateInference.PrivateInferenceClient _stub = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServers.StartAsync(ServedModel.RowMajor, new ServingLimits { MaxMessageBytes = 4 << 20, MaxChunkBytes = 1 << 20, MaxKeyBytes = 256 << 20 });
        (_channel, _stub) = TestServers.Raw(_server.Address);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key-0123456789abcdef0123456789abcdef")]
    [InlineData("test-key-0123456789abcdef0123456789abcde")]          // a prefix of the accepted key
    [InlineData("test-key-0123456789abcdef0123456789abcdef ")]        // the key and a space
    public async Task CallWithoutTheApiKey_IsRefusedUnauthenticated_OnEveryMethod(string? key)
    {
        Metadata headers = key is null ? [] : new Metadata { { "x-api-key", key } };
        var calls = new Func<Task>[]
        {
            () => _stub.GetPlanAsync(new GetPlanRequest(), headers).ResponseAsync,
            () => _stub.OpenSessionAsync(new OpenSessionRequest(), headers).ResponseAsync,
            () => _stub.EvaluateAsync(new EvaluateRequest(), headers).ResponseAsync,
            () => _stub.CloseSessionAsync(new CloseSessionRequest(), headers).ResponseAsync,
            async () =>
            {
                using var call = _stub.UploadKeys(headers);
                await call.ResponseAsync;
            },
            async () =>
            {
                using var call = _stub.EvaluateStream(headers);
                await call.ResponseStream.MoveNext(CancellationToken.None);
            },
        };
        foreach (Func<Task> call in calls)
        {
            RpcException refused = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        }

        await AssertStillServing();
    }

    [Fact]
    public async Task OversizedMessage_WithoutTheApiKey_IsRefusedBeforeItIsRead()
    {
        // 3 MiB fits the message limit: were it read, the empty session would be NOT_FOUND; refused unauthenticated first.
        RpcException refused = await Assert.ThrowsAsync<RpcException>(() => _stub.EvaluateAsync(new EvaluateRequest { Request = ByteString.CopyFrom(new byte[3 << 20]) }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    [Fact]
    public async Task SessionOfAnotherClient_IsUnknownToIt_AndItsCloseLeavesTheSessionOpen()
    {
        (_, byte[] keys) = RawCalls.Valid;
        string session = await RawCalls.OpenAsync(_stub, keys);
        Assert.Equal(StatusCode.OK, await RawCalls.UploadAsync(_stub, RawCalls.Upload(session, keys)));

        Assert.Equal(StatusCode.NotFound, await RawCalls.EvaluateAsync(_stub, session, RawCalls.Request(), TestServers.OtherApiKey));
        Assert.Equal(StatusCode.NotFound, await RawCalls.UploadAsync(_stub, RawCalls.Upload(session, keys), TestServers.OtherApiKey));
        await _stub.CloseSessionAsync(new CloseSessionRequest { SessionId = session }, TestServers.Headers(TestServers.OtherApiKey));

        Assert.Equal(StatusCode.OK, await RawCalls.EvaluateAsync(_stub, session, RawCalls.Request()));
    }

    [Fact]
    public async Task KeysOfAnotherClient_AreNotHeldForItByTheirHash()
    {
        (_, byte[] keys) = RawCalls.Valid;
        string session = await RawCalls.OpenAsync(_stub, keys);
        Assert.Equal(StatusCode.OK, await RawCalls.UploadAsync(_stub, RawCalls.Upload(session, keys)));

        OpenSessionReply other = await _stub.OpenSessionAsync(new OpenSessionRequest
        {
            KeysSha256 = ByteString.CopyFrom(SHA256.HashData(keys)),
            PlanFingerprint = ByteString.CopyFrom(ServedModel.RowMajor.Plan.Fingerprint),
        }, TestServers.Headers(TestServers.OtherApiKey));

        Assert.False(other.KeysPresent);
        Assert.Equal(StatusCode.FailedPrecondition, await RawCalls.EvaluateAsync(_stub, other.SessionId, RawCalls.Request(), TestServers.OtherApiKey));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("../../etc/passwd")]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    public async Task GuessedOrMalformedSessionName_IsUnknown(string session)
    {
        Assert.Equal(StatusCode.NotFound, await RawCalls.EvaluateAsync(_stub, session, RawCalls.Request()));
        Assert.Equal(StatusCode.NotFound, await RawCalls.UploadAsync(_stub, RawCalls.Upload(session, [1, 2, 3])));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public async Task OpenSession_WithAHashOfAnotherLength_IsInvalidArgument(int length)
    {
        RpcException refused = await Assert.ThrowsAsync<RpcException>(() => _stub.OpenSessionAsync(new OpenSessionRequest
        {
            KeysSha256 = ByteString.CopyFrom(new byte[length]),
            PlanFingerprint = ByteString.CopyFrom(ServedModel.RowMajor.Plan.Fingerprint),
        }, TestServers.Headers()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
    }

    [Fact]
    public async Task OpenSession_ForAnotherPlan_IsInvalidArgument()
    {
        RpcException refused = await Assert.ThrowsAsync<RpcException>(() => _stub.OpenSessionAsync(new OpenSessionRequest
        {
            KeysSha256 = ByteString.CopyFrom(new byte[32]),
            PlanFingerprint = ByteString.CopyFrom(ServedModel.Batch.Plan.Fingerprint),
        }, TestServers.Headers()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
    }

    public static TheoryData<string> BadUploads => ["no header", "data before header", "two headers", "more than announced", "less than announced", "announced zero", "announced negative", "chunk over limit", "wrong hash"];

    [Theory]
    [MemberData(nameof(BadUploads))]
    public async Task MalformedUpload_IsInvalidArgument_AndClosesItsSession(string attack)
    {
        (_, byte[] keys) = RawCalls.Valid;
        string session = await RawCalls.OpenAsync(_stub, keys);
        var header = new KeyChunk { Header = new KeyUploadHeader { SessionId = session, TotalBytes = keys.Length } };
        var data = new KeyChunk { Data = ByteString.CopyFrom(keys, 0, 1000) };
        IEnumerable<KeyChunk> chunks = attack switch
        {
            "no header" => [],
            "data before header" => [data, header],
            "two headers" => [header, header],
            "more than announced" => RawCalls.Upload(session, keys, announced: keys.Length - 1),
            "less than announced" => RawCalls.Upload(session, keys, announced: keys.Length + 1),
            "announced zero" => RawCalls.Upload(session, keys, announced: 0),
            "announced negative" => RawCalls.Upload(session, keys, announced: -5),
            "chunk over limit" => RawCalls.Upload(session, keys, chunk: (1 << 20) + 1),
            _ => RawCalls.Upload(session, [.. keys.Take(keys.Length - 1), (byte)(keys[^1] ^ 1)]),
        };

        Assert.Equal(StatusCode.InvalidArgument, await RawCalls.UploadAsync(_stub, chunks));

        if (attack is not ("no header" or "data before header"))
        {
            // The session of a failed upload is closed: nothing of it is kept.
            Assert.Equal(StatusCode.NotFound, await RawCalls.EvaluateAsync(_stub, session, RawCalls.Request()));
        }

        Assert.Equal(0, _server.Statistics.ReservedUploadBytes);
        await AssertStillServing();
    }

    [Fact]
    public async Task UploadAnnouncingMoreThanTheKeyLimit_IsResourceExhausted_WithoutReservingIt()
    {
        string session = await RawCalls.OpenAsync(_stub, [1]);
        Assert.Equal(StatusCode.ResourceExhausted, await RawCalls.UploadAsync(_stub, RawCalls.Upload(session, [1], announced: (256L << 20) + 1)));
        Assert.Equal(StatusCode.ResourceExhausted, await RawCalls.UploadAsync(_stub, RawCalls.Upload(await RawCalls.OpenAsync(_stub, [1]), [1], announced: long.MaxValue)));
        Assert.Equal(0, _server.Statistics.ReservedUploadBytes);
    }

    [Fact]
    public async Task SecretKeyOfferedAsEvaluationKeys_IsRefused()
    {
        byte[] secret = RawCalls.Valid.Client.ExportSecretKey();
        string session = await RawCalls.OpenAsync(_stub, secret);

        Assert.Equal(StatusCode.InvalidArgument, await RawCalls.UploadAsync(_stub, RawCalls.Upload(session, secret)));
        Assert.Equal(0, _server.Statistics.ReservedUploadBytes);
    }

    [Fact]
    public async Task EvaluationKeysOfAnotherPlan_AreRefused()
    {
        using var other = new InferenceClient(ServedModel.Batch.Plan);
        byte[] keys = other.CreateEvaluationKeys().ToBytes();
        string session = await RawCalls.OpenAsync(_stub, keys);

        Assert.Equal(StatusCode.InvalidArgument, await RawCalls.UploadAsync(_stub, RawCalls.Upload(session, keys)));
    }

    public static TheoryData<string> BadRequests => ["empty", "random", "truncated", "another plan", "a response", "evaluation keys"];

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task MalformedRequest_IsInvalidArgument_AndTheSessionGoesOn(string attack)
    {
        (_, byte[] keys) = RawCalls.Valid;
        string session = await RawCalls.OpenAsync(_stub, keys);
        Assert.Equal(StatusCode.OK, await RawCalls.UploadAsync(_stub, RawCalls.Upload(session, keys)));
        byte[] valid = RawCalls.Request();
        byte[] request = attack switch
        {
            "empty" => [],
            "random" => RandomNumberGenerator.GetBytes(4096),
            "truncated" => valid[..(valid.Length / 2)],
            "another plan" => new InferenceClient(ServedModel.Batch.Plan).EncryptRequest(ServedModel.Samples(1, 1)),
            "a response" => ServedModel.RowMajor.Prepared is var p ? new EncryptedModel(p, p.LoadEvaluationKeys(keys)).EvaluateRequest(valid) : [],
            _ => keys[..Math.Min(keys.Length, 1 << 20)],
        };

        Assert.Equal(StatusCode.InvalidArgument, await RawCalls.EvaluateAsync(_stub, session, request));
        Assert.Equal(StatusCode.OK, await RawCalls.EvaluateAsync(_stub, session, valid));
    }

    [Fact]
    public async Task RequestOverTheMessageLimit_IsResourceExhausted()
    {
        (_, byte[] keys) = RawCalls.Valid;
        string session = await RawCalls.OpenAsync(_stub, keys);

        Assert.Equal(StatusCode.ResourceExhausted, await RawCalls.EvaluateAsync(_stub, session, new byte[(4 << 20) + 1]));
        await AssertStillServing();
    }

    [Fact]
    public async Task MalformedRequestInAStream_EndsTheStreamWithItsStatus_AfterTheGoodOnes()
    {
        (_, byte[] keys) = RawCalls.Valid;
        string session = await RawCalls.OpenAsync(_stub, keys);
        Assert.Equal(StatusCode.OK, await RawCalls.UploadAsync(_stub, RawCalls.Upload(session, keys)));
        using var call = _stub.EvaluateStream(TestServers.Headers());
        await call.RequestStream.WriteAsync(new EvaluateRequest { SessionId = session, Id = 7, Request = ByteString.CopyFrom(RawCalls.Request()) });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(7UL, call.ResponseStream.Current.Id);

        await call.RequestStream.WriteAsync(new EvaluateRequest { SessionId = session, Id = 8, Request = ByteString.CopyFrom([1, 2, 3]) });
        RpcException refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        await AssertStillServing();
    }

    private async Task AssertStillServing()
    {
        await using var client = await TestServers.ConnectAsync(_server);
        double[][] samples = ServedModel.Samples(99, 1);
        ServedModel.RowMajor.AssertMatches(samples, await client.PredictAsync(samples));
    }
}
