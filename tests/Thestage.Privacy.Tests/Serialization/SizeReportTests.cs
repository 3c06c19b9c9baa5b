using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;
using Xunit.Abstractions;

namespace Thestage.Privacy.Tests.Serialization;

/// <summary>
/// Serialized sizes at N = 8192, {60, 40, 40, 60}, plain, seeded and compressed, printed next to SEAL 4.1's
/// (uncompressed) sizes, and checked against the layout: 48-byte header, limbs packed to 60 + 40 + 40 (+ 60) bits.
/// </summary>
public sealed class SizeReportTests(SerializationFixture f, ITestOutputHelper output) : IClassFixture<SerializationFixture>
{
    private const int N = 8192;
    private const int Header = 48;
    private const long DataPoly = N * (60 + 40 + 40) / 8;   // a ciphertext polynomial at the top level
    private const long KeyPoly = N * (60 + 40 + 40 + 60) / 8; // a key-level polynomial

    private static readonly CkksSerializationOptions Plain = new() { UseSeeds = false };
    private static readonly CkksSerializationOptions Seeded = new();

    [Fact]
    public void Sizes_follow_the_layout_and_are_reported()
    {
        Ciphertext symmetric = f.SymmetricEncryptor.Encrypt(f.Encoder.Encode(f.Values(1), SerializationFixture.Scale));
        GaloisKeys allRotations = f.KeyGenerator.CreateGaloisKeys();
        Assert.Equal(24, allRotations.Count); // ±1, ±2, …, ±1024, 2048 (= −2048) and conjugation

        long ciphertext = Report("ciphertext (level 2)", c => CkksSerializer.GetSerializedSize(symmetric, c), Plain, 393_329);
        long ciphertextSeeded = Report("ciphertext, seeded", c => CkksSerializer.GetSerializedSize(symmetric, c), Seeded, 196_802);
        long publicKey = Report("public key", c => CkksSerializer.GetSerializedSize(f.PublicKey, c), Plain, 524_401);
        long publicKeySeeded = Report("public key, seeded", c => CkksSerializer.GetSerializedSize(f.PublicKey, c), Seeded, null);
        long relin = Report("relin keys", c => CkksSerializer.GetSerializedSize(f.RelinKeys, c), Plain, 1_573_267);
        long relinSeeded = Report("relin keys, seeded", c => CkksSerializer.GetSerializedSize(f.RelinKeys, c), Seeded, 787_078);
        long galois = Report("Galois keys (24: ±2^k, conj.)", c => CkksSerializer.GetSerializedSize(allRotations, c), Plain, null, compress: false);
        long galoisSeeded = Report("Galois keys, seeded", c => CkksSerializer.GetSerializedSize(allRotations, c), Seeded, null, compress: false);
        long secret = CkksSerializer.GetSerializedSecretKeySize(f.KeyGenerator.SecretKey);
        output.WriteLine($"{"secret key (2-bit ternary)",-32}{secret,12:N0}");

        Assert.Equal(Header + 16 + (2 * DataPoly), ciphertext);
        Assert.Equal(Header + 16 + DataPoly + 32, ciphertextSeeded);
        Assert.Equal(Header + (2 * KeyPoly), publicKey);
        Assert.Equal(Header + KeyPoly + 32, publicKeySeeded);
        Assert.Equal(Header + 4 + (3 * 2 * KeyPoly), relin);
        Assert.Equal(Header + 4 + (3 * (KeyPoly + 32)), relinSeeded);
        Assert.Equal(Header + 4 + (24 * (8 + (3 * 2 * KeyPoly))), galois);
        Assert.Equal(Header + 4 + (24 * (8 + (3 * (KeyPoly + 32)))), galoisSeeded);
        Assert.Equal(Header + 1 + (N / 4), secret); // ternary form: 2 bits per coefficient
    }

    [Fact]
    public void Compression_of_packed_uniform_residues_is_reported_and_never_grows_the_output()
    {
        Ciphertext c = f.Encryptor.Encrypt(f.Encoder.Encode(f.Values(2), SerializationFixture.Scale));
        byte[] raw = CkksSerializer.Save(c, Plain).AsSpan(Header).ToArray();
        foreach (CkksCompression mode in new[] { CkksCompression.ZLib, CkksCompression.Brotli })
        {
            byte[]? compressed = PayloadCompression.Compress(raw, mode);
            output.WriteLine($"ciphertext payload {raw.Length:N0} B, {mode}: {(compressed is null ? "no smaller, stored uncompressed" : $"{compressed.Length:N0} B")}");
            Assert.Equal(CkksSerializer.GetSerializedSize(c, Plain), CkksSerializer.GetSerializedSize(c, new CkksSerializationOptions { UseSeeds = false, Compression = mode }));
        }

        // A plaintext of zeros would compress about 2000:1, beyond the loaders' ratio limit (a decompression bomb looks
        // the same), so it is stored uncompressed.
        Plaintext constant = f.Encoder.Encode(0.0, SerializationFixture.Scale);
        long plain = CkksSerializer.GetSerializedSize(constant);
        long brotli = CkksSerializer.GetSerializedSize(constant, new CkksSerializationOptions { Compression = CkksCompression.Brotli });
        output.WriteLine($"plaintext of zeros: {plain:N0} B, with Brotli asked for {brotli:N0} B (ratio above {CkksLoadOptions.MaxCompressionRatio}: stored uncompressed)");
        Assert.Equal(plain, brotli);
        Assert.Equal(constant.Data, CkksSerializer.LoadPlaintext(f.Context, CkksSerializer.Save(constant, new CkksSerializationOptions { Compression = CkksCompression.Brotli })).Data);
    }

    /// <summary>Prints the size, with zlib and Brotli unless <paramref name="compress"/> is false (the 29 MB Galois keys: slow, and no different).</summary>
    private long Report(string name, Func<CkksSerializationOptions, long> size, CkksSerializationOptions options, long? seal, bool compress = true)
    {
        long bytes = size(options);
        string compressed = string.Empty;
        if (compress)
        {
            long zlib = size(new CkksSerializationOptions { UseSeeds = options.UseSeeds, Compression = CkksCompression.ZLib });
            long brotli = size(new CkksSerializationOptions { UseSeeds = options.UseSeeds, Compression = CkksCompression.Brotli });
            Assert.True(zlib <= bytes && brotli <= bytes);
            compressed = $"   zlib {zlib,12:N0}   Brotli {brotli,12:N0}";
        }

        string sealText = seal is null ? string.Empty : $"   SEAL {seal:N0} ({100.0 * bytes / seal:F0} %)";
        output.WriteLine($"{name,-32}{bytes,12:N0}{compressed}{sealText}");
        return bytes;
    }
}
