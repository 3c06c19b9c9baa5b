using BenchmarkDotNet.Attributes;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Benchmarks.Ckks;

/// <summary>
/// The SEAL anchor's inference-like workload at N = 8192, {60, 40, 40, 60}, scale 2^40: multiply by a plaintext,
/// rescale, add a bias, 12 × (rotate by 2^k + add), square, relinearize, rescale (the "server part").
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class WorkloadBenchmarks
{
    private Evaluator _evaluator = null!;
    private RelinKeys _relinKeys = null!;
    private GaloisKeys _galoisKeys = null!;
    private Plaintext _weights = null!;
    private Plaintext _bias = null!;
    private Ciphertext _input = null!;
    private Encryptor _encryptor = null!;
    private CkksEncoder _encoder = null!;
    private double[] _x = null!;
    private Ciphertext _rotated = null!;

    [GlobalSetup]
    public void Setup()
    {
        var context = new CkksContext(new CkksParameters(8192, [60, 40, 40, 60]));
        var keygen = new KeyGenerator(context);
        _relinKeys = keygen.CreateRelinKeys();
        _galoisKeys = keygen.CreateGaloisKeys(Enumerable.Range(0, 12).Select(k => 1 << k).ToArray());
        _encoder = new CkksEncoder(context);
        _encryptor = new Encryptor(context, keygen.CreatePublicKey());
        _evaluator = new Evaluator(context);
        var random = new Random(1);
        _x = Enumerable.Range(0, 4096).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] w = Enumerable.Range(0, 4096).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        const double scale = 1L << 40;
        _weights = _encoder.Encode(w, scale);
        _input = _encryptor.Encrypt(_encoder.Encode(_x, scale));
        Ciphertext afterMultiply = _evaluator.RescaleToNext(_evaluator.MultiplyPlain(_input, _weights));
        _bias = _encoder.Encode(0.25, afterMultiply.Scale, afterMultiply.Level);
        _rotated = new Ciphertext(afterMultiply);
    }

    [Benchmark]
    public Ciphertext ServerPart()
    {
        Ciphertext c = _evaluator.MultiplyPlain(_input, _weights);
        _evaluator.RescaleToNextInplace(c);
        _evaluator.AddPlainInplace(c, _bias);
        for (int k = 0; k < 12; k++)
        {
            // As SEAL's rotate_vector(ct, step, keys, tmp) + add_inplace(ct, tmp): the temporary's buffer is reused.
            _evaluator.RotateVector(c, 1 << k, _galoisKeys, _rotated);
            _evaluator.AddInplace(c, _rotated);
        }

        _evaluator.SquareInplace(c);
        _evaluator.RelinearizeInplace(c, _relinKeys);
        _evaluator.RescaleToNextInplace(c);
        return c;
    }

    [Benchmark]
    public Ciphertext ClientEncodeEncrypt() => _encryptor.Encrypt(_encoder.Encode(_x, 1L << 40));
}
