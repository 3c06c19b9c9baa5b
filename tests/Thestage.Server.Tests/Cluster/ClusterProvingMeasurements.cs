using System.Diagnostics;
using Orleans.Hosting;
using Orleans.TestingHost;
using Thestage.Proofs;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Training;
using Thestage.Server.Cluster;
using Thestage.Server.Tests.Load;
using Xunit.Abstractions;

namespace Thestage.Server.Tests.Cluster;

/// <summary>
/// One-shot wall times of proving a training run (64-32-10 MLP, B = 16, 8 steps: 17 pieces) on this machine's cores
/// (<see cref="TrainingProver"/>), on a one-silo cluster proving two pieces at once, and on two silos proving one each — the
/// same two cores, so the figure is the cost of distribution, not a speed-up — for docs/serving.md, written to the test
/// output with the machine's load. Nothing here asserts a time; every proof is checked to verify.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class ClusterProvingMeasurements(ITestOutputHelper output)
{
    [Fact]
    public async Task ProvingOnOneAndTwoSilos()
    {
        var config = new TrainingConfig([64, 32, 10], batchSize: 16, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 81);
        var random = new Random(82);
        int[][] features = [.. Enumerable.Range(0, 256).Select(_ => Enumerable.Range(0, 64).Select(_ => random.Next(-4096, 4097)).ToArray())];
        var data = new TrainingDataset(config, features, [.. Enumerable.Range(0, 256).Select(_ => random.Next(10))]);
        TrainingRun run = TrainingRun.Record(config, data, 8, LigeroParameters.NonHidingForBenchmarks);
        var policy = new VerifierPolicy();

        var clock = Stopwatch.StartNew();
        TrainingProofs local = TrainingProver.ProveEveryStep(run, data);
        long single = clock.ElapsedMilliseconds;
        Assert.True(TrainingVerifier.Verify(run.Transcript, local, policy));

        var lines = new List<string> { $"load average before: {Load()}", $"TrainingProver on this machine (2 cores): {single} ms" };
        foreach ((int silos, int concurrency) in new[] { (1, 2), (2, 1) })
        {
            var builder = new TestClusterBuilder((short)silos);
            builder.Properties["concurrency"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture);
            builder.AddSiloBuilderConfigurator<Silo>();
            await using TestCluster cluster = builder.Build();
            await cluster.DeployAsync();
            clock.Restart();
            (TrainingProofs proofs, IReadOnlyDictionary<string, int> bySilo, _) = await ClusterProving.ProveAsync(cluster.Client, run, data, null, default, null, null, CancellationToken.None);
            long elapsed = clock.ElapsedMilliseconds;
            Assert.True(TrainingVerifier.Verify(run.Transcript, proofs, policy));
            lines.Add($"{silos} silo(s) × {concurrency} proof(s) at once: {elapsed} ms; pieces per silo {string.Join(", ", bySilo.Values)}");
        }

        lines.Add($"load average after: {Load()}");
        lines.ForEach(output.WriteLine);
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private sealed class Silo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) =>
            silo.AddDistributedProving(concurrency: int.Parse(silo.Configuration["concurrency"]!, System.Globalization.CultureInfo.InvariantCulture));
    }
}
