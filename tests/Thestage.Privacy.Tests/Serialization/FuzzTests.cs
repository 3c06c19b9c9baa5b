using System.Buffers.Binary;
using System.IO.Compression;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;
using Thestage.Privacy.Tensors;
using Xunit.Abstractions;

namespace Thestage.Privacy.Tests.Serialization;

/// <summary>
/// Thousands of truncated, bit-flipped, field-overwritten and random inputs for every loader (vectors and tensors
/// included), and valid compressed streams (Brotli or zlib, correctly framed) of mutated payloads, from a fixed seed:
/// each must either load or throw <see cref="CkksFormatException"/>, nothing else. A small ring (N = 1024, no
/// security check) keeps every case small, so each one is bounded in time and memory.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int CasesPerSample = 350;

    /// <summary>
    /// Far above what any valid object of this small ring needs (the largest, the Galois keys, is ~0.2 MB once
    /// loaded) and far below what the hostile length fields ask for (up to 2^63 bytes).
    /// </summary>
    private const long MaxAllocationPerCase = 4 << 20;
    private static readonly CkksContext Context = new(new CkksParameters(1024, [40, 30, 40]), SecurityLevel.None);

    private sealed record Target(string Name, Func<byte[], object> LoadSpan, Func<Stream, object> LoadStream, byte[][] Samples);

    [Fact]
    public void Every_loader_accepts_or_throws_only_the_format_exception()
    {
        Target[] targets = Targets();
        var random = new Random(20261123);
        var failures = new List<string>();
        int accepted = 0, rejected = 0;
        long maxAllocated = 0;
        foreach (Target target in targets)
        {
            foreach (byte[] sample in target.Samples)
            {
                for (int i = 0; i < CasesPerSample; i++)
                {
                    int mode = i % 9;
                    byte[] input = Mutate(sample, mode, random);
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    Run(target, input, useStream: i % 3 == 0, ref accepted, ref rejected, failures, $"mode {mode}");
                    long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    maxAllocated = Math.Max(maxAllocated, allocated);
                    if (allocated > MaxAllocationPerCase)
                    {
                        failures.Add($"{target.Name} (mode {mode}, {input.Length} bytes) allocated {allocated:N0} bytes.");
                    }
                }
            }

            foreach (Target other in targets)
            {
                Run(target, other.Samples[0], useStream: false, ref accepted, ref rejected, failures, $"{other.Name} data");
            }
        }

        output.WriteLine($"{accepted + rejected + failures.Count} cases: {accepted} loaded, {rejected} refused with CkksFormatException, {failures.Count} failures; at most {maxAllocated:N0} bytes allocated by one case.");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
        Assert.True(accepted > 100 && rejected > 1000, $"accepted {accepted}, rejected {rejected}");
    }

    private static void Run(Target target, byte[] input, bool useStream, ref int accepted, ref int rejected, List<string> failures, string what)
    {
        try
        {
            object loaded = useStream ? target.LoadStream(new MemoryStream(input, writable: false)) : target.LoadSpan(input);
            (loaded as IDisposable)?.Dispose();
            accepted++;
        }
        catch (CkksFormatException)
        {
            rejected++;
        }
        catch (Exception e)
        {
            failures.Add($"{target.Name} ({what}, {input.Length} bytes, {(useStream ? "stream" : "span")}): {e.GetType().Name}: {e.Message}");
        }
    }

    private static byte[] Mutate(byte[] sample, int mode, Random random)
    {
        byte[] data = (byte[])sample.Clone();
        switch (mode)
        {
            case 0: // truncation
                return data.AsSpan(0, random.Next(data.Length)).ToArray();
            case 1: // a few bit flips anywhere
                for (int k = random.Next(1, 5); k > 0; k--)
                {
                    data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                }

                return data;
            case 2: // bit flips in the header and the leading payload fields
                for (int k = random.Next(1, 3); k > 0; k--)
                {
                    data[random.Next(Math.Min(data.Length, 72))] ^= (byte)(1 << random.Next(8));
                }

                return data;
            case 3: // an aligned 4- or 8-byte field overwritten with a random or extreme value
            {
                int offset = random.Next(Math.Min(data.Length, 80) / 4) * 4;
                ulong value = random.Next(4) switch { 0 => 0, 1 => ulong.MaxValue, 2 => (ulong)random.Next(16), _ => (ulong)random.NextInt64() };
                int width = offset + 8 <= data.Length && random.Next(2) == 0 ? 8 : 4;
                if (width == 8)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(offset), value);
                }
                else if (offset + 4 <= data.Length)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(offset), (uint)value);
                }

                return data;
            }

            case 4: // random bytes
            {
                var bytes = new byte[random.Next(2000)];
                random.NextBytes(bytes);
                return bytes;
            }

            case 5: // the sample's header, framing kept consistent, random payload of random length
            {
                var bytes = new byte[48 + random.Next(data.Length)];
                random.NextBytes(bytes);
                data.AsSpan(0, Math.Min(48, data.Length)).CopyTo(bytes);
                bytes[7] = 0;
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(32), bytes.Length - 48);
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(40), bytes.Length - 48);
                return bytes;
            }

            case 7: // a valid compressed stream of the sample's payload with bit flips or an overwritten leading field
            case 8: // a valid compressed stream of a truncated or extended payload
            {
                byte[] raw = RawPayload(data);
                if (mode == 7)
                {
                    for (int k = random.Next(1, 4); k > 0 && raw.Length > 0; k--)
                    {
                        int at = random.Next(2) == 0 ? random.Next(Math.Min(raw.Length, 40)) : random.Next(raw.Length);
                        raw[at] = random.Next(3) == 0 ? (byte)0xFF : (byte)(raw[at] ^ (1 << random.Next(8)));
                    }
                }
                else
                {
                    raw = random.Next(2) == 0 ? raw.AsSpan(0, random.Next(raw.Length + 1)).ToArray() : [.. raw, .. new byte[random.Next(1, 4096)]];
                }

                var compression = (CkksCompression)random.Next(1, 3);
                using var output = new MemoryStream();
                using (Stream encoder = compression == CkksCompression.Brotli
                    ? new BrotliStream(output, CompressionLevel.Fastest)
                    : new ZLibStream(output, CompressionLevel.Fastest))
                {
                    encoder.Write(raw);
                }

                byte[] framed = [.. data.AsSpan(0, Math.Min(48, data.Length)), .. output.ToArray()];
                framed[7] = (byte)compression;
                BinaryPrimitives.WriteInt64LittleEndian(framed.AsSpan(32), framed.Length - 48);
                BinaryPrimitives.WriteInt64LittleEndian(framed.AsSpan(40), raw.Length);
                return framed;
            }

            default: // the sample's header claiming a compressed random payload and a random raw length
            {
                var bytes = new byte[48 + random.Next(1, 600)];
                random.NextBytes(bytes);
                data.AsSpan(0, Math.Min(48, data.Length)).CopyTo(bytes);
                bytes[7] = (byte)random.Next(1, 3);
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(32), bytes.Length - 48);
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(40), bytes.Length - 48 + random.Next(1, 1 << 20));
                return bytes;
            }
        }
    }

    /// <summary>The sample's payload, decompressed when the sample is compressed.</summary>
    private static byte[] RawPayload(byte[] sample)
    {
        byte[] payload = sample.AsSpan(48).ToArray();
        if (sample[7] == 0)
        {
            return payload;
        }

        using Stream decoder = sample[7] == (byte)CkksCompression.Brotli
            ? new BrotliStream(new MemoryStream(payload), CompressionMode.Decompress)
            : new ZLibStream(new MemoryStream(payload), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        decoder.CopyTo(raw);
        return raw.ToArray();
    }

    private static Target[] Targets()
    {
        var keys = new KeyGenerator(Context);
        var encoder = new CkksEncoder(Context);
        var evaluator = new Evaluator(Context);
        Plaintext plaintext = encoder.Encode(0.5, 1 << 20, 1);
        Ciphertext symmetric = new Encryptor(Context, keys.SecretKey).Encrypt(plaintext);
        Ciphertext product = evaluator.Multiply(symmetric, symmetric);
        PublicKey publicKey = keys.CreatePublicKey();
        RelinKeys relinKeys = keys.CreateRelinKeys();
        GaloisKeys galoisKeys = keys.CreateGaloisKeys([1], includeConjugation: true);
        var plain = new CkksSerializationOptions { UseSeeds = false };
        var brotli = new CkksSerializationOptions { Compression = CkksCompression.Brotli };
        var zlib = new CkksSerializationOptions { UseSeeds = false, Compression = CkksCompression.ZLib };
        var tensors = new TensorContext(Context, 1 << 20);
        var symmetricEncryptor = new Encryptor(Context, keys.SecretKey);
        double[] values = Enumerable.Range(0, 700).Select(i => Math.Sin(i) / 2).ToArray();
        CkksVector seededVector = CkksVector.Encrypt(tensors, symmetricEncryptor, values);
        CkksVector publicVector = CkksVector.Encrypt(tensors, new Encryptor(Context, publicKey), values.AsSpan(0, 30));
        CkksTensor batch = CkksTensor.Encrypt(tensors, symmetricEncryptor, values.AsSpan(0, 6), [3, 2], TensorPacking.Batch);
        CkksTensor rowMajor = CkksTensor.Encrypt(tensors, symmetricEncryptor, values.AsSpan(0, 24), [2, 3, 4]);
        return
        [
            new("parameters", d => CkksSerializer.LoadParameters(d), s => CkksSerializer.LoadParameters(s),
                [CkksSerializer.Save(Context.Parameters), CkksSerializer.Save(Context.Parameters, zlib)]),
            new("plaintext", d => CkksSerializer.LoadPlaintext(Context, d), s => CkksSerializer.LoadPlaintext(Context, s),
                [CkksSerializer.Save(plaintext), CkksSerializer.Save(plaintext, brotli)]),
            new("ciphertext", d => CkksSerializer.LoadCiphertext(Context, d), s => CkksSerializer.LoadCiphertext(Context, s),
                [CkksSerializer.Save(symmetric), CkksSerializer.Save(symmetric, plain), CkksSerializer.Save(product, zlib)]),
            new("public key", d => CkksSerializer.LoadPublicKey(Context, d), s => CkksSerializer.LoadPublicKey(Context, s),
                [CkksSerializer.Save(publicKey), CkksSerializer.Save(publicKey, plain)]),
            new("relin keys", d => CkksSerializer.LoadRelinKeys(Context, d), s => CkksSerializer.LoadRelinKeys(Context, s),
                [CkksSerializer.Save(relinKeys), CkksSerializer.Save(relinKeys, zlib)]),
            new("Galois keys", d => CkksSerializer.LoadGaloisKeys(Context, d), s => CkksSerializer.LoadGaloisKeys(Context, s),
                [CkksSerializer.Save(galoisKeys), CkksSerializer.Save(galoisKeys, plain)]),
            new("secret key", d => CkksSerializer.LoadSecretKey(Context, d), s => CkksSerializer.LoadSecretKey(Context, s),
                [CkksSerializer.SaveSecretKey(keys.SecretKey), CkksSerializer.SaveSecretKey(ValidationTests.NonTernaryKey(Context, 1))]),
            new("vector", d => CkksSerializer.LoadVector(tensors, d), s => CkksSerializer.LoadVector(tensors, s),
                [CkksSerializer.Save(seededVector), CkksSerializer.Save(publicVector), CkksSerializer.Save(seededVector, zlib)]),
            new("tensor", d => CkksSerializer.LoadTensor(tensors, d), s => CkksSerializer.LoadTensor(tensors, s),
                [CkksSerializer.Save(batch), CkksSerializer.Save(rowMajor, plain), CkksSerializer.Save(batch, brotli)]),
        ];
    }
}
