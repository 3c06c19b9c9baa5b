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
/// <para>SEAL times its <c>*_inplace</c> calls on a fresh copy of the input, the copy untimed; its in-place calls write
/// into the working ciphertext's buffer (Multiply and Square grow it to size 3 within the capacity its pool left).
/// BenchmarkDotNet cannot refresh an input between two calls of one iteration without timing the refresh, so the
/// <c>…Inplace</c> benchmarks below repeat the in-place call on one working ciphertext, which stays a valid operand:
/// Add, AddPlain, Negate and RotateVector keep its shape and scale; before MultiplyPlain, Multiply and Square the scale
/// (and for Multiply and Square the size, 2) is set back, and before Relinearize the size is set back to 3 — field
/// stores inside the timed call, the buffer keeping its capacity as SEAL's does. The words are the previous call's
/// output rather than a fresh encryption; the arithmetic does not depend on their values. These rows are what
/// <c>benchmarks/compare-seal.sh</c> compares with SEAL.</para>
/// <para>The methods without the suffix time the API call that returns a new ciphertext: the result is a fresh array
/// of 128 KB to 4 MB on the large-object heap, whose first touch costs page faults after the GC has returned freed
/// memory to the system; the ratio table shows them as "ours returns a new ciphertext". RescaleToNext changes the
/// level, so it cannot be repeated in place; it is measured only as the call returning a new ciphertext (SEAL's
/// in-place rescale allocates its result from its memory pool too).</para>
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
    private Ciphertext _productWork = null!;
    private Ciphertext _squareWork = null!;
    private Ciphertext _relinearizeWork = null!;
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
        _productWork = new Ciphertext(_a);
        _squareWork = new Ciphertext(_a);
        _relinearizeWork = new Ciphertext(_product);
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

    /// <summary>SEAL's <c>multiply_plain_inplace</c> (see the remarks: the scale set back first).</summary>
    [Benchmark]
    public void MultiplyPlainInplace()
    {
        _productWork.SetScale(_a.Scale);
        _evaluator.MultiplyPlainInplace(_productWork, _plain);
    }

    /// <summary>SEAL's <c>multiply_inplace</c> into size 3 (see the remarks: size 2 and the scale set back first).</summary>
    [Benchmark]
    public void MultiplyInplace()
    {
        _squareWork.Resize(2, _a.Level);
        _squareWork.SetScale(_a.Scale);
        _evaluator.MultiplyInplace(_squareWork, _b);
    }

    /// <summary>SEAL's <c>square_inplace</c> into size 3 (see the remarks: size 2 and the scale set back first).</summary>
    [Benchmark]
    public void SquareInplace()
    {
        _squareWork.Resize(2, _a.Level);
        _squareWork.SetScale(_a.Scale);
        _evaluator.SquareInplace(_squareWork);
    }

    /// <summary>SEAL's <c>relinearize_inplace</c> (see the remarks: size 3 set back first; c₂ is still in the buffer).</summary>
    [Benchmark]
    public void RelinearizeInplace()
    {
        _relinearizeWork.Resize(3, _a.Level);
        _evaluator.RelinearizeInplace(_relinearizeWork, _relinKeys);
    }

    /// <summary>SEAL's <c>rotate_vector_inplace</c> by one step.</summary>
    [Benchmark]
    public void RotateVectorInplace() => _evaluator.RotateVectorInplace(_work, 1, _galoisKeys);

    [Benchmark]
    public Ciphertext RescaleToNext() => _evaluator.RescaleToNext(_relinearized);

    [Benchmark]
    public Ciphertext Relinearize() => _evaluator.Relinearize(_product, _relinKeys);

    [Benchmark]
    public Ciphertext RotateVector() => _evaluator.RotateVector(_a, 1, _galoisKeys);
}
