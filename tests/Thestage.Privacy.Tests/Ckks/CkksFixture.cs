using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tests.Ckks;

/// <summary>One key set at N = 8192, coefficient moduli {60, 40, 40, 60}, scale 2^40 (the SEAL examples' parameters), shared by the CKKS tests.</summary>
public sealed class CkksFixture
{
    public CkksFixture()
    {
        Context = new CkksContext(new CkksParameters(8192, [60, 40, 40, 60]));
        KeyGenerator = new KeyGenerator(Context);
        PublicKey = KeyGenerator.CreatePublicKey();
        RelinKeys = KeyGenerator.CreateRelinKeys();
        GaloisKeys = KeyGenerator.CreateGaloisKeys();
        Encoder = new CkksEncoder(Context);
        Encryptor = new Encryptor(Context, PublicKey);
        SymmetricEncryptor = new Encryptor(Context, KeyGenerator.SecretKey);
        Decryptor = new Decryptor(Context, KeyGenerator.SecretKey);
        Evaluator = new Evaluator(Context);
    }

    public const double Scale = 1L << 40;

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

    public Ciphertext Encrypt(double[] values) => Encryptor.Encrypt(Encoder.Encode(values, Scale));

    public double[] Decrypt(Ciphertext c) => Encoder.Decode(Decryptor.Decrypt(c));

    public static double[] RandomValues(int seed, int count)
    {
        var random = new Random(seed);
        var v = new double[count];
        for (int i = 0; i < count; i++)
        {
            v[i] = random.NextDouble() * 2 - 1;
        }

        return v;
    }

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
