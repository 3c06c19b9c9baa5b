using BenchmarkDotNet.Attributes;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Benchmarks.Ckks;

/// <summary>Key generation at SEAL's default 128-bit coefficient moduli.</summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class KeyGenerationBenchmarks
{
    private CkksContext _context = null!;
    private KeyGenerator _keygen = null!;

    [Params(4096, 8192, 16384)]
    public int N { get; set; } = 8192;

    [GlobalSetup]
    public void Setup()
    {
        _context = new CkksContext(new CkksParameters(N, CkksParameters.DefaultCoeffModulusBits(N)));
        _keygen = new KeyGenerator(_context);
    }

    [Benchmark]
    public SecretKey SecretKey() => new KeyGenerator(_context).SecretKey;

    [Benchmark]
    public PublicKey PublicKey() => _keygen.CreatePublicKey();

    [Benchmark]
    public RelinKeys RelinKeys() => _keygen.CreateRelinKeys();

    [Benchmark]
    public GaloisKeys OneGaloisKey() => _keygen.CreateGaloisKeys([1]);
}
