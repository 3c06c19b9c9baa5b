using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;

namespace Thestage.Privacy.Tests.Serialization;

/// <summary>Every object kind saved and loaded, plain, seeded and compressed, through arrays, spans and streams.</summary>
public sealed class RoundTripTests(SerializationFixture f) : IClassFixture<SerializationFixture>
{
    private const double Tolerance = 1e-6;

    public static TheoryData<bool, CkksCompression> Variants => new()
    {
        { true, CkksCompression.None },
        { false, CkksCompression.None },
        { true, CkksCompression.Brotli },
        { false, CkksCompression.ZLib },
    };

    [Fact]
    public void Parameters_round_trip_without_a_context()
    {
        byte[] data = CkksSerializer.Save(f.Context.Parameters);
        CkksParameters loaded = CkksSerializer.LoadParameters(data);
        Assert.Equal(f.Context.Parameters.PolyModulusDegree, loaded.PolyModulusDegree);
        Assert.Equal(f.Context.Parameters.CoeffModulus, loaded.CoeffModulus);
        Assert.Equal(48 + 8 + 4 * 8, data.Length);
        Assert.Equal(data.Length, CkksSerializer.GetSerializedSize(f.Context.Parameters));
    }

    [Fact]
    public void Contexts_built_from_loaded_parameters_accept_the_original_objects()
    {
        var context = new CkksContext(CkksSerializer.LoadParameters(CkksSerializer.Save(f.Context.Parameters)));
        double[] x = f.Values(1);
        Ciphertext loaded = CkksSerializer.LoadCiphertext(context, CkksSerializer.Save(f.Encryptor.Encrypt(f.Encoder.Encode(x, SerializationFixture.Scale))));
        var decryptor = new Decryptor(context, CkksSerializer.LoadSecretKey(context, CkksSerializer.SaveSecretKey(f.KeyGenerator.SecretKey)));
        Assert.True(SerializationFixture.MaxError(x, new CkksEncoder(context).Decode(decryptor.Decrypt(loaded))) < Tolerance);
    }

    [Fact]
    public void Plaintexts_round_trip_exactly()
    {
        Plaintext p = f.Encoder.Encode(f.Values(2), SerializationFixture.Scale, 1);
        Plaintext loaded = CkksSerializer.LoadPlaintext(f.Context, CkksSerializer.Save(p));
        Assert.Equal(p.Level, loaded.Level);
        Assert.Equal(p.Scale, loaded.Scale);
        Assert.Equal(p.Data, loaded.Data);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Symmetric_ciphertexts_round_trip_and_decrypt(bool seeds, CkksCompression compression)
    {
        var options = new CkksSerializationOptions { UseSeeds = seeds, Compression = compression };
        double[] x = f.Values(3);
        Ciphertext c = f.SymmetricEncryptor.Encrypt(f.Encoder.Encode(x, SerializationFixture.Scale));
        byte[] data = CkksSerializer.Save(c, options);
        Assert.Equal(data.Length, CkksSerializer.GetSerializedSize(c, options));
        Ciphertext loaded = CkksSerializer.LoadCiphertext(f.Context, data);
        Assert.Equal(c.Data, loaded.Data);
        Assert.Equal(c.Scale, loaded.Scale);
        Assert.Equal(seeds, loaded.Seed is not null);
        Assert.True(SerializationFixture.MaxError(x, f.Decrypt(loaded)) < Tolerance);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(0, false)]
    [InlineData(1, false)]
    public void Ciphertexts_and_plaintexts_round_trip_at_every_level(int level, bool symmetric)
    {
        double[] x = f.Values(20 + level);
        double scale = Math.Pow(2, 30 + level);
        Plaintext p = f.Encoder.Encode(x, scale, level);
        Ciphertext c = (symmetric ? f.SymmetricEncryptor : f.Encryptor).Encrypt(p);
        Ciphertext loaded = CkksSerializer.LoadCiphertext(f.Context, CkksSerializer.Save(c));
        Assert.Equal(level, loaded.Level);
        Assert.Equal(scale, loaded.Scale);
        Assert.Equal(c.Data, loaded.Data);
        Assert.Equal(symmetric, loaded.Seed is not null);
        Assert.Equal(p.Data, CkksSerializer.LoadPlaintext(f.Context, CkksSerializer.Save(p)).Data);
        Assert.True(SerializationFixture.MaxError(x, f.Decrypt(loaded)) < 1e-3);
    }

    [Fact]
    public void Seeded_ciphertexts_are_about_half_the_size_and_reseed_after_load()
    {
        Ciphertext c = f.SymmetricEncryptor.Encrypt(f.Encoder.Encode(f.Values(4), SerializationFixture.Scale));
        byte[] seeded = CkksSerializer.Save(c);
        byte[] plain = CkksSerializer.Save(c, new CkksSerializationOptions { UseSeeds = false });
        Assert.True(seeded.Length < plain.Length / 2 + 100, $"{seeded.Length} vs {plain.Length}");
        Assert.Equal(seeded, CkksSerializer.Save(CkksSerializer.LoadCiphertext(f.Context, seeded)));
    }

    [Fact]
    public void Evaluated_ciphertexts_of_size_three_and_lower_levels_round_trip()
    {
        double[] x = f.Values(5), y = f.Values(6);
        Ciphertext product = f.Evaluator.Multiply(f.Encryptor.Encrypt(f.Encoder.Encode(x, SerializationFixture.Scale)), f.Encryptor.Encrypt(f.Encoder.Encode(y, SerializationFixture.Scale)));
        Ciphertext loaded = CkksSerializer.LoadCiphertext(f.Context, CkksSerializer.Save(product));
        Assert.Equal(3, loaded.Size);
        Assert.Null(loaded.Seed);
        Ciphertext rescaled = f.Evaluator.RescaleToNext(f.Evaluator.Relinearize(loaded, f.RelinKeys));
        Ciphertext reloaded = CkksSerializer.LoadCiphertext(f.Context, CkksSerializer.Save(rescaled));
        Assert.Equal(1, reloaded.Level);
        Assert.True(SerializationFixture.MaxError(x.Zip(y, (a, b) => a * b).ToArray(), f.Decrypt(reloaded)) < Tolerance);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Public_keys_round_trip_and_encrypt(bool seeds, CkksCompression compression)
    {
        var options = new CkksSerializationOptions { UseSeeds = seeds, Compression = compression };
        byte[] data = CkksSerializer.Save(f.PublicKey, options);
        Assert.Equal(data.Length, CkksSerializer.GetSerializedSize(f.PublicKey, options));
        PublicKey loaded = CkksSerializer.LoadPublicKey(f.Context, data);
        Assert.Equal(f.PublicKey.Data, loaded.Data);
        double[] x = f.Values(7);
        Ciphertext c = new Encryptor(f.Context, loaded).Encrypt(f.Encoder.Encode(x, SerializationFixture.Scale));
        Assert.True(SerializationFixture.MaxError(x, f.Decrypt(c)) < Tolerance);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Relin_keys_round_trip_and_relinearize(bool seeds, CkksCompression compression)
    {
        var options = new CkksSerializationOptions { UseSeeds = seeds, Compression = compression };
        byte[] data = CkksSerializer.Save(f.RelinKeys, options);
        Assert.Equal(data.Length, CkksSerializer.GetSerializedSize(f.RelinKeys, options));
        RelinKeys loaded = CkksSerializer.LoadRelinKeys(f.Context, data);
        for (int j = 0; j < f.RelinKeys.Key.Components.Length; j++)
        {
            Assert.Equal(f.RelinKeys.Key.Components[j], loaded.Key.Components[j]);
        }

        double[] x = f.Values(8), y = f.Values(9);
        Ciphertext product = f.Evaluator.Multiply(f.Encryptor.Encrypt(f.Encoder.Encode(x, SerializationFixture.Scale)), f.Encryptor.Encrypt(f.Encoder.Encode(y, SerializationFixture.Scale)));
        Ciphertext relinearized = f.Evaluator.RescaleToNext(f.Evaluator.Relinearize(product, loaded));
        Assert.True(SerializationFixture.MaxError(x.Zip(y, (a, b) => a * b).ToArray(), f.Decrypt(relinearized)) < Tolerance);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Galois_keys_round_trip_and_rotate(bool seeds, CkksCompression compression)
    {
        var options = new CkksSerializationOptions { UseSeeds = seeds, Compression = compression };
        byte[] data = CkksSerializer.Save(f.GaloisKeys, options);
        Assert.Equal(data.Length, CkksSerializer.GetSerializedSize(f.GaloisKeys, options));
        GaloisKeys loaded = CkksSerializer.LoadGaloisKeys(f.Context, data);
        Assert.Equal(f.GaloisKeys.GaloisElements, loaded.GaloisElements);
        double[] x = f.Values(10);
        Ciphertext c = f.Encryptor.Encrypt(f.Encoder.Encode(x, SerializationFixture.Scale));
        double[] rotated = f.Decrypt(f.Evaluator.RotateVector(c, 3, loaded));
        double[] expected = x.Skip(3).Concat(x.Take(3)).ToArray();
        Assert.True(SerializationFixture.MaxError(expected, rotated) < Tolerance);
        Assert.True(SerializationFixture.MaxError(x, f.Decrypt(f.Evaluator.Conjugate(c, loaded))) < Tolerance);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Galois_keys_round_trip_through_streams_key_by_key(bool seeds, CkksCompression compression)
    {
        var options = new CkksSerializationOptions { UseSeeds = seeds, Compression = compression };
        using var stream = new MemoryStream();
        CkksSerializer.Save(f.GaloisKeys, stream, options);
        CkksSerializer.Save(f.Context.Parameters, stream);
        byte[] expectedBytes = CkksSerializer.Save(f.GaloisKeys, options);
        Assert.True(stream.GetBuffer().AsSpan(0, expectedBytes.Length).SequenceEqual(expectedBytes));
        stream.Position = 0;
        GaloisKeys loaded = CkksSerializer.LoadGaloisKeys(f.Context, stream);
        Assert.Equal(f.GaloisKeys.GaloisElements, loaded.GaloisElements);
        foreach (ulong g in loaded.GaloisElements)
        {
            Assert.True(f.GaloisKeys.TryGet(g, out var expected));
            Assert.True(loaded.TryGet(g, out var actual));
            Assert.All(Enumerable.Range(0, expected.Components.Length), j => Assert.True(expected.Components[j].AsSpan().SequenceEqual(actual.Components[j])));
        }

        Assert.Equal(f.Context.Parameters.CoeffModulus, CkksSerializer.LoadParameters(stream).CoeffModulus);
    }

    [Fact]
    public void Secret_keys_round_trip_only_through_the_named_methods()
    {
        byte[] data = CkksSerializer.SaveSecretKey(f.KeyGenerator.SecretKey);
        Assert.Equal(data.Length, CkksSerializer.GetSerializedSecretKeySize(f.KeyGenerator.SecretKey));
        using SecretKey loaded = CkksSerializer.LoadSecretKey(f.Context, data);
        Assert.Equal(f.KeyGenerator.SecretKey.Data, loaded.Data);
        double[] x = f.Values(11);
        var decryptor = new Decryptor(f.Context, loaded);
        Ciphertext c = f.Encryptor.Encrypt(f.Encoder.Encode(x, SerializationFixture.Scale));
        Assert.True(SerializationFixture.MaxError(x, f.Encoder.Decode(decryptor.Decrypt(c))) < Tolerance);
        Assert.DoesNotContain(typeof(CkksSerializer).GetMethods(), m => !m.Name.Contains("SecretKey", StringComparison.Ordinal) && m.GetParameters().Any(p => p.ParameterType == typeof(SecretKey)));
    }

    [Fact]
    public void Ternary_secret_keys_take_two_bits_per_coefficient_and_others_are_bit_packed()
    {
        Assert.Equal(48 + 1 + (8192 / 4), CkksSerializer.GetSerializedSecretKeySize(f.KeyGenerator.SecretKey));
        using SecretKey other = ValidationTests.NonTernaryKey(f.Context, 3);
        byte[] data = CkksSerializer.SaveSecretKey(other);
        Assert.Equal(48 + 1 + (8192 * (60 + 40 + 40 + 60) / 8), data.Length);
        using SecretKey loaded = CkksSerializer.LoadSecretKey(f.Context, data);
        Assert.Equal(other.Data, loaded.Data);
    }

    [Fact]
    public void Disposed_secret_keys_are_not_saved()
    {
        var generator = new KeyGenerator(f.Context);
        generator.SecretKey.Dispose();
        Assert.Throws<ObjectDisposedException>(() => CkksSerializer.SaveSecretKey(generator.SecretKey));
    }

    [Fact]
    public void Span_and_stream_forms_write_the_same_bytes_and_streams_hold_several_objects()
    {
        Ciphertext c = f.SymmetricEncryptor.Encrypt(f.Encoder.Encode(f.Values(12), SerializationFixture.Scale));
        byte[] expected = CkksSerializer.Save(c);
        var buffer = new byte[expected.Length + 10];
        Assert.False(CkksSerializer.TrySave(c, buffer.AsSpan(0, expected.Length - 1), out int none));
        Assert.Equal(0, none);
        Assert.True(CkksSerializer.TrySave(c, buffer, out int written));
        Assert.Equal(expected, buffer.AsSpan(0, written).ToArray());

        using var stream = new MemoryStream();
        CkksSerializer.Save(f.Context.Parameters, stream);
        CkksSerializer.Save(c, stream);
        CkksSerializer.Save(f.PublicKey, stream, new CkksSerializationOptions { Compression = CkksCompression.ZLib });
        CkksSerializer.SaveSecretKey(f.KeyGenerator.SecretKey, stream);
        stream.Position = 0;
        Assert.Equal(f.Context.Parameters.CoeffModulus, CkksSerializer.LoadParameters(stream).CoeffModulus);
        Assert.Equal(c.Data, CkksSerializer.LoadCiphertext(f.Context, stream).Data);
        Assert.Equal(f.PublicKey.Data, CkksSerializer.LoadPublicKey(f.Context, stream).Data);
        Assert.Equal(f.KeyGenerator.SecretKey.Data, CkksSerializer.LoadSecretKey(f.Context, stream).Data);
        Assert.Equal(stream.Length, stream.Position);
    }
}
