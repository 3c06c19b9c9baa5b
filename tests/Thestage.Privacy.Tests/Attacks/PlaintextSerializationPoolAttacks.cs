using System.Buffers;
using System.IO.Compression;
using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;

namespace Thestage.Privacy.Tests.Attacks;

/// <summary>
/// A sequel to item 1 of issue 10: a decrypted plaintext m = c₀ + c₁·s is as secret as the key whenever its ciphertext is
/// known (s = (m − c₀)·c₁⁻¹ in NTT form), yet saving one went through <see cref="ArrayPool{T}.Shared"/> uncleared — the
/// payload buffer of a save to a stream, the raw buffer of a compressed save, and zlib's own pooled output buffer. The
/// next <c>Rent</c> of that size on the thread returned the bit-packed decryption, and the key with it.
/// </summary>
/// <remarks>The attack rents byte arrays of every size up to 1 MiB after the save, reads each as a plaintext payload and
/// solves for s limb by limb; it also looks for the last 32 bytes of the compressed payload (zlib's pooled output).</remarks>
[Collection(nameof(SharedPoolCollection))]
public sealed class PlaintextSerializationPoolAttacks
{
    private const int N = 4096;
    private const double Scale = 1L << 30;
    private static readonly CkksContext Context = new(new CkksParameters(N, [50, 40, 40, 50]), SecurityLevel.None);

    public static TheoryData<string> Saves => ["to a stream", "with zlib", "with zlib to a stream", "with Brotli", "asynchronously to a stream"];

    [Theory]
    [MemberData(nameof(Saves))]
    public void SecretKeyRecoveredFromSharedPool_AfterSavingADecryption_Fails(string save)
    {
        var keys = new KeyGenerator(Context);
        var encoder = new CkksEncoder(Context);
        var random = new Random(save.Length);
        Ciphertext c = new Encryptor(Context, keys.SecretKey).Encrypt(encoder.Encode([.. Enumerable.Range(0, N / 2).Select(_ => random.NextDouble())], Scale));
        Plaintext m = new Decryptor(Context, keys.SecretKey).Decrypt(c);
        byte[] raw = CkksSerializer.Save(m)[48..];   // the payload after the 48-byte header
        byte[] zlibTail = ZLibTail(raw);
        Scrub();

        var options = new CkksSerializationOptions { Compression = save.Contains("zlib", StringComparison.Ordinal) ? CkksCompression.ZLib : save.Contains("Brotli", StringComparison.Ordinal) ? CkksCompression.Brotli : CkksCompression.None };
        if (save.StartsWith("asynchronously", StringComparison.Ordinal))
        {
            // A memory stream completes every write synchronously: the save runs on this thread, as the attack's rents do.
            Assert.True(CkksSerializer.SaveAsync(m, new MemoryStream(), options).IsCompletedSuccessfully);
        }
        else if (save.EndsWith("to a stream", StringComparison.Ordinal))
        {
            CkksSerializer.Save(m, new MemoryStream(), options);
        }
        else
        {
            CkksSerializer.Save(m, options);
        }

        List<string> findings = Attack(c, keys.SecretKey, raw.Length, zlibTail);
        Assert.True(findings.Count == 0, $"After saving a decryption {save}: " + string.Join("; ", findings.Distinct()));
    }

    private static List<string> Attack(Ciphertext c, SecretKey key, int payloadLength, byte[] zlibTail)
    {
        var findings = new List<string>();
        var rented = new List<byte[]>();
        for (int size = 1024; size <= 1 << 20; size *= 2)
        {
            for (int k = 0; k < 4; k++)
            {
                byte[] array = ArrayPool<byte>.Shared.Rent(size);
                rented.Add(array);
                if (array.Length >= payloadLength && Recovers(array.AsSpan(0, payloadLength), c, key))
                {
                    findings.Add($"the bit-packed decryption in a byte[{array.Length}]: s = (m − c₀)·c₁⁻¹");
                }

                if (array.AsSpan().IndexOf(zlibTail) >= 0)
                {
                    findings.Add($"the zlib-compressed decryption in a byte[{array.Length}]");
                }
            }
        }

        foreach (byte[] array in rented)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        return findings;
    }

    // Reads the bytes as a plaintext payload and checks (m − c₀)·c₁⁻¹ = s on every limb.
    private static bool Recovers(ReadOnlySpan<byte> bytes, Ciphertext c, SecretKey key)
    {
        Plaintext m;
        try
        {
            m = ObjectDecoder.ReadPlaintext(Context, bytes);
        }
        catch (CkksFormatException)
        {
            return false;
        }

        if (m.Level != c.Level)
        {
            return false;
        }

        for (int i = 0; i <= c.Level; i++)
        {
            Modulus q = Context.KeyModuli[i];
            ReadOnlySpan<ulong> mi = m.Limb(i), c0 = c.Limb(0, i), c1 = c.Limb(1, i), s = key.Data.AsSpan(i * N, N);
            for (int x = 0; x < N; x++)
            {
                if (c1[x] == 0 || ModArith.Multiply(ModArith.Sub(mi[x], c0[x], q.Value), ModArith.Inverse(c1[x], q.Value), q) != s[x])
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static byte[] ZLibTail(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        return output.ToArray()[^32..];
    }

    /// <summary>Wipes what the byte pool holds on this thread, so that findings belong to the save.</summary>
    private static void Scrub()
    {
        var rented = new List<byte[]>();
        for (int size = 1024; size <= 1 << 20; size *= 2)
        {
            for (int k = 0; k < 4; k++)
            {
                byte[] array = ArrayPool<byte>.Shared.Rent(size);
                Array.Clear(array);
                rented.Add(array);
            }
        }

        foreach (byte[] array in rented)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
