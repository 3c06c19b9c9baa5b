using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Tests.Ckks;

namespace Thestage.Privacy.Tests.Rlwe;

/// <summary>The noise that hybrid key switching adds, measured in the coefficient domain against its expected size.</summary>
public sealed class KeySwitchingTests(CkksFixture f) : IClassFixture<CkksFixture>
{
    [Fact]
    public void Galois_key_switching_adds_noise_of_the_expected_size()
    {
        var context = f.Context;
        int n = context.PolyModulusDegree;
        Ciphertext c = f.Encrypt(CkksFixture.RandomValues(1, f.Encoder.SlotCount));
        ulong g = context.Galois.ElementForStep(1);
        Plaintext before = f.Decryptor.Decrypt(c);
        Plaintext after = f.Decryptor.Decrypt(f.Evaluator.ApplyGalois(c, g, f.GaloisKeys));

        // after − σ_g(before) is the key-switching noise; compare limb 0 in the coefficient domain.
        var q = context.KeyModuli[0];
        var expected = new ulong[n];
        context.Galois.ApplyNtt(before.Limb(0), g, expected);
        context.Ntt[0].Inverse(expected);
        ulong[] actual = after.Limb(0).ToArray();
        context.Ntt[0].Inverse(actual);
        double sumSquares = 0;
        for (int i = 0; i < n; i++)
        {
            ulong d = (actual[i] + q.Value - expected[i]) % q.Value;
            double e = d > q.Value / 2 ? -(double)(q.Value - d) : d;
            sumSquares += e * e;
        }

        // Centered digits d_j ∈ (−q_j/2, q_j/2] times key errors of σ ≈ 3.24, divided by P:
        // σ_ks ≈ √N · σ · √(Σ_j q_j²/12) / P, plus rounding (≈ √(N/3·…) ≲ 30). q₀ ≈ P dominates: ≈ 85.
        double predicted = Math.Sqrt(n) * 3.24 * Math.Sqrt(context.CoeffModulus.Take(c.Level + 1).Sum(x => (double)x * x / 12)) / context.CoeffModulus[^1];
        double measured = Math.Sqrt(sumSquares / n);
        Assert.InRange(measured, 0.5 * predicted, 2 * predicted + 30);
    }

    [Fact]
    public void Rotation_error_has_no_outlier_slots()
    {
        // Uncentered digits put (q_j/2)·e_j·(1 + X + … + X^(N−1)) into the noise, which concentrates on a few slots
        // (measured 4.5e-7 there against 3.6e-8 elsewhere); with centered digits the max stays at the noise floor.
        double[] x = CkksFixture.RandomValues(3, f.Encoder.SlotCount);
        double[] rotated = f.Decrypt(f.Evaluator.RotateVector(f.Encrypt(x), 1, f.GaloisKeys));
        double[] expected = x.Skip(1).Append(x[0]).ToArray();
        Assert.True(CkksFixture.MaxError(expected, rotated) < 1.5e-7);
    }
}
