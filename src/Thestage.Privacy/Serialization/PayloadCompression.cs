using System.IO.Compression;

namespace Thestage.Privacy.Serialization;

/// <summary>
/// Compresses payloads with zlib or Brotli — only within <see cref="CkksLoadOptions"/>' default limits, so that whatever
/// is saved loads — and opens compressed payloads as streams capped at their declared length.
/// </summary>
internal static class PayloadCompression
{
    private const int BrotliQuality = 5;
    private const int BrotliWindow = 22;

    /// <summary>
    /// The compressed payload, or null when compressing does not make it smaller, or when the loaders' default limits
    /// would refuse it (a raw payload above <see cref="CkksLoadOptions.DefaultMaxDecompressedBytes"/>, or a ratio above
    /// <see cref="CkksLoadOptions.MaxCompressionRatio"/>: only degenerate data, such as a plaintext of zeros, gets there).
    /// </summary>
    public static byte[]? Compress(ReadOnlySpan<byte> raw, CkksCompression mode)
    {
        if (raw.Length < 2 || raw.Length > CkksLoadOptions.DefaultMaxDecompressedBytes)
        {
            return null;
        }

        byte[]? compressed = CompressAny(raw, mode);
        return compressed is not null && WithinRatio(raw.Length, compressed.Length) ? compressed : null;
    }

    private static byte[]? CompressAny(ReadOnlySpan<byte> raw, CkksCompression mode)
    {
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
    /// Opens <paramref name="payload"/> for reading as the <paramref name="rawLength"/> bytes it decompresses to. The
    /// stream never yields more than that, reports corrupt data as <see cref="CkksFormatException"/>, and
    /// <see cref="DecompressedStream.ExpectEnd"/> checks that the data was exactly that long.
    /// </summary>
    public static DecompressedStream OpenDecompressed(byte[] payload, int payloadLength, CkksCompression mode, long rawLength)
    {
        var input = new MemoryStream(payload, 0, payloadLength, writable: false);
        Stream decoder = mode == CkksCompression.Brotli
            ? new BrotliStream(input, CompressionMode.Decompress)
            : new ZLibStream(input, CompressionMode.Decompress);
        return new DecompressedStream(decoder, mode, rawLength);
    }

    /// <summary>Whether a compressed payload of <paramref name="compressedLength"/> bytes may declare <paramref name="rawLength"/> (the saver's rule and the loader's).</summary>
    public static bool WithinRatio(long rawLength, long compressedLength) => rawLength <= CkksLoadOptions.MaxCompressionRatio * compressedLength;
}
