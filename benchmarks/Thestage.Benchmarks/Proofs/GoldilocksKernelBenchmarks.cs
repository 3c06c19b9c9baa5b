using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using Thestage.Proofs.Fields;

namespace Thestage.Benchmarks.Proofs;

/// <summary>
/// The extension-field kernels of the provers (<c>Ext2Kernels</c>) at each SIMD width in one run — scalar, AVX2,
/// AVX-512 — on 2^16 elements: folding a multilinear table, doubling an equality table, accumulating a scaled base row,
/// and an inner product with a base table. A width the machine lacks is skipped (the benchmark returns at once).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class GoldilocksKernelBenchmarks
{
    private const int Size = 1 << 16;

    private GoldilocksExt2[] _table = null!;
    private GoldilocksExt2[] _work = null!;
    private Goldilocks[] _base = null!;
    private GoldilocksExt2 _r;

    /// <summary>The width: Scalar, Vector256 or Vector512.</summary>
    [Params("Scalar", "Vector256", "Vector512")]
    public string Width { get; set; } = "Scalar";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(16);
        _table = Enumerable.Range(0, Size).Select(_ => new GoldilocksExt2(Next(random), Next(random))).ToArray();
        _work = new GoldilocksExt2[Size];
        _base = Enumerable.Range(0, Size).Select(_ => Next(random)).ToArray();
        _r = new GoldilocksExt2(Next(random), Next(random));
    }

    [Benchmark]
    public void Fold()
    {
        _table.CopyTo(_work, 0);
        switch (Width)
        {
            case "Vector512" when Vector512GoldilocksLanes.IsSupported:
                Ext2Kernels.Fold<Vector512GoldilocksLanes, Vector512<ulong>>(_work, _r);
                break;
            case "Vector256" when Vector256GoldilocksLanes.IsSupported:
                Ext2Kernels.Fold<Vector256GoldilocksLanes, Vector256<ulong>>(_work, _r);
                break;
            case "Scalar":
                Ext2Kernels.FoldScalar(_work, _r, 0);
                break;
        }
    }

    [Benchmark]
    public void ExpandEq()
    {
        _work[0] = GoldilocksExt2.One;
        for (int size = 1; size < Size; size *= 2)
        {
            switch (Width)
            {
                case "Vector512" when Vector512GoldilocksLanes.IsSupported:
                    Ext2Kernels.Expand<Vector512GoldilocksLanes, Vector512<ulong>>(_work, size, _r);
                    break;
                case "Vector256" when Vector256GoldilocksLanes.IsSupported:
                    Ext2Kernels.Expand<Vector256GoldilocksLanes, Vector256<ulong>>(_work, size, _r);
                    break;
                case "Scalar":
                    Ext2Kernels.ExpandScalar(_work, size, _r, 0);
                    break;
            }
        }
    }

    [Benchmark]
    public void AddScaledBase()
    {
        switch (Width)
        {
            case "Vector512" when Vector512GoldilocksLanes.IsSupported:
                Ext2Kernels.AddScaledBase<Vector512GoldilocksLanes, Vector512<ulong>>(_work, _r, _base);
                break;
            case "Vector256" when Vector256GoldilocksLanes.IsSupported:
                Ext2Kernels.AddScaledBase<Vector256GoldilocksLanes, Vector256<ulong>>(_work, _r, _base);
                break;
            case "Scalar":
                Ext2Kernels.AddScaledBaseScalar(_work, _r, _base, 0);
                break;
        }
    }

    [Benchmark]
    public GoldilocksExt2 DotBase() => Width switch
    {
        "Vector512" when Vector512GoldilocksLanes.IsSupported => Ext2Kernels.DotBase<Vector512GoldilocksLanes, Vector512<ulong>>(_table, _base),
        "Vector256" when Vector256GoldilocksLanes.IsSupported => Ext2Kernels.DotBase<Vector256GoldilocksLanes, Vector256<ulong>>(_table, _base),
        "Scalar" => Ext2Kernels.DotBaseScalar(_table, _base, 0),
        _ => default,
    };

    private static Goldilocks Next(Random random) => new((ulong)random.NextInt64() * 2);
}
