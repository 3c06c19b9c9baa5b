using BenchmarkDotNet.Attributes;
using Thestage.Privacy.Rlwe;

namespace Thestage.Benchmarks.Ckks;

/// <summary>
/// Throughput under concurrency, a server's normal case: two independent evaluations of the anchor workload's server
/// part (<see cref="WorkloadBenchmarks.ServerPart"/>, each with its own context, keys and ciphertexts, as two clients
/// would have) started at once on two threads, against the same two run one after the other. Throughput is 2 / the
/// time of a pair; with the library's default parallelism each evaluation also spreads its limbs over the cores, so
/// this shows whether the two callers' parallel loops get in each other's way.
/// </summary>
/// <remarks>
/// SEAL is single-threaded, so its figure is two processes: start two <c>seal_bench</c> processes at the same moment,
/// unpinned (<c>seal_bench &amp; seal_bench &amp; wait</c>), and take each one's <c>workload.server_total</c>; SEAL's throughput
/// is 2 / their median (the two programs run the same sequence, so their workloads overlap in time). Compare it with
/// 2 / <see cref="TwoAtOnce"/>.
/// </remarks>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ConcurrencyBenchmarks
{
    private readonly WorkloadBenchmarks _first = new();
    private readonly WorkloadBenchmarks _second = new();

    [GlobalSetup]
    public void Setup()
    {
        _first.Setup();
        _second.Setup();
    }

    [Benchmark]
    public void TwoAtOnce()
    {
        Ciphertext? a = null, b = null;
        Parallel.Invoke(() => a = _first.ServerPart(), () => b = _second.ServerPart());
        GC.KeepAlive(a);
        GC.KeepAlive(b);
    }

    [Benchmark(Baseline = true)]
    public void OneAfterTheOther()
    {
        GC.KeepAlive(_first.ServerPart());
        GC.KeepAlive(_second.ServerPart());
    }
}
