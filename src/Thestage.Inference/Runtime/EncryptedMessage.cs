using System.Buffers.Binary;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Runtime;

/// <summary>
/// The wire form of encrypted inputs and outputs: "TSIM", version, packing, value count per sample, sample count,
/// ciphertext count, then each ciphertext in the CKKS format. Every count is checked against the plan before anything
/// is allocated.
/// </summary>
internal static class EncryptedMessage
{
    private static readonly byte[] Magic = "TSIM"u8.ToArray();
    private const byte Version = 1;
    private const int HeaderLength = 4 + 1 + 1 + 4 + 4 + 4;

    public static byte[] Write(TensorPacking packing, int length, int samples, IReadOnlyList<Ciphertext> ciphertexts, CkksSerializationOptions? options = null)
    {
        using var stream = new MemoryStream();
        Span<byte> header = stackalloc byte[HeaderLength];
        Magic.CopyTo(header);
        header[4] = Version;
        header[5] = (byte)packing;
        BinaryPrimitives.WriteInt32LittleEndian(header[6..], length);
        BinaryPrimitives.WriteInt32LittleEndian(header[10..], samples);
        BinaryPrimitives.WriteInt32LittleEndian(header[14..], ciphertexts.Count);
        stream.Write(header);
        foreach (Ciphertext c in ciphertexts)
        {
            CkksSerializer.Save(c, stream, options);
        }

        return stream.ToArray();
    }

    /// <summary>Reads a message; the packing and the counts must be exactly the expected ones.</summary>
    public static Ciphertext[] Read(CkksContext context, ReadOnlySpan<byte> data, TensorPacking packing, int length, int maxSamples, out int samples)
    {
        if (data.Length < HeaderLength || !data[..4].SequenceEqual(Magic) || data[4] != Version)
        {
            throw new CkksFormatException("Not an encrypted message (magic \"TSIM\", version 1).");
        }

        if (data[5] != (byte)packing)
        {
            throw new CkksFormatException($"The message is packed as {(TensorPacking)data[5]}; the plan expects {packing}.");
        }

        int declaredLength = BinaryPrimitives.ReadInt32LittleEndian(data[6..]);
        samples = BinaryPrimitives.ReadInt32LittleEndian(data[10..]);
        int count = BinaryPrimitives.ReadInt32LittleEndian(data[14..]);
        int slots = context.SlotCount;
        int expected = packing == TensorPacking.Batch ? length : (length + slots - 1) / slots;
        if (declaredLength != length || samples < 1 || samples > maxSamples || count != expected)
        {
            throw new CkksFormatException($"The message declares {declaredLength} values × {samples} samples in {count} ciphertexts; the plan expects {length} values, 1…{maxSamples} samples, {expected} ciphertexts.");
        }

        using var stream = new MemoryStream(data[HeaderLength..].ToArray(), writable: false);
        var result = new Ciphertext[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = CkksSerializer.LoadCiphertext(context, stream);
        }

        if (stream.Position != stream.Length)
        {
            throw new CkksFormatException($"{stream.Length - stream.Position} bytes follow the message.");
        }

        return result;
    }
}
