using System.Security.Cryptography;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Serialization;

/// <summary>Parses a validated raw payload into an object.</summary>
internal delegate T PayloadReadFunc<T>(ReadOnlySpan<byte> raw, FormatHeader header);

/// <summary>
/// Parses a payload of <see cref="FormatHeader.RawLength"/> bytes straight from a stream, piece by piece: an uncompressed
/// payload from the input (objects larger than an array), a compressed one as it is decompressed (one element at a time).
/// </summary>
internal delegate T StreamPayloadReadFunc<T>(Stream stream, FormatHeader header);

/// <summary>
/// Reads a header and payload from a span or a stream and checks the framing before the payload is parsed:
/// kind, fingerprint, declared lengths against the input, against the largest object the parameters allow and, for a
/// compressed payload, against <see cref="CkksLoadOptions"/> (its raw-length limit and compression ratio).
/// </summary>
internal static class ObjectLoader
{
    /// <summary>The first buffer used to read a payload from a stream; it then doubles as the data arrives.</summary>
    private const int InitialStreamBuffer = 1 << 16;

    public static T Load<T>(ReadOnlySpan<byte> data, ObjectKind kind, RlweContext? context, bool sensitive, CkksLoadOptions? options, PayloadReadFunc<T> parse, StreamPayloadReadFunc<T>? streamParse = null)
    {
        FormatHeader header = ReadHeader(data, kind, context, streamed: false, options);
        long available = data.Length - FormatHeader.Size;
        if (header.PayloadLength != available)
        {
            throw new CkksFormatException(header.PayloadLength > available
                ? $"Truncated {kind}: the header declares a {header.PayloadLength}-byte payload, {available} bytes follow."
                : $"{available - header.PayloadLength} unexpected trailing bytes after the {kind}.");
        }

        ReadOnlySpan<byte> payload = data[FormatHeader.Size..];
        if (header.Compression == CkksCompression.None)
        {
            return parse(payload, header);
        }

        byte[] copy = payload.ToArray();
        try
        {
            return ParseCompressed(copy, header, sensitive, parse, streamParse);
        }
        finally
        {
            if (sensitive)
            {
                CryptographicOperations.ZeroMemory(copy);
            }
        }
    }

    public static T Load<T>(Stream stream, ObjectKind kind, RlweContext? context, bool sensitive, CkksLoadOptions? options, PayloadReadFunc<T> parse, StreamPayloadReadFunc<T>? streamParse = null)
    {
        Span<byte> headerBytes = stackalloc byte[FormatHeader.Size];
        int got = ReadFully(stream, headerBytes);
        FormatHeader header = ReadHeader(headerBytes[..got], kind, context, streamed: streamParse is not null, options);
        if (streamParse is not null && header.Compression == CkksCompression.None)
        {
            return streamParse(stream, header);
        }

        byte[] buffer = [];
        try
        {
            ReadGrowing(stream, (int)header.PayloadLength, ref buffer, $"the {kind} payload", sensitive);
            return header.Compression == CkksCompression.None
                ? parse(buffer, header)
                : ParseCompressed(buffer, header, sensitive, parse, streamParse);
        }
        finally
        {
            if (sensitive)
            {
                CryptographicOperations.ZeroMemory(buffer);
            }
        }
    }

    /// <summary>
    /// Reads exactly <paramref name="length"/> bytes into the start of <paramref name="buffer"/>, which grows (from
    /// 64 KiB, doubling) only as the data arrives, so that a hostile length cannot make it allocate up front.
    /// With <paramref name="sensitive"/>, each outgrown buffer is wiped.
    /// </summary>
    public static void ReadGrowing(Stream stream, int length, ref byte[] buffer, string what, bool sensitive = false)
    {
        if (buffer.Length < length)
        {
            Grow(ref buffer, Math.Min(length, Math.Max(buffer.Length, InitialStreamBuffer)), 0, sensitive);
        }

        int filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length)
            {
                Grow(ref buffer, (int)Math.Min(length, 2L * buffer.Length), filled, sensitive);
            }

            int read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                throw new CkksFormatException($"Truncated input: {what} needs {length} bytes, the stream ended after {filled}.");
            }

            filled += read;
        }
    }

    private static void Grow(ref byte[] buffer, int length, int keep, bool sensitive)
    {
        byte[] grown = new byte[length];
        buffer.AsSpan(0, keep).CopyTo(grown);
        if (sensitive)
        {
            CryptographicOperations.ZeroMemory(buffer);
        }

        buffer = grown;
    }

    /// <summary>
    /// Reads the header and checks kind, fingerprint and raw length: against what the parameters allow (and the largest
    /// array, unless <paramref name="streamed"/>: the payload is then parsed piece by piece) and, when compressed, against
    /// the limits of <paramref name="options"/> — all before anything is allocated or decompressed.
    /// </summary>
    private static FormatHeader ReadHeader(ReadOnlySpan<byte> data, ObjectKind kind, RlweContext? context, bool streamed, CkksLoadOptions? options)
    {
        FormatHeader header = FormatHeader.Read(data, kind);
        if (context is not null)
        {
            header.CheckFingerprint(Fingerprints.Of(context));
        }

        long max = ObjectDecoder.MaxRawLength(kind, context);
        if (!streamed)
        {
            max = Math.Min(max, Array.MaxLength - FormatHeader.Size);
        }

        if (header.RawLength > max)
        {
            throw new CkksFormatException($"The header declares a {header.RawLength}-byte {kind} payload; the largest these parameters allow is {max} bytes.");
        }

        if (header.Compression != CkksCompression.None)
        {
            if (header.PayloadLength > Array.MaxLength - FormatHeader.Size)
            {
                throw new CkksFormatException($"The compressed {kind} payload of {header.PayloadLength} bytes does not fit an array; compressed payloads are read whole.");
            }

            if (!PayloadCompression.WithinRatio(header.RawLength, header.PayloadLength))
            {
                throw new CkksFormatException(
                    $"The compressed {kind} declares {header.RawLength} bytes from {header.PayloadLength}, a ratio above {CkksLoadOptions.MaxCompressionRatio}: " +
                    "bit-packed residues do not compress, so this is refused as a decompression bomb.");
            }

            long limit = (options ?? CkksLoadOptions.Default).MaxDecompressedBytes;
            if (header.RawLength > limit)
            {
                throw new CkksFormatException($"The compressed {kind} declares {header.RawLength} bytes once decompressed, above the load limit of {limit} (CkksLoadOptions.MaxDecompressedBytes).");
            }
        }

        return header;
    }

    /// <summary>
    /// Parses a compressed payload: as a decompressing stream, one element at a time, when the kind has a stream parser
    /// (vectors, tensors, Galois keys); otherwise decompressed whole, which the parameters bound.
    /// </summary>
    private static T ParseCompressed<T>(byte[] payload, FormatHeader header, bool sensitive, PayloadReadFunc<T> parse, StreamPayloadReadFunc<T>? streamParse)
    {
        using DecompressedStream decompressed = PayloadCompression.OpenDecompressed(payload, (int)header.PayloadLength, header.Compression, header.RawLength);
        if (streamParse is not null)
        {
            T result = streamParse(decompressed, header);
            decompressed.ExpectEnd();
            return result;
        }

        byte[] raw = [];
        try
        {
            ReadGrowing(decompressed, (int)header.RawLength, ref raw, $"the decompressed {header.Kind} payload", sensitive);
            decompressed.ExpectEnd();
            return parse(raw, header);
        }
        finally
        {
            if (sensitive)
            {
                CryptographicOperations.ZeroMemory(raw);
            }
        }
    }

    private static int ReadFully(Stream stream, Span<byte> destination)
    {
        int filled = 0;
        while (filled < destination.Length)
        {
            int read = stream.Read(destination[filled..]);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }
}
