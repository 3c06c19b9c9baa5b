using BenchmarkDotNet.Attributes;
using Thestage.Privacy.Arithmetic;

namespace Thestage.Benchmarks.Arithmetic;

/// <summary>
/// The NTT at each kernel width this machine runs (scalar, AVX2, AVX-512) in one run: an A/B of the SIMD paths that
/// a loaded machine cannot blur as much as two separate runs. Widths the machine lacks report NA.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class NttWidthBenchmarks
{
    private NttTables _tables = null!;
    private ulong[] _values = null!;
    private SimdWidth _width;

    [Params("8192/43", "8192/60", "16384/48")]
    public string Shape { get; set; } = "8192/43";

    [Params("Scalar", "Vector256", "Vector512")]
    public string Width { get; set; } = "Vector512";

    [GlobalSetup]
    public void Setup()
    {
        string[] parts = Shape.Split('/');
        int n = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        int bits = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var q = new Modulus(Primes.LargestNttPrimes(2UL * (ulong)n, bits, 1)[0]);
        _tables = new NttTables(System.Numerics.BitOperations.Log2((uint)n), q);
        _width = Enum.Parse<SimdWidth>(Width);
        if (!NttTables.SupportedWidths(n).Contains(_width))
        {
            throw new PlatformNotSupportedException($"{Width} kernels do not run on this machine.");
        }

        var random = new Random(1);
        _values = Enumerable.Range(0, n).Select(_ => (ulong)random.NextInt64((long)q.Value)).ToArray();
    }

    [Benchmark]
    public void Forward() => _tables.Forward(_values, _width);

    [Benchmark]
    public void Inverse() => _tables.Inverse(_values, _width);
}
