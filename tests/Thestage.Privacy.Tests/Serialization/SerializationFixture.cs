using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tests.Serialization;

/// <summary>
/// Keys at N = 8192, coefficient moduli {60, 40, 40, 60}, scale 2^40 (the SEAL examples' parameters), with Galois
/// keys for a few steps and conjugation only, to keep key generation fast.
/// </summary>
public sealed class SerializationFixture
{
    public const double Scale = 1L << 40;

    public SerializationFixture()
    {
        Context = new CkksContext(new CkksParameters(8192, [60, 40, 40, 60]));
        KeyGenerator = new KeyGenerator(Context);
        PublicKey = KeyGenerator.CreatePublicKey();
        RelinKeys = KeyGenerator.CreateRelinKeys();
        GaloisKeys = KeyGenerator.CreateGaloisKeys([1, -1, 3], includeConjugation: true);
        Encoder = new CkksEncoder(Context);
        Encryptor = new Encryptor(Context, PublicKey);
        SymmetricEncryptor = new Encryptor(Context, KeyGenerator.SecretKey);
        Decryptor = new Decryptor(Context, KeyGenerator.SecretKey);
        Evaluator = new Evaluator(Context);
    }

    public CkksContext Context { get; }

    public KeyGenerator KeyGenerator { get; }

    public PublicKey PublicKey { get; }

    public RelinKeys RelinKeys { get; }

    public GaloisKeys GaloisKeys { get; }

    public CkksEncoder Encoder { get; }

    public Encryptor Encryptor { get; }

    public Encryptor SymmetricEncryptor { get; }

    public Decryptor Decryptor { get; }

    public Evaluator Evaluator { get; }

    public double[] Values(int seed)
    {
        var random = new Random(seed);
        var values = new double[Encoder.SlotCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextDouble() * 2 - 1;
        }

        return values;
    }

    public double[] Decrypt(Ciphertext c) => Encoder.Decode(Decryptor.Decrypt(c));

    public static double MaxError(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual)
    {
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        }

        return max;
    }
}
