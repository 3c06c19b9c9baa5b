using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tests.Ckks;

/// <summary>The README's (and the CKKS issue's) API walk-through, line by line, so it keeps compiling and working.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void The_readme_example_runs_and_computes_what_it_says()
    {
        var parms = new CkksParameters(polyModulusDegree: 8192, coeffModulusBits: new[] { 60, 40, 40, 60 });
        var context = new CkksContext(parms);                 // SecurityLevel.Tc128 by default
        var keygen = new KeyGenerator(context);
        SecretKey sk = keygen.SecretKey;
        PublicKey pk = keygen.CreatePublicKey();
        RelinKeys rk = keygen.CreateRelinKeys();
        GaloisKeys gk = keygen.CreateGaloisKeys();            // or CreateGaloisKeys(new[] { 1, -3 })
        var encoder = new CkksEncoder(context);               // encoder.SlotCount == 4096
        Plaintext pt = encoder.Encode(new double[] { 1.5, -0.25, 3 }, scale: Math.Pow(2, 40));
        Ciphertext ct = new Encryptor(context, pk).Encrypt(pt);
        var ev = new Evaluator(context);
        Ciphertext m = ev.Multiply(ct, ct); ev.RelinearizeInplace(m, rk); ev.RescaleToNextInplace(m);
        Ciphertext r = ev.RotateVector(ct, 1, gk);            // r[i] = x[(i + 1) mod 4096]
        double[] back = encoder.Decode(new Decryptor(context, sk).Decrypt(m));

        Assert.Equal(4096, encoder.SlotCount);
        Assert.Equal(new[] { 2.25, 0.0625, 9 }, back.Take(3).ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        double[] rotated = encoder.Decode(new Decryptor(context, sk).Decrypt(r));
        Assert.Equal(new[] { -0.25, 3, 0 }, rotated.Take(3).ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(1.5, rotated[4095], 6);
    }
}
