using BenchmarkDotNet.Attributes;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Tensors;

namespace Thestage.Benchmarks.Tensors;

/// <summary>
/// Encrypted-tensor operations at the parameters of the encrypted-CNN anchor: N = 8192, primes {31, 26 × 6, 31},
/// scale 2^26, 128-bit secure. Galois keys for exactly the steps each operation needs (RotationPlan). The linear
/// transforms are built in setup, so their plaintext diagonals are encoded once, as in a served model.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class TensorBenchmarks
{
    private CkksVector _x4096 = null!;
    private double[] _w4096 = null!;
    private CkksVector _x784 = null!;
    private LinearTransform _dense = null!;
    private CkksVector _image = null!;
    private LinearTransform _conv = null!;
    private Im2ColImage _im2col = null!;
    private double[][,] _kernels = null!;
    private Polynomial _degree3 = null!;
    private Polynomial _degree7 = null!;

    [GlobalSetup]
    public void Setup()
    {
        var context = new CkksContext(new CkksParameters(8192, [31, 26, 26, 26, 26, 26, 26, 31]));
        var keygen = new KeyGenerator(context);
        var plan = new RotationPlan(context.SlotCount).AddSum(4096).AddMatMul(784, 128).AddMatMul(784, 4 * 8 * 8).AddSteps([64, 128, 256, 512, 1024, 2048]);
        var tensors = new TensorContext(context, Math.Pow(2, 26), keygen.CreateRelinKeys(), keygen.CreateGaloisKeys(plan.Steps));
        var encryptor = new Encryptor(context, keygen.CreatePublicKey());
        var random = new Random(1);
        double[] Values(int n) => Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();

        _x4096 = CkksVector.Encrypt(tensors, encryptor, Values(4096));
        _w4096 = Values(4096);
        _x784 = CkksVector.Encrypt(tensors, encryptor, Values(784));
        var weights = new double[784, 128];
        for (int i = 0; i < 784; i++)
        {
            for (int j = 0; j < 128; j++)
            {
                weights[i, j] = (random.NextDouble() * 2 - 1) / 28;
            }
        }

        _dense = LinearTransform.FromMatrix(tensors, weights);
        var kernels = new double[4, 1, 7, 7];
        for (int o = 0; o < 4; o++)
        {
            for (int y = 0; y < 7; y++)
            {
                for (int x = 0; x < 7; x++)
                {
                    kernels[o, 0, y, x] = (random.NextDouble() * 2 - 1) / 7;
                }
            }
        }

        _conv = LinearTransform.Conv2d(tensors, 1, 28, 28, kernels, stride: 3);
        _image = _x784;
        double[] pixels = Values(784);
        _im2col = Im2ColImage.Encrypt(tensors, encryptor, pixels, 28, 28, 7, stride: 3);
        _kernels = Enumerable.Range(0, 4).Select(o =>
        {
            var k = new double[7, 7];
            for (int y = 0; y < 7; y++)
            {
                for (int x = 0; x < 7; x++)
                {
                    k[y, x] = kernels[o, 0, y, x];
                }
            }

            return k;
        }).ToArray();
        _degree3 = Approximations.Sigmoid(-4, 4, 3);
        _degree7 = Approximations.Sigmoid(-4, 4, 7);

        // Encode the diagonals once, as a served model would.
        _dense.Apply(_x784);
        _conv.Apply(_image);
    }

    [Benchmark(Description = "dot, length 4096 (plain weights)")]
    public CkksVector Dot4096() => _x4096.Dot(_w4096);

    [Benchmark(Description = "vector × 784×128 plain matrix")]
    public CkksVector VectorMatrix784x128() => _dense.Apply(_x784);

    [Benchmark(Description = "conv2d 28×28, 4 kernels 7×7, stride 3")]
    public CkksVector Conv2d28x28() => _conv.Apply(_image);

    [Benchmark(Description = "conv2d 28×28, 4 kernels 7×7, stride 3 (im2col)")]
    public CkksVector[] Conv2dIm2Col() => _kernels.Select(k => _im2col.Conv2d(k)).ToArray();

    [Benchmark(Description = "polynomial degree 3")]
    public CkksVector Polynomial3() => _x4096.Polynomial(_degree3);

    [Benchmark(Description = "polynomial degree 7")]
    public CkksVector Polynomial7() => _x4096.Polynomial(_degree7);
}
