using BenchmarkDotNet.Attributes;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Benchmarks.Ckks;

/// <summary>
/// CKKS operations at SEAL's default 128-bit coefficient moduli, at the first data level (special prime dropped),
/// with the semantics of the SEAL anchor (<c>../shared/anchors/seal-bench/seal_bench.cpp</c>): the same scales
/// (2^30 at N = 4096, else 2^40); Multiply and Square exclude relinearization; RescaleToNext takes a relinearized
/// product (scale²); RotateVector is one step with a Galois key.
/// </summary>
/// <remarks>
/// SEAL times its <c>*_inplace</c> calls on a fresh copy of the input. Add, AddPlain and Negate cost little beside
/// a fresh result buffer, so they are measured twice: as the API call that returns a new ciphertext, and as the
/// <c>…Inplace</c> call on one working ciphertext (repeating it keeps the ciphertext valid), which is SEAL's
/// semantics and what <c>benchmarks/compare-seal.sh</c> compares. The other operations change the size, level or
/// scale of their input, so they cannot be repeated in place; they are measured as the call that returns a new
/// ciphertext (SEAL's in-place calls allocate the grown or rescaled result from its memory pool too).
/// </remarks>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class CkksBenchmarks
{
    private CkksContext _context = null!;
    private CkksEncoder _encoder = null!;
    private Encryptor _publicEncryptor = null!;
    private Encryptor _secretEncryptor = null!;
    private Decryptor _decryptor = null!;
    private Evaluator _evaluator = null!;
    private RelinKeys _relinKeys = null!;
    private GaloisKeys _galoisKeys = null!;
    private double[] _values = null!;
    private Plaintext _plain = null!;
    private Ciphertext _a = null!;
    private Ciphertext _b = null!;
    private Ciphertext _product = null!;
    private Ciphertext _work = null!;
    private Ciphertext _relinearized = null!;

    [Params(4096, 8192, 16384)]
    public int N { get; set; } = 8192;

    [GlobalSetup]
    public void Setup()
    {
        _context = new CkksContext(new CkksParameters(N, CkksParameters.DefaultCoeffModulusBits(N)));
        var keygen = new KeyGenerator(_context);
        _relinKeys = keygen.CreateRelinKeys();
        _galoisKeys = keygen.CreateGaloisKeys([1]);
        _encoder = new CkksEncoder(_context);
        _publicEncryptor = new Encryptor(_context, keygen.CreatePublicKey());
        _secretEncryptor = new Encryptor(_context, keygen.SecretKey);
        _decryptor = new Decryptor(_context, keygen.SecretKey);
        _evaluator = new Evaluator(_context);
        var random = new Random(1);
        _values = Enumerable.Range(0, _encoder.SlotCount).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double scale = Math.Pow(2, N == 4096 ? 30 : 40);
        _plain = _encoder.Encode(_values, scale);
        _a = _publicEncryptor.Encrypt(_plain);
        _b = _publicEncryptor.Encrypt(_plain);
        _product = _evaluator.Multiply(_a, _b);
        _work = new Ciphertext(_a);
        _relinearized = _evaluator.Relinearize(_product, _relinKeys);
    }

    [Benchmark]
    public Ciphertext EncryptPublic() => _publicEncryptor.Encrypt(_plain);

    [Benchmark]
    public Ciphertext EncryptSecret() => _secretEncryptor.Encrypt(_plain);

    [Benchmark]
    public Plaintext Decrypt() => _decryptor.Decrypt(_a);

    [Benchmark]
    public Plaintext Encode() => _encoder.Encode(_values, _plain.Scale);

    [Benchmark]
    public double[] Decode() => _encoder.Decode(_plain);

    [Benchmark]
    public Ciphertext Add() => _evaluator.Add(_a, _b);

    [Benchmark]
    public Ciphertext AddPlain() => _evaluator.AddPlain(_a, _plain);

    [Benchmark]
    public Ciphertext Negate() => _evaluator.Negate(_a);

    [Benchmark]
    public void AddInplace() => _evaluator.AddInplace(_work, _b);

    [Benchmark]
    public void AddPlainInplace() => _evaluator.AddPlainInplace(_work, _plain);

    [Benchmark]
    public void NegateInplace() => _evaluator.NegateInplace(_work);

    [Benchmark]
    public Ciphertext Multiply() => _evaluator.Multiply(_a, _b);

    [Benchmark]
    public Ciphertext MultiplyPlain() => _evaluator.MultiplyPlain(_a, _plain);

    [Benchmark]
    public Ciphertext Square() => _evaluator.Square(_a);

    [Benchmark]
    public Ciphertext RescaleToNext() => _evaluator.RescaleToNext(_relinearized);

    [Benchmark]
    public Ciphertext Relinearize() => _evaluator.Relinearize(_product, _relinKeys);

    [Benchmark]
    public Ciphertext RotateVector() => _evaluator.RotateVector(_a, 1, _galoisKeys);
}
