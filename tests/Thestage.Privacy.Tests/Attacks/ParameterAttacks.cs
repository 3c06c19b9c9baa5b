using System.Buffers.Binary;
using System.Numerics;
using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;
using Thestage.Privacy.Tensors;

namespace Thestage.Privacy.Tests.Attacks;

/// <summary>
/// Item 4 of issue 10: parameter and metadata checks SEAL makes (or advises) that we did not. A small special prime
/// makes every key switch lose precision; more than 256 data primes overflow the 128-bit key-switching accumulator; a
/// loaded scale that is tiny or beyond the modulus decodes to NaN or garbage.
/// </summary>
public sealed class ParameterAttacks
{
    private const int Header = 48;
    private static readonly CkksContext Context = new(new CkksParameters(1024, [40, 30, 40]), SecurityLevel.None);

    [Fact]
    public void SpecialPrimeSmallerThanADataPrime_AmplifiesKeySwitchingNoise_Fails()
    {
        var small = new CkksParameters(8192, [60, 40, 40, 40]);
        Assert.Contains("special prime", Assert.Throws<ArgumentException>(() => new CkksContext(small)).Message, StringComparison.Ordinal);

        // The same parameters handed over as bytes: refused by the loader with the format exception.
        byte[] data = CkksSerializer.Save(small);
        Assert.Contains("special prime", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadParameters(data)).Message, StringComparison.Ordinal);

        // SEAL's recommended {60, 40, 40, 60} gives P the second-largest 60-bit prime (below q₀): equal bit size is enough.
        var seal = new CkksContext(new CkksParameters(8192, [60, 40, 40, 60]));
        Assert.True(seal.CoeffModulus[^1] < seal.CoeffModulus[0]);
    }

    [Fact]
    public void MoreDigitsThanTheAccumulatorHolds_OverflowsKeySwitching_Fails()
    {
        // 256 products below (2^60)² fit 128 bits; 257 of the largest do not.
        BigInteger largest = BigInteger.Pow((BigInteger.One << 60) - 1, 2);
        Assert.True(256 * largest < BigInteger.One << 128);
        Assert.True(257 * largest >= BigInteger.One << 128);

        ulong[] primes = Primes.LargestNttPrimes(2048, 60, RlweContext.MaxDataPrimeCount + 2);
        var tooMany = CkksParameters.FromPrimes(1024, primes);
        Assert.Contains("data primes", Assert.Throws<ArgumentException>(() => new CkksContext(tooMany, SecurityLevel.None)).Message, StringComparison.Ordinal);
        var most = CkksParameters.FromPrimes(1024, primes[..^1]);
        Assert.Equal(RlweContext.MaxDataPrimeCount - 1, new CkksContext(most, SecurityLevel.None).MaxLevel);
    }

    [Theory]
    [InlineData(1e-300)]             // tiny but normal: decoding multiplies by 1e300
    [InlineData(4.9e-324)]           // subnormal
    [InlineData(0.5)]
    [InlineData(1.2676506002282294e30)] // 2^100, beyond the 70-bit modulus of level 1
    [InlineData(double.MaxValue)]
    public void HostileScaleInACiphertext_DecodesToNaN_Fails(double scale)
    {
        var keys = new KeyGenerator(Context);
        var encoder = new CkksEncoder(Context);
        Ciphertext c = new Encryptor(Context, keys.SecretKey).Encrypt(encoder.Encode([0.25, -0.5], 1 << 20));
        byte[] data = CkksSerializer.Save(c);
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(Header + 8), scale); // u32 size, u32 level, f64 scale
        Assert.Contains("scale", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadCiphertext(Context, data)).Message, StringComparison.Ordinal);

        byte[] plain = CkksSerializer.Save(encoder.Encode([0.25], 1 << 20));
        BinaryPrimitives.WriteDoubleLittleEndian(plain.AsSpan(Header + 4), scale); // u32 level, f64 scale
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadPlaintext(Context, plain));

        var tensors = new TensorContext(Context, 1 << 20);
        byte[] vector = CkksSerializer.Save(CkksVector.Encrypt(tensors, new Encryptor(Context, keys.SecretKey), [0.25]));
        BinaryPrimitives.WriteDoubleLittleEndian(vector.AsSpan(Header + 8 + 8), scale); // u32 length, u32 count, then the ciphertext
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadVector(tensors, vector));

        // Inside the process the same scale is refused where it would be set or decoded.
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Scale = scale);
        Plaintext decrypted = new Decryptor(Context, keys.SecretKey).Decrypt(c);
        decrypted.Scale = scale;
        Assert.Throws<ArgumentException>(() => encoder.Decode(decrypted));
        Assert.Throws<ArgumentException>(() => CkksSerializer.Save(decrypted));
    }

    [Fact]
    public void ScalesAtTheEdgesOfTheRange_AreTheOnesAccepted()
    {
        var keys = new KeyGenerator(Context);
        var encoder = new CkksEncoder(Context);
        Ciphertext c = new Encryptor(Context, keys.SecretKey).Encrypt(encoder.Encode([0.25], 1 << 20));
        int bits = Context.GetCoeffModulusBitCount(c.Level);
        c.Scale = 1;
        Assert.Equal(1, CkksSerializer.LoadCiphertext(Context, CkksSerializer.Save(c)).Scale);
        c.Scale = Math.BitDecrement(Math.ScaleB(1, bits));
        Assert.Equal(c.Scale, CkksSerializer.LoadCiphertext(Context, CkksSerializer.Save(c)).Scale);
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Scale = Math.ScaleB(1, bits));
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Encode([0.25], 0.5));
    }
}
