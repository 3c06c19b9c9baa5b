using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Thestage.Proofs;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Training;

namespace Thestage.Benchmarks.Proofs;

/// <summary>
/// The cost of a whole proven run of the 784-64-10 MLP (batch 16): recording <c>Steps</c> SGD steps (training plus a
/// Ligero commitment of every snapshot), then proving and verifying them in sampled mode (<c>k = 10</c>, or every
/// step when fewer; verified under a policy asking for those 10, below the default 44) or every-step mode. Each iteration is seconds to minutes, so the job (<see cref="LongRunConfig"/>)
/// measures single runs (<see cref="RunStrategy.Monitoring"/>, three iterations) in process, with a time limit that
/// fits them. GlobalSetup prints the proof sizes.
/// </summary>
[Config(typeof(LongRunConfig))]
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class TrainingRunBenchmarks
{
    /// <summary>The sample size of sampled mode.</summary>
    public const int SampleSize = 10;

    private TrainingConfig _config = null!;
    private TrainingDataset _data = null!;
    private TrainingRun _run = null!;
    private byte[] _proofs = null!;

    /// <summary>The number of SGD steps (10 first: the smoke test runs the first values).</summary>
    [Params(10, 100)]
    public int Steps { get; set; } = 10;

    /// <summary>Sampled (k = 10) or every step.</summary>
    [Params("Sampled", "EveryStep")]
    public string Mode { get; set; } = "Sampled";

    [GlobalSetup]
    public void Setup()
    {
        _config = TrainingWorkloads.Config(16);
        _data = TrainingWorkloads.Dataset(_config, 4096, out string source);
        _run = Record();
        _proofs = Prove();
        if (!Verify())
        {
            throw new InvalidOperationException("The benchmark proofs do not verify.");
        }

        Console.WriteLine($"// {Steps} steps, {Mode}, {source}: proofs {_proofs.Length:N0} B");
    }

    [Benchmark]
    public TrainingRun Record() => TrainingRun.Record(_config, _data, Steps, LigeroParameters.NonHidingForBenchmarks);

    [Benchmark]
    public byte[] Prove() => TrainingProofsSerializer.Serialize(Mode == "Sampled"
        ? TrainingProver.ProveSampled(_run, _data, Math.Min(SampleSize, Steps))
        : TrainingProver.ProveEveryStep(_run, _data));

    [Benchmark]
    public bool Verify() => TrainingVerifier.Verify(_run.Transcript, TrainingProofsSerializer.Deserialize(_proofs), new VerifierPolicy { MinimumSampleSize = SampleSize });

    /// <summary>Three single-run iterations in process, allowed an hour (the in-process default gives up sooner).</summary>
    public sealed class LongRunConfig : ManualConfig
    {
        /// <summary>Initializes the configuration.</summary>
        public LongRunConfig() =>
            AddJob(Job.Default
                .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromHours(1), logOutput: true))
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(0)
                .WithIterationCount(3));
    }
}
