using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Thestage.Privacy.Ckks;

namespace Thestage.Privacy.Tests.Ckks;

public sealed class CkksEncoderTests(CkksFixture f) : IClassFixture<CkksFixture>
{
    [Property(MaxTest = 20)]
    public Property Decode_inverts_encode(PositiveInt seed)
    {
        int count = 1 + seed.Get % f.Encoder.SlotCount;
        double[] x = CkksFixture.RandomValues(seed.Get, count);
        var back = new double[count];
        f.Encoder.Decode(f.Encoder.Encode(x, CkksFixture.Scale), back);
        return (CkksFixture.MaxError(x, back) < 1e-9).ToProperty();
    }

    [Fact]
    public void Missing_values_decode_as_zero_and_complex_values_round_trip()
    {
        double[] back = f.Encoder.Decode(f.Encoder.Encode([0.5, -0.25], CkksFixture.Scale));
        Assert.Equal(0.5, back[0], 9);
        Assert.Equal(-0.25, back[1], 9);
        Assert.All(back.Skip(2), v => Assert.Equal(0, v, 9));

        var random = new Random(5);
        var z = Enumerable.Range(0, f.Encoder.SlotCount).Select(_ => new Complex(random.NextDouble() - 0.5, random.NextDouble() - 0.5)).ToArray();
        Complex[] decoded = f.Encoder.DecodeComplex(f.Encoder.Encode(z, CkksFixture.Scale));
        Assert.All(Enumerable.Range(0, z.Length), i => Assert.True((z[i] - decoded[i]).Magnitude < 1e-9));
    }

    [Fact]
    public void A_scalar_fills_every_slot_and_large_scales_encode_exactly()
    {
        double[] back = f.Encoder.Decode(f.Encoder.Encode(-0.375, CkksFixture.Scale));
        Assert.All(back, v => Assert.Equal(-0.375, v, 9));

        // Scale 2^100 puts coefficients above 2^64: the exponent path must reduce them exactly.
        double big = Math.Pow(2, 100);
        double[] x = CkksFixture.RandomValues(9, 16);
        double[] y = f.Encoder.Decode(f.Encoder.Encode(x, big));
        Assert.True(CkksFixture.MaxError(x, y.AsSpan(0, 16)) < 1e-12);
        Assert.All(f.Encoder.Decode(f.Encoder.Encode(0.75, big)), v => Assert.Equal(0.75, v, 12));
    }

    [Fact]
    public void Encoding_at_a_lower_level_uses_fewer_primes()
    {
        var p = f.Encoder.Encode([1.0, 2.0], CkksFixture.Scale, level: 0);
        Assert.Equal(0, p.Level);
        Assert.Equal(1, p.CoeffModulusCount);
        Assert.Equal(2.0, f.Encoder.Decode(p)[1], 6);
    }

    [Fact]
    public void Bad_input_is_refused_with_a_clear_exception()
    {
        var tooMany = new double[f.Encoder.SlotCount + 1];
        Assert.Contains("at most 4096", Assert.Throws<ArgumentException>(() => f.Encoder.Encode(tooMany, CkksFixture.Scale)).Message, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Encoder.Encode([1.0], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Encoder.Encode([1.0], Math.Pow(2, 200)));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Encoder.Encode([1.0], CkksFixture.Scale, level: 5));
        Assert.Contains("too large", Assert.Throws<ArgumentException>(() => f.Encoder.Encode([1e40], CkksFixture.Scale)).Message);
        Assert.Throws<ArgumentException>(() => f.Encoder.Encode([double.NaN], CkksFixture.Scale));
        var other = new CkksContext(new CkksParameters(8192, [60, 40, 40, 60]));
        Assert.Throws<ArgumentException>(() => new CkksEncoder(other).Decode(f.Encoder.Encode([1.0], CkksFixture.Scale)));
    }
}
