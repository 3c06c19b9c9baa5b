using Xunit.Abstractions;

namespace Thestage.Privacy.Tests.Ckks;

public sealed class SmokeTests(CkksFixture f, ITestOutputHelper output) : IClassFixture<CkksFixture>
{
    [Fact]
    public void Round_trips()
    {
        double[] x = CkksFixture.RandomValues(1, f.Encoder.SlotCount);
        double[] y = CkksFixture.RandomValues(2, f.Encoder.SlotCount);
        output.WriteLine($"encode/decode {CkksFixture.MaxError(x, f.Encoder.Decode(f.Encoder.Encode(x, CkksFixture.Scale)))}");
        var cx = f.Encrypt(x);
        output.WriteLine($"pk enc/dec {CkksFixture.MaxError(x, f.Decrypt(cx))}");
        var sx = f.SymmetricEncryptor.Encrypt(f.Encoder.Encode(x, CkksFixture.Scale));
        output.WriteLine($"sk enc/dec {CkksFixture.MaxError(x, f.Decrypt(sx))}");
        var cy = f.Encrypt(y);
        var prod = f.Evaluator.Multiply(cx, cy);
        output.WriteLine($"mul3 {CkksFixture.MaxError(x.Zip(y, (a, b) => a * b).ToArray(), f.Decrypt(prod))}");
        f.Evaluator.RelinearizeInplace(prod, f.RelinKeys);
        output.WriteLine($"relin {CkksFixture.MaxError(x.Zip(y, (a, b) => a * b).ToArray(), f.Decrypt(prod))}");
        f.Evaluator.RescaleToNextInplace(prod);
        output.WriteLine($"rescale {CkksFixture.MaxError(x.Zip(y, (a, b) => a * b).ToArray(), f.Decrypt(prod))}");
        var rot = f.Evaluator.RotateVector(cx, 3, f.GaloisKeys);
        double[] expected = Enumerable.Range(0, x.Length).Select(i => x[(i + 3) % x.Length]).ToArray();
        output.WriteLine($"rot3 {CkksFixture.MaxError(expected, f.Decrypt(rot))}");
        Assert.True(CkksFixture.MaxError(expected, f.Decrypt(rot)) < 1e-5);
    }
}
