using System.Buffers.Binary;
using System.IO.Compression;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;
using Thestage.Privacy.Tensors;

namespace Thestage.Privacy.Tests.Attacks;

/// <summary>
/// Item 2 of issue 10: vectors, tensors and Galois keys were capped only by the largest array, and a compressed payload
/// was decompressed whole before it was parsed: a 3,186-byte Brotli input to <c>LoadTensor</c> allocated 4.2 GB and ran
/// 8 s. The attacks here are valid compressed streams with hostile content (the existing fuzz cases fed only invalid
/// ones).
/// </summary>
public sealed class DecompressionBombAttacks
{
    private const int Header = 48;
    private const int CiphertextCount = 14_000;
    private static readonly CkksContext Context = new(new CkksParameters(1024, [40, 30, 40]), SecurityLevel.None);
    private static readonly TensorContext Tensors = new(Context, 1 << 20);
    private static readonly Lazy<byte[]> Bomb = new(BuildBomb);

    [Fact]
    public void BrotliBombToLoadTensor_AllocatesHundredsOfMegabytes_Fails()
    {
        byte[] bomb = Bomb.Value;
        long declared = BinaryPrimitives.ReadInt64LittleEndian(bomb.AsSpan(40));
        Assert.True(declared > 250_000_000 && bomb.Length < 1_000_000, $"{bomb.Length:N0} bytes declaring {declared:N0}");

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadTensor(Tensors, bomb));
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadTensor(Tensors, new MemoryStream(bomb)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("decompression bomb", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 4 * bomb.Length + 100_000, $"{allocated:N0} bytes allocated for a {bomb.Length:N0}-byte input");

        // The same content is a valid tensor: only a caller who raises the limit for a trusted source gets it.
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadTensor(Tensors, bomb, new CkksLoadOptions { MaxDecompressedBytes = long.MaxValue }));
    }

    [Fact]
    public void CompressedObjectAboveTheCallersLimit_IsDecompressed_Fails()
    {
        Ciphertext c = new Encryptor(Context, new KeyGenerator(Context).SecretKey).Encrypt(new CkksEncoder(Context).Encode([0.5], 1 << 20));
        c.Poly(1).Clear(); // a valid ciphertext whose payload compresses about 2:1
        byte[] plain = CkksSerializer.Save(c, new CkksSerializationOptions { UseSeeds = false });
        byte[] compressed = Recompress(plain, plain.AsSpan(Header).ToArray());
        long raw = plain.Length - Header;
        Assert.Equal(c.Data, CkksSerializer.LoadCiphertext(Context, compressed).Data);
        var tight = new CkksLoadOptions { MaxDecompressedBytes = raw - 1 };
        Assert.Contains("load limit", Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadCiphertext(Context, compressed, tight)).Message, StringComparison.Ordinal);
        Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadCiphertext(Context, new MemoryStream(compressed), tight));
    }

    [Fact]
    public void HostileCiphertextInACompressedTensor_FoundOnlyAfterDecompressingAll_Fails()
    {
        // 64 ciphertexts with uniform c₀ and zero c₁ (compressing about 2:1, well within the ratio limit), the second with
        // a coefficient above its prime.
        var keys = new KeyGenerator(Context);
        CkksVector vector = CkksVector.Encrypt(Tensors, new Encryptor(Context, keys.SecretKey), new double[64 * Tensors.SlotCount]);
        byte[] plain = CkksSerializer.Save(vector, new CkksSerializationOptions { UseSeeds = false });
        byte[] raw = plain.AsSpan(Header).ToArray();
        int ciphertextSize = (raw.Length - 8) / 64, polySize = (ciphertextSize - 16) / 2;
        for (int i = 0; i < 64; i++)
        {
            raw.AsSpan(8 + (i * ciphertextSize) + 16 + polySize, polySize).Clear();
        }

        raw.AsSpan(8 + ciphertextSize + 16, 5).Fill(0xFF); // ciphertext 1, limb 0, coefficient 0: all 40 bits set ≥ q₀
        byte[] hostile = Recompress(plain, raw);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CkksFormatException>(() => CkksSerializer.LoadVector(Tensors, hostile));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("not below its modulus", e.Message, StringComparison.Ordinal);
        // One copy of the compressed input and two ciphertexts' buffers; never the decompressed payload beside it.
        Assert.True(allocated < hostile.Length + raw.Length / 2, $"{allocated:N0} bytes allocated; the decompressed payload is {raw.Length:N0}");
    }

    [Fact]
    public void ZeroPlaintextSavedCompressed_RefusedByItsOwnLoader_Fails()
    {
        // A plaintext of zeros compresses about 2000:1; the saver keeps it uncompressed, so the default limits load it.
        Plaintext zeros = new CkksEncoder(Context).Encode(0.0, 1 << 20);
        byte[] data = CkksSerializer.Save(zeros, new CkksSerializationOptions { Compression = CkksCompression.Brotli });
        Assert.Equal((byte)CkksCompression.None, data[7]);
        Assert.Equal(zeros.Data, CkksSerializer.LoadPlaintext(Context, data).Data);
    }

    /// <summary>A Brotli tensor of 14,000 valid all-zero ciphertexts (≈ 251 MB raw), compressed to a few kilobytes.</summary>
    private static byte[] BuildBomb()
    {
        Ciphertext template = new Encryptor(Context, new KeyGenerator(Context).SecretKey).Encrypt(new CkksEncoder(Context).Encode([0.0], 1 << 20));
        byte[] one = CkksSerializer.Save(template, new CkksSerializationOptions { UseSeeds = false }).AsSpan(Header).ToArray();
        one.AsSpan(16).Clear(); // keep size, level and scale; every coefficient 0
        var prefix = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(prefix, 1);                                           // rank
        BinaryPrimitives.WriteUInt32LittleEndian(prefix.AsSpan(4), (uint)(CiphertextCount * Tensors.SlotCount)); // shape
        BinaryPrimitives.WriteUInt32LittleEndian(prefix.AsSpan(8), 0);                                 // row-major
        BinaryPrimitives.WriteUInt32LittleEndian(prefix.AsSpan(12), CiphertextCount);
        using var output = new MemoryStream();
        using (var brotli = new BrotliStream(output, CompressionLevel.Fastest))
        {
            brotli.Write(prefix);
            for (int i = 0; i < CiphertextCount; i++)
            {
                brotli.Write(one);
            }
        }

        byte[] header = CkksSerializer.Save(CkksTensor.Encrypt(Tensors, new Encryptor(Context, new KeyGenerator(Context).SecretKey), [0.0], [1])).AsSpan(0, Header).ToArray();
        return Frame(header, output.ToArray(), prefix.Length + ((long)CiphertextCount * one.Length));
    }

    private static byte[] Recompress(byte[] original, byte[] raw)
    {
        using var output = new MemoryStream();
        using (var brotli = new BrotliStream(output, CompressionLevel.Fastest))
        {
            brotli.Write(raw);
        }

        return Frame(original, output.ToArray(), raw.Length);
    }

    private static byte[] Frame(byte[] original, byte[] payload, long rawLength)
    {
        byte[] data = [.. original.AsSpan(0, Header), .. payload];
        data[7] = (byte)CkksCompression.Brotli;
        data[8] = 0; // not seeded
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(32), payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(40), rawLength);
        return data;
    }
}
