using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Tensors;
using Thestage.Privacy.Tests.Tensors;

namespace Thestage.Privacy.Tests.Attacks;

/// <summary>
/// Item 7 of issue 10: <c>TensorContext</c> accepted operands at one level whose scales differed by up to 10⁻⁴
/// (relative) and overwrote one label with the other, which multiplies that operand's values by the ratio. The attack: a
/// ciphertext whose scale is off by 10⁻⁵ — a different rescale history, or a party that chose it — is added, and the sum
/// is silently wrong in the fifth digit, far above the CKKS noise.
/// </summary>
public sealed class ScaleMismatchAttacks(TensorFixture f) : IClassFixture<TensorFixture>
{
    [Fact]
    public void NearlyEqualScalesAtOneLevel_SilentlyRelabelled_Fails()
    {
        double[] x = TensorFixture.Random(1, 64, 0.5, 1), y = TensorFixture.Random(2, 64, 0.5, 1);
        CkksVector a = f.Encrypt(x);
        double skewed = f.Tensors.Scale * (1 + 1e-5);
        var encoder = new CkksEncoder(f.Context);
        var b = CkksVector.FromCiphertexts(f.Tensors, y.Length, [f.Encryptor.Encrypt(encoder.Encode(y, skewed))]);
        Assert.Equal(a.Chunk(0).Level, b.Chunk(0).Level);

        CkksVector sum = a.Add(b);
        double[] actual = sum.Decrypt(f.Decryptor);
        double error = x.Zip(y, (u, v) => u + v).Zip(actual, (e, r) => Math.Abs(e - r)).Max();
        Assert.True(error < 1e-7, $"max error {error:E2}: a scale mismatch of 1e-5 was relabelled instead of aligned");
        Assert.Equal(a.Chunk(0).Level - 1, sum.Chunk(0).Level); // the price of exact alignment: one level
        Assert.Equal(a.Chunk(0).Scale, sum.Chunk(0).Scale, 6);
    }

    [Fact]
    public void MismatchedScalesAtLevelZero_Relabelled_Fails()
    {
        var encoder = new CkksEncoder(f.Context);
        Ciphertext a = f.Encryptor.Encrypt(encoder.Encode([0.5], f.Tensors.Scale, 0));
        Ciphertext b = f.Encryptor.Encrypt(encoder.Encode([0.5], f.Tensors.Scale * (1 + 1e-6), 0));
        CkksVector u = CkksVector.FromCiphertexts(f.Tensors, 1, [a]), v = CkksVector.FromCiphertexts(f.Tensors, 1, [b]);
        Assert.Throws<DepthExhaustedException>(() => u.Add(v));
        Assert.Throws<DepthExhaustedException>(() => u.Sub(v));
    }
}
