using Grpc.Core;
using Thestage.Serving.Protocol;

namespace Thestage.Server.Tests.Attacks;

/// <summary>Attacks on the server's resources: each limit holds with its typed status and leaves nothing behind.</summary>
public sealed class LimitAttackTests
{
    [Fact]
    public async Task OpeningMoreSessionsThanAllowed_IsResourceExhausted_ForThatClientOnly()
    {
        await using InferenceServer server = await TestServers.StartAsync(ServedModel.RowMajor, new ServingLimits { MaxSessionsPerClient = 2 });
        (var channel, var stub) = TestServers.Raw(server.Address);
        using (channel)
        {
            await RawCalls.OpenAsync(stub, [1]);
            await RawCalls.OpenAsync(stub, [2]);

            RpcException refused = await Assert.ThrowsAsync<RpcException>(() => RawCalls.OpenAsync(stub, [3]));

            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            Assert.NotEmpty(await RawCalls.OpenAsync(stub, [3], TestServers.OtherApiKey));
            Assert.Equal(3, server.Statistics.Sessions);
        }
    }

    [Fact]
    public async Task ManyClientsEachWithinItsOwnLimit_CannotOpenMoreSessionsInAllThanTheServerAllows()
    {
        // Six clients (API keys), two sessions each allowed, five in all: each opens as many as it may.
        string[] keys = ManyClients(6);
        await using InferenceServer server = await InferenceServer.StartAsync(ServedModel.RowMajor.Prepared, ApiKeyRing.FromKeys(keys), new ServerOptions
        {
            Port = 0,
            Logging = _ => { },
            Limits = new ServingLimits { MaxSessionsPerClient = 2, MaxSessions = 5 },
        });
        (var channel, var stub) = TestServers.Raw(server.Address);
        using (channel)
        {
            List<(string Session, string Key)> opened = await OpenAllAsync(stub, keys);

            Assert.Equal(5, opened.Count);
            Assert.Equal(5, server.Statistics.Sessions);
            await stub.CloseSessionAsync(new CloseSessionRequest { SessionId = opened[0].Session }, TestServers.Headers(opened[0].Key));
            Assert.NotEmpty(await RawCalls.OpenAsync(stub, [99], keys[^1]));   // a closed session makes room, for any client
        }
    }

    /// <summary><paramref name="count"/> API keys, one client each.</summary>
    internal static string[] ManyClients(int count) => [.. Enumerable.Range(0, count).Select(i => $"client-{i}-key-0123456789abcdef0123456789abcdef")];

    /// <summary>
    /// Each client opens two sessions, one client after the other; returns those opened, and checks that every refusal is
    /// RESOURCE_EXHAUSTED.
    /// </summary>
    internal static async Task<List<(string Session, string Key)>> OpenAllAsync(PrivateInference.PrivateInferenceClient stub, string[] keys)
    {
        var opened = new List<(string Session, string Key)>();
        foreach (string key in keys)
        {
            for (int j = 0; j < 2; j++)
            {
                try
                {
                    opened.Add((await RawCalls.OpenAsync(stub, [(byte)opened.Count, (byte)j], key), key));
                }
                catch (RpcException refused)
                {
                    Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
                }
            }
        }

        return opened;
    }

    [Fact]
    public async Task IdleSessionsAndKeys_Expire()
    {
        var time = new ManualTime();
        await using InferenceServer server = await TestServers.StartAsync(ServedModel.RowMajor, new ServingLimits
        {
            SessionIdleTimeout = TimeSpan.FromMinutes(30),
            KeyIdleTimeout = TimeSpan.FromMinutes(60),
        }, time: time);
        (var channel, var stub) = TestServers.Raw(server.Address);
        using (channel)
        {
            byte[] keys = RawCalls.Valid.Keys;
            string session = await RawCalls.OpenAsync(stub, keys);
            Assert.Equal(StatusCode.OK, await RawCalls.UploadAsync(stub, RawCalls.Upload(session, keys)));
            time.Advance(TimeSpan.FromMinutes(31));

            Assert.Equal(StatusCode.NotFound, await RawCalls.EvaluateAsync(stub, session, RawCalls.Request()));
            Assert.Equal(1, server.Statistics.CachedKeys);   // the keys outlive the session…
            OpenSessionReply reopened = await stub.OpenSessionAsync(new OpenSessionRequest
            {
                KeysSha256 = Google.Protobuf.ByteString.CopyFrom(System.Security.Cryptography.SHA256.HashData(keys)),
                PlanFingerprint = Google.Protobuf.ByteString.CopyFrom(ServedModel.RowMajor.Plan.Fingerprint),
            }, TestServers.Headers());
            Assert.True(reopened.KeysPresent);
            time.Advance(TimeSpan.FromMinutes(61));

            Assert.Equal(StatusCode.NotFound, await RawCalls.EvaluateAsync(stub, reopened.SessionId, RawCalls.Request()));
            Assert.Equal(0, server.Statistics.CachedKeys);   // …until they idle out too
            Assert.Equal(0, server.Statistics.CachedKeyBytes);
        }
    }

    [Fact]
    public async Task StalledUpload_IsAbandoned_ItsMemoryReleased_AndItsSessionClosed()
    {
        await using InferenceServer server = await TestServers.StartAsync(ServedModel.RowMajor, new ServingLimits { UploadIdleTimeout = TimeSpan.FromMilliseconds(300) });
        (var channel, var stub) = TestServers.Raw(server.Address);
        using (channel)
        {
            byte[] keys = RawCalls.Valid.Keys;
            string session = await RawCalls.OpenAsync(stub, keys);
            using var call = stub.UploadKeys(TestServers.Headers());
            await call.RequestStream.WriteAsync(new KeyChunk { Header = new KeyUploadHeader { SessionId = session, TotalBytes = keys.Length } });
            await call.RequestStream.WriteAsync(new KeyChunk { Data = Google.Protobuf.ByteString.CopyFrom(keys, 0, 1 << 16) });

            RpcException refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

            Assert.Equal(StatusCode.DeadlineExceeded, refused.StatusCode);
            Assert.Equal(0, server.Statistics.ReservedUploadBytes);
            Assert.Equal(StatusCode.NotFound, await RawCalls.EvaluateAsync(stub, session, RawCalls.Request()));
        }
    }

    [Fact]
    public async Task EvaluationLongerThanTheServerAllows_IsStopped_DeadlineExceeded()
    {
        await using InferenceServer server = await TestServers.StartAsync(ServedModel.RowMajor, new ServingLimits { MaxEvaluationTime = TimeSpan.FromMilliseconds(1) });
        (var channel, var stub) = TestServers.Raw(server.Address);
        using (channel)
        {
            byte[] keys = RawCalls.Valid.Keys;
            string session = await RawCalls.OpenAsync(stub, keys);
            Assert.Equal(StatusCode.OK, await RawCalls.UploadAsync(stub, RawCalls.Upload(session, keys)));   // loading is not cut short

            // 64 samples, each its own row-major evaluation: far longer than the 1 ms allowed however fast the machine is
            // (one small sample could finish before the timer fires).
            byte[] longRequest = RawCalls.Valid.Client.EncryptRequest(ServedModel.Samples(1, 64));
            Assert.Equal(StatusCode.DeadlineExceeded, await RawCalls.EvaluateAsync(stub, session, longRequest));
            Assert.Equal(0, server.Statistics.Evaluations);
        }
    }

    [Fact]
    public async Task CallersDeadline_StopsTheEvaluation_AndTheServerGoesOn()
    {
        await using InferenceServer server = await TestServers.StartAsync(ServedModel.RowMajor);
        (var channel, var stub) = TestServers.Raw(server.Address);
        using (channel)
        {
            byte[] keys = RawCalls.Valid.Keys;
            string session = await RawCalls.OpenAsync(stub, keys);
            Assert.Equal(StatusCode.OK, await RawCalls.UploadAsync(stub, RawCalls.Upload(session, keys)));

            RpcException refused = await Assert.ThrowsAsync<RpcException>(() => stub.EvaluateAsync(
                new EvaluateRequest { SessionId = session, Request = Google.Protobuf.ByteString.CopyFrom(RawCalls.Request()) }, TestServers.Headers(), DateTime.UtcNow.AddMilliseconds(1)).ResponseAsync);

            Assert.Equal(StatusCode.DeadlineExceeded, refused.StatusCode);
            Assert.Equal(StatusCode.OK, await RawCalls.EvaluateAsync(stub, session, RawCalls.Request()));
        }
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("10.1.2.3")]
    public async Task ListeningBeyondLoopbackWithoutTls_IsRefused(string host)
    {
        var options = new ServerOptions { Host = host, Port = 0, Logging = _ => { } };

        ArgumentException refused = await Assert.ThrowsAsync<ArgumentException>(() => InferenceServer.StartAsync(ServedModel.RowMajor.Prepared, TestServers.Keys, options));

        Assert.Contains("in clear", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("127.0.0.1; rm -rf /")]
    public async Task HostThatIsNotAnAddress_IsRefused(string host)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => InferenceServer.StartAsync(ServedModel.RowMajor.Prepared, TestServers.Keys, new ServerOptions { Host = host, Logging = _ => { } }));
    }
}
