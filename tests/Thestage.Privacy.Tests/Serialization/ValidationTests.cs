using System.Buffers.Binary;
using System.IO.Compression;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;

namespace Thestage.Privacy.Tests.Serialization;

/// <summary>Each check of the loaders, triggered on its own, with the message it must give.</summary>
public sealed class ValidationTests(SerializationFixture f) : IClassFixture<SerializationFixture>
{
    private const int Header = 48;

    private byte[] SeededCiphertext => CkksSerializer.Save(f.SymmetricEncryptor.Encrypt(f.Encoder.Encode(f.Values(1), SerializationFixture.Scale)));

    [Fact]
    public void Objects_of_other_parameters_are_refused_by_fingerprint()
    {
        var other = new CkksContext(new CkksParameters(8192, [60, 40, 60]));
        var ex = Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadCiphertext(other, SeededCiphertext));
        Assert.Contains("fingerprint", ex.Message, StringComparison.Ordinal);
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadPublicKey(other, CkksSerializer.Save(f.PublicKey)));
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadSecretKey(other, CkksSerializer.SaveSecretKey(f.KeyGenerator.SecretKey)));

        var same = new CkksContext(new CkksParameters(8192, [60, 40, 40, 60]));
        Assert.Equal(2, CkksSerializer.LoadCiphertext(same, SeededCiphertext).Size);
    }

    [Theory]
    [InlineData(0, 0x58, "magic")]
    [InlineData(4, 2, "version")]
    [InlineData(6, 4, "Expected a serialized Ciphertext but found PublicKey")]
    [InlineData(6, 99, "unknown kind 99")]
    [InlineData(7, 9, "compression")]
    [InlineData(8, 2, "flags")]
    [InlineData(12, 1, "Reserved")]
    [InlineData(20, 0xAA, "fingerprint")]
    public void Header_fields_are_checked(int offset, byte value, string message)
    {
        byte[] data = SeededCiphertext;
        data[offset] = value;
        var ex = Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadCiphertext(f.Context, data));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seeded_flags_on_kinds_without_seeds_are_refused()
    {
        byte[] data = CkksSerializer.Save(f.Encoder.Encode(1.0, SerializationFixture.Scale));
        data[8] = 1;
        Assert.Contains("cannot be seeded", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadPlaintext(f.Context, data)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compressed_secret_keys_are_refused()
    {
        byte[] data = CkksSerializer.SaveSecretKey(f.KeyGenerator.SecretKey);
        data[7] = (byte)CkksCompression.ZLib;
        Assert.Contains("never compressed", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadSecretKey(f.Context, data)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_and_padded_inputs_are_refused()
    {
        byte[] data = SeededCiphertext;
        foreach (int length in new[] { 0, 1, 47, 48, 63, data.Length / 2, data.Length - 1 })
        {
            Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadCiphertext(f.Context, data.AsSpan(0, length)));
            Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadCiphertext(f.Context, new MemoryStream(data, 0, length)));
        }

        byte[] padded = [.. data, 0];
        Assert.Contains("trailing", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadCiphertext(f.Context, padded)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(1L << 40)]
    [InlineData(-1L)]
    public void Hostile_lengths_are_refused_before_anything_is_allocated(long length)
    {
        byte[] data = SeededCiphertext;
        data[7] = (byte)CkksCompression.Brotli;
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(32), 100);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(40), length);
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadCiphertext(f.Context, data));
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadCiphertext(f.Context, new MemoryStream(data)));
        data[7] = 0;
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(32), length);
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadCiphertext(f.Context, new MemoryStream(data)));
    }

    [Fact]
    public void Decompression_stops_at_the_declared_length()
    {
        byte[] data = CkksSerializer.Save(f.Encoder.Encode(1.0, SerializationFixture.Scale));
        long raw = data.Length - Header;
        var random = new Random(94);
        byte[] HalfRandom(long length) // compresses about 2:1, within the ratio limit
        {
            var bytes = new byte[length];
            random.NextBytes(bytes.AsSpan(0, (int)(length / 2)));
            return bytes;
        }

        var ex = Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadPlaintext(f.Context, Frame(data, Compress(HalfRandom(raw + 1000)), raw)));
        Assert.Contains("more than the declared", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadPlaintext(f.Context, Frame(data, Compress(HalfRandom(raw / 2)), raw)));
        Assert.Contains("Truncated input", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadPlaintext(f.Context, Frame(data, Compress(new byte[raw]), raw)));
        Assert.Contains("decompression bomb", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadPlaintext(f.Context, Frame(data, [.. Enumerable.Repeat((byte)0xFF, (int)raw / 4)], raw)));
        Assert.Contains("compressed payload", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(48, 1u, "size 1")]
    [InlineData(48, 9u, "size 9")]
    [InlineData(48, 3u, "seeded ciphertext has size 2")]
    [InlineData(52, 3u, "Level 3")]
    public void Ciphertext_shape_is_checked(int offset, uint value, string message)
    {
        byte[] data = SeededCiphertext;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(offset), value);
        Assert.Contains(message, Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadCiphertext(f.Context, data)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Scales_must_be_positive_and_finite(double scale)
    {
        byte[] data = SeededCiphertext;
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(56), scale);
        Assert.Contains("scale", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadCiphertext(f.Context, data)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Coefficients_must_lie_below_their_modulus()
    {
        byte[] data = SeededCiphertext;
        data.AsSpan(64, 8).Fill(0xFF);
        Assert.Contains("not below its modulus", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadCiphertext(f.Context, data)).Message, StringComparison.Ordinal);
        byte[] ternary = CkksSerializer.SaveSecretKey(f.KeyGenerator.SecretKey);
        ternary[^1] = 0xFF;
        Assert.Contains("invalid code 3", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadSecretKey(f.Context, ternary)).Message, StringComparison.Ordinal);
        byte[] packed = CkksSerializer.SaveSecretKey(NonTernaryKey(f.Context, 5));
        packed.AsSpan(packed.Length - 8).Fill(0xFF);
        Assert.Contains("limb 3 of the secret key", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadSecretKey(f.Context, packed)).Message, StringComparison.Ordinal);
        ternary[Header] = 7;
        Assert.Contains("secret key form 7", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadSecretKey(f.Context, ternary)).Message, StringComparison.Ordinal);
    }

    /// <summary>A key whose limbs are independent random residues: not ternary, so it is saved in packed NTT form.</summary>
    internal static SecretKey NonTernaryKey(RlweContext context, int seed)
    {
        var random = new Random(seed);
        int n = context.PolyModulusDegree;
        var data = new ulong[context.CoeffModulus.Count * n];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (ulong)random.NextInt64((long)context.CoeffModulus[i / n]);
        }

        return new SecretKey(context, data);
    }

    [Theory]
    [InlineData(4UL, "not an odd number")]
    [InlineData(1UL, "not an odd number")]
    [InlineData(16385UL, "not an odd number")]
    [InlineData(3UL, "ascending")]
    public void Galois_elements_are_checked(ulong second, string message)
    {
        byte[] data = CkksSerializer.Save(f.GaloisKeys);
        long keySize = (data.Length - Header - 4) / f.GaloisKeys.Count;
        int offset = Header + 4 + (int)keySize;
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(Header + 4), 3);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(offset), second);
        Assert.Contains(message, Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadGaloisKeys(f.Context, data)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Galois_keys_beyond_array_size_are_read_from_streams_key_by_key_with_bounded_memory()
    {
        // A header claiming all 8191 Galois keys (about 10 GB), followed by the 4 real ones: the stream loader
        // accepts the length (it reads key by key), parses the 4 keys, and stops at the missing fifth.
        byte[] data = CkksSerializer.Save(f.GaloisKeys, new CkksSerializationOptions { UseSeeds = false });
        long keySize = (data.Length - Header - 4) / f.GaloisKeys.Count;
        long claimed = 4 + (8191 * keySize);
        Assert.True(claimed > Array.MaxLength);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(32), claimed);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(40), claimed);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(Header), 8191);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadGaloisKeys(f.Context, new MemoryStream(data)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("Truncated input: a Galois key", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 8 * data.Length, $"{allocated:N0} bytes allocated for {data.Length:N0} bytes of input");
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadGaloisKeys(f.Context, data));
    }

    [Fact]
    public void Galois_key_counts_and_relin_component_counts_are_checked()
    {
        byte[] galois = CkksSerializer.Save(f.GaloisKeys);
        BinaryPrimitives.WriteUInt32LittleEndian(galois.AsSpan(Header), 8192);
        Assert.Contains("distinct Galois elements", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadGaloisKeys(f.Context, galois)).Message, StringComparison.Ordinal);
        BinaryPrimitives.WriteUInt32LittleEndian(galois.AsSpan(Header), 5);
        Assert.Contains("takes exactly", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadGaloisKeys(f.Context, galois)).Message, StringComparison.Ordinal);
        byte[] relin = CkksSerializer.Save(f.RelinKeys);
        BinaryPrimitives.WriteUInt32LittleEndian(relin.AsSpan(Header), 2);
        Assert.Contains("components", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadRelinKeys(f.Context, relin)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1000u, "power of two")]
    [InlineData(4, 1u, "prime count")]
    [InlineData(4, 65u, "prime count")]
    [InlineData(8, 0u, "bits")]
    [InlineData(16, 2u, "≡ 1 mod 2N")]
    public void Parameters_are_checked_without_a_context(int offset, uint value, string message)
    {
        byte[] data = CkksSerializer.Save(f.Context.Parameters);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(Header + offset), value);
        if (offset >= 8)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(Header + offset + 4), 0);
        }

        Assert.Contains(message, Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadParameters(data)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_with_a_composite_or_repeated_prime_or_a_stale_fingerprint_are_refused()
    {
        byte[] data = CkksSerializer.Save(f.Context.Parameters);
        ulong q0 = f.Context.Parameters.CoeffModulus[0];
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(Header + 16), q0);
        Assert.Contains("twice", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadParameters(data)).Message, StringComparison.Ordinal);
        ulong composite = (2UL * 8192 * 3) + 1; // 49153 = 13 · 3781
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(Header + 16), composite * 1);
        Assert.Contains("not prime", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadParameters(data)).Message, StringComparison.Ordinal);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(Header + 16), 65537);
        Assert.Contains("fingerprint", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadParameters(data)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ciphertexts_of_up_to_eight_polynomials_are_saved_and_larger_ones_refused()
    {
        Ciphertext c = f.Encryptor.Encrypt(f.Encoder.Encode(1.0, 4.0));
        Ciphertext big = c;
        for (int i = 0; i < 6; i++)
        {
            big = f.Evaluator.Multiply(big, c);
        }

        Assert.Equal(8, big.Size);
        Assert.Equal(big.Data, CkksSerializer.LoadCiphertext(f.Context, CkksSerializer.Save(big)).Data);
        Assert.Throws<ArgumentException>(() => CkksSerializer.Save(f.Evaluator.Multiply(big, c)));
    }

    private static byte[] Compress(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var brotli = new BrotliStream(output, CompressionLevel.Fastest))
        {
            brotli.Write(raw);
        }

        return output.ToArray();
    }

    /// <summary>The header of <paramref name="original"/> with a Brotli payload and the given raw length.</summary>
    private static byte[] Frame(byte[] original, byte[] payload, long rawLength)
    {
        byte[] data = [.. original.AsSpan(0, Header), .. payload];
        data[7] = (byte)CkksCompression.Brotli;
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(32), payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(40), rawLength);
        return data;
    }
}
