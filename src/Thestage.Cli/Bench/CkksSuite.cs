using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Cli.Bench;

/// <summary>One CKKS figure: an operation at a ring dimension, named as SEAL's benchmark program names it.</summary>
/// <param name="N">The ring dimension.</param>
/// <param name="Operation">The operation (SEAL's name: <c>Multiply</c>, <c>RelinKeys</c>, …).</param>
/// <param name="KeyGeneration">Whether it is key generation (SEAL's <c>keygen.*</c>) rather than an operation (<c>ckks.*</c>).</param>
/// <param name="Time">The figure.</param>
internal sealed record CkksRow(int N, string Operation, bool KeyGeneration, Timing Time)
{
    /// <summary>Gets the name of the same figure in the output of SEAL's benchmark program: <c>ckks.8192.Multiply</c>.</summary>
    public string SealName => $"{(KeyGeneration ? "keygen" : "ckks")}.{N}.{Operation}";
}

/// <summary>
/// The CKKS operations and key generation of <c>CkksBenchmarks</c> and <c>KeyGenerationBenchmarks</c> through the public
/// API, with the semantics of SEAL's benchmark program (<c>../shared/anchors/seal-bench</c>) so that its figures compare:
/// SEAL's default 128-bit moduli, operands at the first data level, scale 2^30 at N = 4096 and 2^40 above; Multiply
/// and Square without relinearization; RescaleToNext of a relinearized product; RotateVector by one step; Add, AddPlain
/// and Negate in place on one working ciphertext (SEAL times its <c>*_inplace</c> calls), the other operations as the
/// call returning a new ciphertext.
/// </summary>
internal static class CkksSuite
{
    /// <summary>The operations measured per ring dimension.</summary>
    public const int OperationsPerDegree = 18;

    /// <summary>Measures every operation at every ring dimension of <paramref name="scale"/>.</summary>
    public static List<CkksRow> Run(BenchScale scale, BenchClock clock, Action<string> progress)
    {
        var rows = new List<CkksRow>();
        foreach (int n in scale.CkksDegrees)
        {
            var context = new CkksContext(new CkksParameters(n, CkksParameters.DefaultCoeffModulusBits(n)));
            var keygen = new KeyGenerator(context);
            void Add(string operation, bool keys, Action call)
            {
                progress($"CKKS N = {n}: {operation}");
                rows.Add(new CkksRow(n, operation, keys, clock.Measure(call)));
            }

            Add("SecretKey", true, () => new KeyGenerator(context).SecretKey.Dispose());
            Add("PublicKey", true, () => keygen.CreatePublicKey());
            Add("RelinKeys", true, () => keygen.CreateRelinKeys());
            Add("GaloisKey1", true, () => keygen.CreateGaloisKeys([1]));

            RelinKeys relinKeys = keygen.CreateRelinKeys();
            GaloisKeys galoisKeys = keygen.CreateGaloisKeys([1]);
            var encoder = new CkksEncoder(context);
            var publicEncryptor = new Encryptor(context, keygen.CreatePublicKey());
            var secretEncryptor = new Encryptor(context, keygen.SecretKey);
            var decryptor = new Decryptor(context, keygen.SecretKey);
            var evaluator = new Evaluator(context);
            var random = new Random(1);
            double[] values = Enumerable.Range(0, encoder.SlotCount).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
            Plaintext plain = encoder.Encode(values, Math.Pow(2, n == 4096 ? 30 : 40));
            Ciphertext a = publicEncryptor.Encrypt(plain), b = publicEncryptor.Encrypt(plain);
            Ciphertext product = evaluator.Multiply(a, b);
            Ciphertext relinearized = evaluator.Relinearize(product, relinKeys);
            var work = new Ciphertext(a);

            Add("EncryptSecret", false, () => secretEncryptor.Encrypt(plain));
            Add("EncryptPublic", false, () => publicEncryptor.Encrypt(plain));
            Add("Decrypt", false, () => decryptor.Decrypt(a));
            Add("Encode", false, () => encoder.Encode(values, plain.Scale));
            Add("Decode", false, () => encoder.Decode(plain));
            Add("Add", false, () => evaluator.AddInplace(work, b));
            Add("AddPlain", false, () => evaluator.AddPlainInplace(work, plain));
            Add("Negate", false, () => evaluator.NegateInplace(work));
            Add("Multiply", false, () => evaluator.Multiply(a, b));
            Add("MultiplyPlain", false, () => evaluator.MultiplyPlain(a, plain));
            Add("Square", false, () => evaluator.Square(a));
            Add("RescaleToNext", false, () => evaluator.RescaleToNext(relinearized));
            Add("Relinearize", false, () => evaluator.Relinearize(product, relinKeys));
            Add("RotateVector", false, () => evaluator.RotateVector(a, 1, galoisKeys));
            keygen.SecretKey.Dispose();
        }

        return rows;
    }
}
