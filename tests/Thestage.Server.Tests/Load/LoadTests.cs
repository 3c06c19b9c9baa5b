using System.Security.Cryptography;
using Grpc.Core;
using Thestage.Client;
using Thestage.Server.Tests.Attacks;
using Thestage.Serving.Protocol;

namespace Thestage.Server.Tests.Load;

/// <summary>
/// Load on one server over loopback, bounded in count: concurrent clients, each of its own keys, send requests unary and
/// streamed; every response is decrypted and compared with the plain model, so a lost, duplicated, swapped or corrupted
/// response fails the test. Hostile traffic meanwhile gets typed statuses and costs the honest clients nothing.
/// (Throughput and latency are measured by benchmarks/serving-load.sh, not asserted here.)
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class LoadTests
{
    private const int Clients = 8;
    private const int RequestsPerClient = 3;

    [Fact]
    public async Task EightConcurrentClients_EveryResponseDecryptsToThePlainModel_NoneLostOrMismatched()
    {
        ServedModel model = ServedModel.Batch;
        await using InferenceServer server = await TestServers.StartAsync(model);
        ServingClient[] clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(i =>
            TestServers.ConnectAsync(server, apiKey: i % 2 == 0 ? TestServers.ApiKey : TestServers.OtherApiKey)));
        try
        {
            // Client c's request r has samples of its own seed (and its own count): an answer given to the wrong request
            // or the wrong client decrypts to another model output, or not at all.
            int[] checkedRequests = await Task.WhenAll(clients.Select(async (client, c) =>
            {
                int done = 0;
                for (int r = 0; r < RequestsPerClient; r++)
                {
                    double[][] samples = ServedModel.Samples(1000 * c + r, 1 + ((c + r) % 3));
                    model.AssertMatches(samples, await client.PredictAsync(samples));
                    done++;
                }

                double[][][] streamed = [.. Enumerable.Range(0, 2).Select(r => ServedModel.Samples(5000 + (100 * c) + r, 2))];
                double[][][] answers = await client.PredictManyAsync(streamed);
                for (int r = 0; r < streamed.Length; r++)
                {
                    model.AssertMatches(streamed[r], answers[r]);
                    done++;
                }

                return done;
            }));

            Assert.All(checkedRequests, n => Assert.Equal(RequestsPerClient + 2, n));
            ServingStatistics statistics = server.Statistics;
            Assert.Equal(Clients * (RequestsPerClient + 2), statistics.Evaluations);
            Assert.Equal(Clients, statistics.CachedKeys);
            Assert.Equal(0, statistics.ReservedUploadBytes);
            Assert.All(clients, c => Assert.Equal(1, c.KeyUploads));
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task HostileTraffic_DuringLoad_GetsTypedStatuses_AndTheHonestClientsLoseNothing()
    {
        ServedModel model = ServedModel.RowMajor;
        await using InferenceServer server = await TestServers.StartAsync(model, new ServingLimits { MaxMessageBytes = 4 << 20, MaxChunkBytes = 1 << 20 });
        (var channel, var stub) = TestServers.Raw(server.Address);
        using (channel)
        {
            byte[] keys = RawCalls.Valid.Keys;
            string session = await RawCalls.OpenAsync(stub, keys, TestServers.OtherApiKey);
            Assert.Equal(StatusCode.OK, await RawCalls.UploadAsync(stub, RawCalls.Upload(session, keys), TestServers.OtherApiKey));
            byte[] valid = RawCalls.Request(3);
            var hostile = new (string What, Func<Task<StatusCode>> Call, StatusCode Expected)[]
            {
                ("truncated request", () => RawCalls.EvaluateAsync(stub, session, valid[..(valid.Length / 3)], TestServers.OtherApiKey), StatusCode.InvalidArgument),
                ("random request", () => RawCalls.EvaluateAsync(stub, session, RandomNumberGenerator.GetBytes(2048), TestServers.OtherApiKey), StatusCode.InvalidArgument),
                ("oversized request", () => RawCalls.EvaluateAsync(stub, session, new byte[(4 << 20) + 1], TestServers.OtherApiKey), StatusCode.ResourceExhausted),
                ("truncated upload", async () => await RawCalls.UploadAsync(stub, RawCalls.Upload(await RawCalls.OpenAsync(stub, keys, TestServers.OtherApiKey), keys, announced: keys.Length + 10), TestServers.OtherApiKey), StatusCode.InvalidArgument),
                ("oversized chunk", async () => await RawCalls.UploadAsync(stub, RawCalls.Upload(await RawCalls.OpenAsync(stub, keys, TestServers.OtherApiKey), keys, chunk: (1 << 20) + 1), TestServers.OtherApiKey), StatusCode.InvalidArgument),
                ("not protobuf", () => NotProtobufAsync(channel), StatusCode.InvalidArgument),
            };

            await using ServingClient honest = await TestServers.ConnectAsync(server);
            Task<int> load = Task.Run(async () =>
            {
                int done = 0;
                for (int r = 0; r < 4; r++)
                {
                    double[][] samples = ServedModel.Samples(700 + r, 1);
                    model.AssertMatches(samples, await honest.PredictAsync(samples));
                    done++;
                }

                return done;
            });
            StatusCode[] statuses = await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => hostile).Select(h => h.Call()));

            Assert.Equal(4, await load);
            for (int i = 0; i < statuses.Length; i++)
            {
                (string what, _, StatusCode expected) = hostile[i % hostile.Length];
                Assert.True(statuses[i] == expected, $"{what}: {statuses[i]}, expected {expected}");
            }

            Assert.Equal(0, server.Statistics.ReservedUploadBytes);
        }
    }

    // An EvaluateRequest whose bytes are not protobuf (a field of wire type 7, which does not exist).
    private static async Task<StatusCode> NotProtobufAsync(Grpc.Net.Client.GrpcChannel channel)
    {
        var raw = Marshallers.Create<byte[]>(b => b, b => b);
        var method = new Method<byte[], byte[]>(MethodType.Unary, "thestage.serving.v1.PrivateInference", "Evaluate", raw, raw);
        try
        {
            await channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(TestServers.Headers(TestServers.OtherApiKey)), [0x0F, 1, 2, 3]);
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}
