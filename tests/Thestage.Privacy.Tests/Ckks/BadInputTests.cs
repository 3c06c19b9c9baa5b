using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tests.Ckks;

public sealed class BadInputTests(CkksFixture f) : IClassFixture<CkksFixture>
{
    [Fact]
    public void Insecure_parameters_are_refused_with_the_limit_in_the_message()
    {
        var parameters = new CkksParameters(8192, [60, 60, 60, 60]);
        var e = Assert.Throws<InsecureParametersException>(() => new CkksContext(parameters));
        Assert.Contains("at most 218 bits", e.Message);
        Assert.Contains("240", e.Message);
        Assert.Throws<InsecureParametersException>(() => new CkksContext(new CkksParameters(8192, [50, 50, 50]), SecurityLevel.Tc256));
        var experiment = new CkksContext(parameters, SecurityLevel.None); // explicit opt-out
        Assert.Equal(SecurityLevel.None, experiment.SecurityLevel);
    }

    [Fact]
    public void Default_moduli_are_secure_and_match_seal_sizes()
    {
        foreach (int n in new[] { 4096, 8192, 16384, 32768 })
        {
            var context = new CkksContext(new CkksParameters(n, CkksParameters.DefaultCoeffModulusBits(n)));
            Assert.True(context.TotalCoeffModulusBitCount <= SecurityStandard.MaxCoeffModulusBitCount(n, SecurityLevel.Tc128));
        }

        Assert.Equal(218, SecurityStandard.MaxCoeffModulusBitCount(8192, SecurityLevel.Tc128));
        Assert.Equal(881, SecurityStandard.MaxCoeffModulusBitCount(32768, SecurityLevel.Tc128));
    }

    [Fact]
    public void Malformed_parameters_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CkksParameters(1000, [40, 40]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CkksParameters(131072, [40, 40]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CkksParameters(8192, [40, 61]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CkksParameters(8192, [40, 10]));
        Assert.Throws<ArgumentException>(() => new CkksParameters(8192, [40]));
        Assert.Contains("not prime", Assert.Throws<ArgumentException>(() => new CkksContext(CkksParameters.FromPrimes(8192, [16385UL * 3, 1152921504606584833UL]), SecurityLevel.None)).Message);
        Assert.Contains("≡ 1 mod 2N", Assert.Throws<ArgumentException>(() => new CkksContext(CkksParameters.FromPrimes(8192, [40961UL, 1152921504606584833UL]), SecurityLevel.None)).Message);
        ulong q = f.Context.CoeffModulus[0];
        Assert.Contains("distinct", Assert.Throws<ArgumentException>(() => new CkksContext(CkksParameters.FromPrimes(8192, [q, q]), SecurityLevel.None)).Message);
    }

    [Fact]
    public void Mismatched_levels_scales_and_contexts_are_refused()
    {
        Ciphertext a = f.Encrypt([0.5]);
        Ciphertext low = f.Evaluator.ModSwitchToNext(a);
        Assert.Contains("different levels", Assert.Throws<ArgumentException>(() => f.Evaluator.Add(a, low)).Message);
        Assert.Throws<ArgumentException>(() => f.Evaluator.Multiply(a, low));
        Assert.Throws<ArgumentException>(() => f.Evaluator.MultiplyPlain(low, f.Encoder.Encode([1.0], CkksFixture.Scale)));
        Ciphertext other = f.Encryptor.Encrypt(f.Encoder.Encode([0.5], CkksFixture.Scale * 2));
        Assert.Contains("different scales", Assert.Throws<ArgumentException>(() => f.Evaluator.Add(a, other)).Message);
        Assert.Throws<ArgumentException>(() => f.Evaluator.AddPlain(a, f.Encoder.Encode([1.0], CkksFixture.Scale * 2)));

        var context = new CkksContext(new CkksParameters(8192, [60, 40, 40, 60]));
        var keys = new KeyGenerator(context);
        Ciphertext foreign = new Encryptor(context, keys.CreatePublicKey()).Encrypt(new CkksEncoder(context).Encode([0.5], CkksFixture.Scale));
        Assert.Contains("another context", Assert.Throws<ArgumentException>(() => f.Evaluator.Add(a, foreign)).Message);
        Assert.Throws<ArgumentException>(() => f.Decryptor.Decrypt(foreign));
        Assert.Throws<ArgumentException>(() => f.Evaluator.RelinearizeInplace(f.Evaluator.Multiply(a, a), keys.CreateRelinKeys()));
        Assert.Throws<ArgumentException>(() => new Encryptor(f.Context, keys.SecretKey));
    }

    [Fact]
    public void Exhausted_chains_missing_keys_and_wrong_sizes_are_refused()
    {
        Ciphertext a = f.Encrypt([0.5]);
        Ciphertext bottom = f.Evaluator.ModSwitchTo(a, 0);
        Assert.Contains("exhausted", Assert.Throws<InvalidOperationException>(() => f.Evaluator.RescaleToNext(bottom)).Message);
        Assert.Throws<InvalidOperationException>(() => f.Evaluator.ModSwitchToNext(bottom));
        Assert.Contains("size 3", Assert.Throws<ArgumentException>(() => f.Evaluator.Relinearize(a, f.RelinKeys)).Message);
        Assert.Throws<ArgumentException>(() => f.Evaluator.RotateVector(f.Evaluator.Multiply(a, a), 1, f.GaloisKeys));
        GaloisKeys only5 = f.KeyGenerator.CreateGaloisKeys([5]);
        Assert.Contains("No Galois key", Assert.Throws<InvalidOperationException>(() => f.Evaluator.RotateVector(a, 3, only5)).Message);
        Assert.Throws<InvalidOperationException>(() => f.Evaluator.Conjugate(a, only5));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.KeyGenerator.CreateGaloisKeys([f.Encoder.SlotCount]));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.KeyGenerator.CreateGaloisKeys([-f.Encoder.SlotCount]));
        Assert.Throws<ArgumentException>(() => f.KeyGenerator.CreateGaloisKeysFromElements([4UL]));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Evaluator.ModSwitchTo(a, 3));
        Assert.Throws<ArgumentException>(() => f.Evaluator.Multiply(f.Evaluator.Multiply(a, a), f.Evaluator.Multiply(a, a)));
    }

    [Fact]
    public void A_disposed_secret_key_is_wiped_and_refused()
    {
        var context = new CkksContext(new CkksParameters(4096, [36, 36, 37]));
        var keygen = new KeyGenerator(context);
        SecretKey sk = keygen.SecretKey;
        sk.Dispose();
        Assert.True(sk.IsDisposed);
        Assert.All(sk.Data, v => Assert.Equal(0UL, v));
        Assert.Throws<ObjectDisposedException>(() => keygen.CreatePublicKey());
        Assert.Equal("SecretKey (redacted)", sk.ToString());
    }
}
