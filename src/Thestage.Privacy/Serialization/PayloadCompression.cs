using System.IO.Compression;

namespace Thestage.Privacy.Serialization;

/// <summary>Compresses payloads with zlib or Brotli, and decompresses them under a hard output cap.</summary>
internal static class PayloadCompression
{
    private const int BrotliQuality = 5;
    private const int BrotliWindow = 22;

    /// <summary>The compressed payload, or null when compressing does not make it smaller.</summary>
    public static byte[]? Compress(ReadOnlySpan<byte> raw, CkksCompression mode)
    {
        if (raw.Length < 2)
        {
            return null;
        }

        if (mode == CkksCompression.Brotli)
        {
            byte[] buffer = GC.AllocateUninitializedArray<byte>(raw.Length - 1);
            return BrotliEncoder.TryCompress(raw, buffer, out int written, BrotliQuality, BrotliWindow)
                ? buffer.AsSpan(0, written).ToArray()
                : null;
        }

        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        return output.Length < raw.Length ? output.ToArray() : null;
    }

    /// <summary>
    /// Decompresses exactly <paramref name="rawLength"/> bytes. The output buffer grows with what the data really
    /// decompresses to, never beyond <paramref name="rawLength"/> (itself capped by the parameters), so a hostile
    /// length field or a decompression bomb cannot make it allocate more.
    /// </summary>
    public static byte[] Decompress(byte[] payload, int payloadLength, CkksCompression mode, int rawLength)
    {
        using var input = new MemoryStream(payload, 0, payloadLength, writable: false);
        try
        {
            using Stream decoder = mode == CkksCompression.Brotli
                ? new BrotliStream(input, CompressionMode.Decompress)
                : new ZLibStream(input, CompressionMode.Decompress);
            byte[] buffer = new byte[(int)Math.Min(rawLength, 4L * payloadLength + 4096)];
            int filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (filled == rawLength)
                    {
                        Span<byte> probe = stackalloc byte[1];
                        if (decoder.Read(probe) != 0)
                        {
                            throw new CkksFormatException($"The compressed payload decompresses to more than the declared {rawLength} bytes.");
                        }

                        return buffer;
                    }

                    Array.Resize(ref buffer, (int)Math.Min(rawLength, 2L * buffer.Length));
                }

                int read = decoder.Read(buffer, filled, buffer.Length - filled);
                if (read == 0)
                {
                    throw new CkksFormatException($"The compressed payload decompresses to {filled} bytes, not the declared {rawLength}.");
                }

                filled += read;
            }
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException)
        {
            // zlib reports corrupt data with InvalidDataException, Brotli with InvalidOperationException.
            throw new CkksFormatException($"The {mode}-compressed payload is corrupt: {e.Message}", e);
        }
    }
}
