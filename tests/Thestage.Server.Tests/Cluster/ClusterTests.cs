using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;
using Thestage.Client;
using Thestage.Server.Cluster;
using Thestage.Server.Tests.Load;

namespace Thestage.Server.Tests.Cluster;

/// <summary>
/// The server scaled out on Orleans (TestingHost, two silos in this process, development clustering, memory grain storage):
/// a gRPC front end over the cluster, sessions and keys as grains spread over the silos; a silo killed under load.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class ClusterTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<Silo>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task SessionsAndKeys_SpreadOverTwoSilos_AndEveryAnswerIsThePlainModels()
    {
        ServedModel model = ServedModel.RowMajor;
        await using InferenceServer front = await FrontEndAsync();
        ServingClient[] clients = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => TestServers.ConnectAsync(front, apiKey: i % 2 == 0 ? TestServers.ApiKey : TestServers.OtherApiKey)));
        try
        {
            await Task.WhenAll(clients.Select(async (client, c) =>
            {
                double[][] samples = ServedModel.Samples(900 + c, 1);
                model.AssertMatches(samples, await client.PredictAsync(samples));
            }));

            var management = _cluster.Client.GetGrain<IManagementGrain>(0);
            DetailedGrainStatistic[] grains = await management.GetDetailedGrainStatistics();
            string[] hosts = [.. grains.Where(g => g.GrainType.Contains(nameof(KeysGrain), StringComparison.Ordinal) || g.GrainType.Contains(nameof(SessionGrain), StringComparison.Ordinal))
                .Select(g => g.SiloAddress.ToString()).Distinct()];
            Assert.Equal(2, hosts.Length);   // 12 grains placed at random: all on one silo with probability 2^-11
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task SiloKilled_UnderLoad_ItsSessionsComeBackOnTheOther_AndNoRequestIsLost()
    {
        ServedModel model = ServedModel.RowMajor;
        await using InferenceServer front = await FrontEndAsync();
        // The clients retry an unavailable call for up to 90 s: the time the cluster takes to declare the silo dead and
        // re-activate its grains on a machine as loaded as CI's (the test bounds it; it asserts no time).
        ServingClient[] clients = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            TestServers.ConnectAsync(front, apiKey: i % 2 == 0 ? TestServers.ApiKey : TestServers.OtherApiKey, retryFor: TimeSpan.FromSeconds(90))));
        try
        {
            await Task.WhenAll(clients.Select(async (client, c) =>
            {
                double[][] samples = ServedModel.Samples(940 + c, 1);
                model.AssertMatches(samples, await client.PredictAsync(samples));
            }));
            SiloHandle victim = _cluster.SecondarySilos[0];
            Assert.True(await HostedAsync(victim.SiloAddress) > 0, "no session or keys grain on the silo to kill (12 grains at random: probability 2^-12)");

            Task[] load = [.. clients.Select(async (client, c) =>
            {
                for (int r = 0; r < 3; r++)
                {
                    double[][] samples = ServedModel.Samples(950 + (10 * c) + r, 1);
                    model.AssertMatches(samples, await client.PredictAsync(samples));
                }
            })];
            await _cluster.KillSiloAsync(victim);

            await Task.WhenAll(load);   // every request answered and checked, after at most the client's own retries
            SiloHandle survivor = Assert.Single(_cluster.GetActiveSilos());
            Assert.True(await HostedAsync(survivor.SiloAddress) >= clients.Length, "the sessions did not come back on the live silo");
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    // The session and keys grains active on a silo.
    private async Task<int> HostedAsync(SiloAddress silo)
    {
        DetailedGrainStatistic[] grains = await _cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(hostsIds: [silo]);
        return grains.Count(g => g.GrainType.Contains(nameof(KeysGrain), StringComparison.Ordinal) || g.GrainType.Contains(nameof(SessionGrain), StringComparison.Ordinal));
    }

    private Task<InferenceServer> FrontEndAsync() =>
        ClusterServing.StartFrontEndAsync(_cluster.Client, ServedModel.RowMajor.Plan, TestServers.Keys, new ServerOptions { Port = 0, Logging = _ => { } });

    private sealed class Silo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) =>
            silo.AddMemoryGrainStorage(ClusterServing.StorageName).AddPrivateInference(ServedModel.RowMajor.Prepared)
                .Configure<ClusterMembershipOptions>(membership =>
                {
                    // A lost silo is declared dead within seconds here (production keeps Orleans' defaults: tens of
                    // seconds, against false suspicions); until then its calls are UNAVAILABLE and clients retry.
                    membership.ProbeTimeout = TimeSpan.FromSeconds(1);
                    membership.NumMissedProbesLimit = 2;
                    membership.NumVotesForDeathDeclaration = 1;
                });
    }
}
