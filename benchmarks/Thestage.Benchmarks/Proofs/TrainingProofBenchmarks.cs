using BenchmarkDotNet.Attributes;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Training;

namespace Thestage.Benchmarks.Proofs;

/// <summary>
/// Proving one SGD step of the 784-64-10 MLP (docs/proofs.md, issue 6) for batch 16 and 64: the step proof
/// (<see cref="TrainingStepProver"/>), its verification from bytes, and the snapshot range proof every step adds in
/// every-step mode. GlobalSetup records a 2-step run, checks the proofs and prints their sizes and the peak managed
/// heap growth of one step proof (sampled every millisecond).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class TrainingProofBenchmarks
{
    private TrainingRun _run = null!;
    private TrainingDataset _data = null!;
    private byte[] _step = null!;
    private byte[] _range = null!;

    /// <summary>The batch size (16 first: the smoke test runs the first value).</summary>
    [Params(16, 64)]
    public int Batch { get; set; } = 16;

    [GlobalSetup]
    public void Setup()
    {
        TrainingConfig config = TrainingWorkloads.Config(Batch);
        _data = TrainingWorkloads.Dataset(config, 1024, out string source);
        _run = TrainingRun.Record(config, _data, 2, LigeroParameters.NonHidingForBenchmarks);
        TrainingStepProof? proof = null;
        long peak = TrainingWorkloads.PeakManagedGrowth(() => proof = TrainingStepProver.Prove(_run, _data, 1));
        _step = TrainingStepProofSerializer.Serialize(proof!);
        _range = SnapshotRangeProofSerializer.Serialize(SnapshotRangeArgument.Prove(_run, 1));
        if (!VerifyStep() || !VerifyRange())
        {
            throw new InvalidOperationException("The benchmark proofs do not verify.");
        }

        Console.WriteLine($"// 784-64-10, B = {Batch}, {source}: step proof {_step.Length:N0} B, range proof {_range.Length:N0} B; peak managed heap growth while proving a step {peak / (1 << 20)} MiB");
    }

    [Benchmark]
    public byte[] ProveStep() => TrainingStepProofSerializer.Serialize(TrainingStepProver.Prove(_run, _data, 1));

    [Benchmark]
    public bool VerifyStep() => TrainingStepVerifier.Verify(_run.Transcript, TrainingStepProofSerializer.Deserialize(_step));

    [Benchmark]
    public byte[] ProveRange() => SnapshotRangeProofSerializer.Serialize(SnapshotRangeArgument.Prove(_run, 1));

    [Benchmark]
    public bool VerifyRange() => SnapshotRangeArgument.Verify(_run.Transcript, SnapshotRangeProofSerializer.Deserialize(_range));
}
