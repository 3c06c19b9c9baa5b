using Google.Protobuf;
using Grpc.Core;
using Thestage.Client;
using Thestage.Server.Tests.Attacks;
using Thestage.Serving.Protocol;

namespace Thestage.Server.Tests.Load;

/// <summary>
/// Faults on loopback: the server restarts under a client in mid-session, a client vanishes in mid-upload. Waits for an
/// eventual state are bounded in count (never asserted on time).
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class FaultTests
{
    [Fact]
    public async Task ServerRestart_MidSession_TheClientReopensAndReuploads_AndItsRequestsSucceed()
    {
        ServedModel model = ServedModel.RowMajor;
        InferenceServer first = await TestServers.StartAsync(model);
        int port = first.Address.Port;
        await using ServingClient client = await TestServers.ConnectAsync(first);
        double[][] before = ServedModel.Samples(41, 1);
        model.AssertMatches(before, await client.PredictAsync(before));
        await first.DisposeAsync();   // sessions and keys are gone with it

        // The request starts while no server listens (UNAVAILABLE: retried), and is answered by the new server on the same
        // port, which knows neither the session (NOT_FOUND: reopened) nor the keys (uploaded again).
        double[][] during = ServedModel.Samples(42, 2);
        Task<double[][]> pending = client.PredictAsync(during);
        await using InferenceServer second = await TestServers.StartAsync(model, port: port);

        model.AssertMatches(during, await pending);
        Assert.Equal(2, client.KeyUploads);
        Assert.Equal(2, client.SessionsOpened);
        Assert.Equal(1, second.Statistics.Evaluations);

        double[][][] streamed = [ServedModel.Samples(43, 1), ServedModel.Samples(44, 1)];
        double[][][] answers = await client.PredictManyAsync(streamed);
        model.AssertMatches(streamed[0], answers[0]);
        model.AssertMatches(streamed[1], answers[1]);
    }

    [Fact]
    public async Task ClientDisconnect_MidUpload_ClosesTheSession_AndLeavesNoKeyMemory()
    {
        await using InferenceServer server = await TestServers.StartAsync(ServedModel.RowMajor, new ServingLimits { MaxChunkBytes = 1 << 16 });
        byte[] keys = RawCalls.Valid.Keys;
        string session;
        (var channel, var stub) = TestServers.Raw(server.Address);
        using (channel)
        {
            session = await RawCalls.OpenAsync(stub, keys);
            using var cancel = new CancellationTokenSource();
            using var call = stub.UploadKeys(TestServers.Headers(), cancellationToken: cancel.Token);
            await call.RequestStream.WriteAsync(new KeyChunk { Header = new KeyUploadHeader { SessionId = session, TotalBytes = keys.Length } });
            for (int offset = 0; offset < keys.Length / 2; offset += 1 << 16)
            {
                await call.RequestStream.WriteAsync(new KeyChunk { Data = ByteString.CopyFrom(keys, offset, 1 << 16) });
            }

            Assert.True(await Eventually(() => server.Statistics.ReservedUploadBytes > 0), "the upload never reached the server");

            // The client goes away: its call is reset, then its connection closed.
            await cancel.CancelAsync();
        }

        Assert.True(await Eventually(() => server.Statistics is { Sessions: 0, ReservedUploadBytes: 0 }), $"left behind: {server.Statistics}");
        ServingStatistics after = server.Statistics;
        Assert.Equal(0, after.CachedKeys);
        Assert.Equal(0, after.CachedKeyBytes);

        (var again, var fresh) = TestServers.Raw(server.Address);
        using (again)
        {
            Assert.Equal(StatusCode.NotFound, await RawCalls.UploadAsync(fresh, RawCalls.Upload(session, keys)));
        }

        await using ServingClient honest = await TestServers.ConnectAsync(server);
        double[][] samples = ServedModel.Samples(45, 1);
        ServedModel.RowMajor.AssertMatches(samples, await honest.PredictAsync(samples));
    }

    // Polls a condition the server reaches asynchronously: at most 200 times, 50 ms apart.
    private static async Task<bool> Eventually(Func<bool> condition)
    {
        for (int i = 0; i < 200; i++)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return condition();
    }
}
