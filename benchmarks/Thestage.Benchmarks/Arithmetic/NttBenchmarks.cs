using BenchmarkDotNet.Attributes;
using Thestage.Privacy.Arithmetic;

namespace Thestage.Benchmarks.Arithmetic;

/// <summary>One-prime negacyclic NTT kernels in place, mirroring SEAL's <c>native/bench/ntt.cpp</c> and the anchor table.</summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class NttBenchmarks
{
    private NttTables _tables = null!;
    private ulong[] _values = null!;

    [Params("4096/36", "8192/43", "16384/48", "8192/60")]
    public string Shape { get; set; } = "8192/43";

    [GlobalSetup]
    public void Setup()
    {
        string[] parts = Shape.Split('/');
        int n = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        int bits = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var q = new Modulus(Primes.LargestNttPrimes(2UL * (ulong)n, bits, 1)[0]);
        _tables = new NttTables(System.Numerics.BitOperations.Log2((uint)n), q);
        var random = new Random(1);
        _values = Enumerable.Range(0, n).Select(_ => (ulong)random.NextInt64((long)q.Value)).ToArray();
    }

    [Benchmark]
    public void Forward()
    {
        _tables.Forward(_values);
    }

    [Benchmark]
    public void Inverse()
    {
        _tables.Inverse(_values);
    }

    // Lazy outputs ([0, 4q) forward, [0, 2q) inverse) are valid inputs of the same kernel: a tight loop, as in SEAL's benchmark.
    [Benchmark]
    public void ForwardLazy()
    {
        _tables.ForwardLazy(_values);
    }

    [Benchmark]
    public void InverseLazy()
    {
        _tables.InverseLazy(_values);
    }
}
