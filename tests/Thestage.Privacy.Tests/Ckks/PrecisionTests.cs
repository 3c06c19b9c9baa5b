using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Xunit.Abstractions;

namespace Thestage.Privacy.Tests.Ckks;

/// <summary>
/// Measured precision, in bits (−log2 of the max abs error over all slots, values uniform in [−1, 1]):
/// after encode/decode, after encryption, after one multiply + relinearize + rescale, and after the full depth
/// of the chain. The figures are printed (run with <c>--logger "console;verbosity=detailed"</c>) and bounded below.
/// </summary>
public sealed class PrecisionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(8192, new[] { 60, 40, 40, 60 }, 40, 2)]
    [InlineData(16384, new[] { 60, 40, 40, 40, 40, 40, 40, 40, 60 }, 40, 7)]
    public void Precision_is_measured_at_each_stage(int n, int[] bits, int logScale, int depth)
    {
        var context = new CkksContext(new CkksParameters(n, bits));
        var keygen = new KeyGenerator(context);
        RelinKeys rk = keygen.CreateRelinKeys();
        var encoder = new CkksEncoder(context);
        var encryptor = new Encryptor(context, keygen.CreatePublicKey());
        var decryptor = new Decryptor(context, keygen.SecretKey);
        var evaluator = new Evaluator(context);
        double scale = Math.Pow(2, logScale);
        int slots = encoder.SlotCount;
        double[] x = CkksFixture.RandomValues(1, slots);

        double encode = Bits(x, encoder.Decode(encoder.Encode(x, scale)));
        Ciphertext c = encryptor.Encrypt(encoder.Encode(x, scale));
        double encrypt = Bits(x, encoder.Decode(decryptor.Decrypt(c)));

        // Full depth: c ← c · yₖ with a fresh factor yₖ ∈ [−1, 1] at each level, rescaled each time. yₖ is encoded
        // at the scale q_ℓ of the prime that the rescale drops, so the scale stays exactly Δ along the chain.
        double[] expected = (double[])x.Clone();
        double oneMultiply = 0;
        for (int k = 0; k < depth; k++)
        {
            double[] y = CkksFixture.RandomValues(100 + k, slots);
            Ciphertext cy = encryptor.Encrypt(encoder.Encode(y, context.CoeffModulus[c.Level], c.Level));
            c = evaluator.RescaleToNext(evaluator.Relinearize(evaluator.Multiply(c, cy), rk));
            for (int i = 0; i < slots; i++)
            {
                expected[i] *= y[i];
            }

            if (k == 0)
            {
                oneMultiply = Bits(expected, encoder.Decode(decryptor.Decrypt(c)));
            }
        }

        double full = Bits(expected, encoder.Decode(decryptor.Decrypt(c)));
        output.WriteLine($"N={n} bits={{{string.Join(",", bits)}}} scale=2^{logScale}: encode/decode {encode:F1} bits, encrypt {encrypt:F1}, one multiply+rescale {oneMultiply:F1}, full depth {depth}: {full:F1} bits");
        Assert.True(encode > 30, $"encode/decode precision {encode:F1} bits");
        Assert.True(encrypt > 24, $"encryption precision {encrypt:F1} bits");
        Assert.True(oneMultiply > 22, $"one multiply precision {oneMultiply:F1} bits");
        Assert.True(full > 20, $"full-depth precision {full:F1} bits");
        Assert.Equal(0, c.Level);
        Assert.Equal(scale, c.Scale, 6);
    }

    private static double Bits(double[] expected, double[] actual) => -Math.Log2(CkksFixture.MaxError(expected, actual));
}
