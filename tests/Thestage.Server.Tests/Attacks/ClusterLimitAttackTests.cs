using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.TestingHost;
using Thestage.Client;
using Thestage.Inference.Runtime;
using Thestage.Server.Cluster;
using Thestage.Server.Sessions;
using Thestage.Server.Tests.Load;

namespace Thestage.Server.Tests.Attacks;

/// <summary>
/// The limits of a public service hold in the cluster too (two silos, front ends over them): sessions per client across
/// front ends, idle sessions closed, each silo's key memory (cap, LRU, idle timeout) and the answers per keys.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class ClusterLimitAttackTests : IAsyncLifetime
{
    private static readonly Lazy<long> LoadedKeyBytes = new(() => LocalSessions.Load(ServedModel.RowMajor.Prepared, RawCalls.Valid.Keys).Bytes);

    private static ManualTime _time = new();

    private TestCluster _cluster = null!;

    private static ServingLimits Limits => new()
    {
        MaxSessionsPerClient = 2,
        MaxAnswersPerKeys = 2,
        KeyCacheBytes = LoadedKeyBytes.Value * 3 / 2,   // one client's loaded keys per silo
        SessionIdleTimeout = TimeSpan.FromMinutes(30),
        KeyIdleTimeout = TimeSpan.FromMinutes(60),
    };

    public async Task InitializeAsync()
    {
        _time = new ManualTime();
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<Silo>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task SessionsBeyondThePerClientLimit_AreRefused_AcrossFrontEnds()
    {
        await using InferenceServer first = await FrontEndAsync();
        await using InferenceServer second = await FrontEndAsync();
        (var a, var stubA) = TestServers.Raw(first.Address);
        (var b, var stubB) = TestServers.Raw(second.Address);
        using (a)
        using (b)
        {
            string one = await RawCalls.OpenAsync(stubA, [1]);
            await RawCalls.OpenAsync(stubB, [2]);

            RpcException refused = await Assert.ThrowsAsync<RpcException>(() => RawCalls.OpenAsync(stubA, [3]));
            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            Assert.NotEmpty(await RawCalls.OpenAsync(stubB, [3], TestServers.OtherApiKey));   // another client's sessions are its own

            await stubB.CloseSessionAsync(new Serving.Protocol.CloseSessionRequest { SessionId = one }, TestServers.Headers());
            Assert.NotEmpty(await RawCalls.OpenAsync(stubA, [3]));
        }
    }

    [Fact]
    public async Task ManyClientsEachWithinItsOwnLimit_CannotOpenMoreSessionsThroughAFrontEndThanItAllows()
    {
        // Six clients, two sessions each allowed, five in all through this front end: each opens as many as it may. Without
        // the total, the front end's and the storage's sessions grow with the number of API keys.
        string[] keys = LimitAttackTests.ManyClients(6);
        await using InferenceServer front = await ClusterServing.StartFrontEndAsync(_cluster.Client, ServedModel.RowMajor.Plan, ApiKeyRing.FromKeys(keys),
            new ServerOptions { Port = 0, Logging = _ => { }, Limits = Limits with { MaxSessions = 5 }, Time = _time });
        (var channel, var stub) = TestServers.Raw(front.Address);
        using (channel)
        {
            List<(string Session, string Key)> opened = await LimitAttackTests.OpenAllAsync(stub, keys);
            Assert.Equal(5, opened.Count);

            // A session closed frees its place; so does one that idled out (asked when the list is full).
            await stub.CloseSessionAsync(new Serving.Protocol.CloseSessionRequest { SessionId = opened[0].Session }, TestServers.Headers(opened[0].Key));
            Assert.NotEmpty(await RawCalls.OpenAsync(stub, [99], keys[^1]));
            Assert.Equal(StatusCode.ResourceExhausted, (await Assert.ThrowsAsync<RpcException>(() => RawCalls.OpenAsync(stub, [98], keys[^1]))).StatusCode);
            _time.Advance(TimeSpan.FromMinutes(31));
            Assert.NotEmpty(await RawCalls.OpenAsync(stub, [98], keys[^1]));
        }
    }

    [Fact]
    public async Task IdleSessions_AreClosed_AndNoLongerCountAgainstTheClient()
    {
        await using InferenceServer front = await FrontEndAsync();
        (var channel, var stub) = TestServers.Raw(front.Address);
        using (channel)
        {
            byte[] keys = RawCalls.Valid.Keys;
            string session = await RawCalls.OpenAsync(stub, keys);
            Assert.Equal(StatusCode.OK, await RawCalls.UploadAsync(stub, RawCalls.Upload(session, keys)));
            await RawCalls.OpenAsync(stub, [9]);
            _time.Advance(TimeSpan.FromMinutes(31));

            Assert.Equal(StatusCode.NotFound, await RawCalls.EvaluateAsync(stub, session, RawCalls.Request()));
            Assert.NotEmpty(await RawCalls.OpenAsync(stub, [10]));   // both idled out: room for two again
            Assert.NotEmpty(await RawCalls.OpenAsync(stub, [11]));
        }
    }

    [Fact]
    public async Task KeysOfManyClients_StayWithinEachSilosKeyMemory_EvictedOnesComeBack_AndIdleOnesExpire()
    {
        ServedModel model = ServedModel.RowMajor;
        await using InferenceServer front = await FrontEndAsync();
        ServingClient[] clients = await Task.WhenAll(Enumerable.Range(0, 3).Select(c => TestServers.ConnectAsync(front, apiKey: c == 2 ? TestServers.OtherApiKey : TestServers.ApiKey)));   // three key bundles
        try
        {
            double tolerance = 6 * OutputFlooding.ForPlan(model.Plan, 2).StandardDeviation + 1e-3;
            for (int round = 0; round < 2; round++)
            {
                for (int c = 0; c < clients.Length; c++)
                {
                    double[][] samples = ServedModel.Samples(970 + (10 * round) + c, 1);
                    double[] expected = model.Source.Evaluate(samples[0]);
                    double[] output = (await clients[c].PredictAsync(samples))[0];
                    Assert.All(expected.Zip(output), p => Assert.True(Math.Abs(p.First - p.Second) <= tolerance, $"{p.Second} vs {p.First}"));
                    Assert.All(Silos(), s => Assert.True(s.Keys.CachedBytes <= s.Keys.Capacity, $"a silo holds {s.Keys.CachedBytes:N0} bytes of keys; its cap is {s.Keys.Capacity:N0}"));
                }
            }

            Assert.True(Silos().Sum(s => s.Keys.Evictions) > 0, "three bundles on two silos that hold one each: some were evicted and loaded again");
            _time.Advance(TimeSpan.FromMinutes(61));
            Assert.All(Silos(), s =>
            {
                s.Keys.Sweep();
                Assert.Equal(0, s.Keys.Count);
            });
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task AnswersBeyondTheLimitPerKeys_AreRefused_AlsoFromANewSessionWithTheSameKeys()
    {
        await using InferenceServer front = await FrontEndAsync();
        await AnswerLimitAttackTests.ExceedTheLimitAsync(front.Address);
    }

    private IEnumerable<ClusterModel> Silos() =>
        _cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.SiloHost.Services.GetRequiredService<ClusterModel>());

    private Task<InferenceServer> FrontEndAsync() =>
        ClusterServing.StartFrontEndAsync(_cluster.Client, ServedModel.RowMajor.Plan, TestServers.Keys, new ServerOptions { Port = 0, Logging = _ => { }, Limits = Limits, Time = _time });

    private sealed class Silo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.Services.AddSingleton<TimeProvider>(_time);
            silo.AddMemoryGrainStorage(ClusterServing.StorageName).AddPrivateInference(ServedModel.RowMajor.Prepared, Limits);
        }
    }
}
