using BenchmarkDotNet.Attributes;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Training;

namespace Thestage.Benchmarks.Proofs;

/// <summary>
/// The zero-knowledge snapshot range proof (<c>TSSR</c>, hiding run) of the 784-64-10 MLP's snapshot 1 (<c>W = 24</c>, limb columns
/// of <c>2^16</c> and <c>2^11</c> entries, a logUp of <c>2^18</c> leaves): proving and verifying from bytes. Public API only, so the same
/// source measures any commit with <c>benchmarks/compare-commits.sh</c>; GlobalSetup prints the sizes of two proofs and the format version.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class SnapshotRangeBenchmarks
{
    private TrainingRun _run = null!;
    private byte[] _range = null!;

    [GlobalSetup]
    public void Setup()
    {
        TrainingConfig config = TrainingWorkloads.Config(16);
        TrainingDataset data = TrainingWorkloads.Dataset(config, 256, out _);
        _run = TrainingRun.Record(config, data, 1, LigeroParameters.DefaultHiding);
        _range = ProveRange();
        byte[] second = ProveRange();
        if (!VerifyRange())
        {
            throw new InvalidOperationException("The benchmark proof does not verify.");
        }

        Console.WriteLine($"// 784-64-10, W = 24, hiding: TSSR v{BitConverter.ToUInt16(_range, 4)} {_range.Length:N0} B and {second.Length:N0} B; {SnapshotRangeArgument.SoundnessBits(_run.Transcript):F2} bits");
    }

    [Benchmark]
    public byte[] ProveRange() => SnapshotRangeProofSerializer.Serialize(SnapshotRangeArgument.Prove(_run, 1));

    [Benchmark]
    public bool VerifyRange() => SnapshotRangeArgument.Verify(_run.Transcript, SnapshotRangeProofSerializer.Deserialize(_range));
}
