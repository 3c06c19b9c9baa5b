using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Tensors;

namespace Thestage.Privacy.Tests.Tensors;

/// <summary>
/// N = 4096 with seven data levels ({60, 40 × 6, 60}, scale 2^40): 2048 slots make multi-ciphertext vectors cheap to
/// test, and the depth covers degree-15 polynomials. 380 bits exceed the 128-bit bound for N = 4096 (109 bits), so
/// this fixture opts out with SecurityLevel.None — for tests of functionality only.
/// </summary>
public sealed class TensorFixture
{
    public TensorFixture()
    {
        Context = new CkksContext(new CkksParameters(4096, [60, 40, 40, 40, 40, 40, 40, 60]), SecurityLevel.None);
        var keygen = new KeyGenerator(Context);
        Tensors = new TensorContext(Context, Math.Pow(2, 40), keygen.CreateRelinKeys(), keygen.CreateGaloisKeys());
        Encryptor = new Encryptor(Context, keygen.CreatePublicKey());
        Decryptor = new Decryptor(Context, keygen.SecretKey);
        KeyGenerator = keygen;
    }

    public CkksContext Context { get; }

    public TensorContext Tensors { get; }

    public Encryptor Encryptor { get; }

    public Decryptor Decryptor { get; }

    public KeyGenerator KeyGenerator { get; }

    public CkksVector Encrypt(double[] values) => CkksVector.Encrypt(Tensors, Encryptor, values);

    public static double[] Random(int seed, int count, double min = -1, double max = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => min + (max - min) * random.NextDouble()).ToArray();
    }

    public static double MaxError(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        return expected.Zip(actual, (a, b) => Math.Abs(a - b)).DefaultIfEmpty(0).Max();
    }
}
