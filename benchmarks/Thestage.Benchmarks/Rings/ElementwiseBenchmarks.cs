using BenchmarkDotNet.Attributes;
using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Rings;

namespace Thestage.Benchmarks.Rings;

/// <summary>
/// The coefficient-wise kernels of <c>PolyArith</c> on one limb (N = 8192, a 60-bit prime) at each width this machine
/// runs, in one run: an A/B of the SIMD paths. Widths the machine lacks report NA.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ElementwiseBenchmarks
{
    private const int N = 8192;
    private Modulus _q;
    private ulong[] _a = null!;
    private ulong[] _b = null!;
    private ulong[] _d = null!;
    private SimdWidth _width;

    [Params("Scalar", "Vector256", "Vector512")]
    public string Width { get; set; } = "Vector512";

    [GlobalSetup]
    public void Setup()
    {
        _q = new Modulus(Primes.LargestNttPrimes(2 * N, 60, 1)[0]);
        _width = Enum.Parse<SimdWidth>(Width);
        if (Elementwise.Width(_width, N) != _width)
        {
            throw new PlatformNotSupportedException($"{Width} kernels do not run on this machine.");
        }

        var random = new Random(1);
        _a = Enumerable.Range(0, N).Select(_ => (ulong)random.NextInt64((long)_q.Value)).ToArray();
        _b = Enumerable.Range(0, N).Select(_ => (ulong)random.NextInt64((long)_q.Value)).ToArray();
        _d = new ulong[N];
    }

    [Benchmark]
    public void Add() => Elementwise.Binary(_a, _b, _d, new AddOperator(_q.Value), _width);

    [Benchmark]
    public void Negate() => Elementwise.Unary(_a, _d, new NegateOperator(_q.Value), _width);

    [Benchmark]
    public void Multiply() => Elementwise.Binary(_a, _b, _d, new MultiplyOperator(new BarrettProduct(_q)), _width);

    [Benchmark]
    public void MultiplyAdd() => Elementwise.Accumulate(_a, _b, _d, new MultiplyAddOperator(new BarrettProduct(_q)), _width);

    [Benchmark]
    public void MultiplyScalar() => Elementwise.Unary(_a, _d, new MultiplyScalarOperator(new MultiplyOperand(12345, _q.Value), _q.Value), _width);

    [Benchmark]
    public void Reduce() => Elementwise.Unary(_a, _d, new ReduceOperator(_q), _width);
}
