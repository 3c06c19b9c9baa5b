using System.Security.Cryptography;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Serialization;

/// <summary>Parses a validated raw payload into an object.</summary>
internal delegate T PayloadReadFunc<T>(ReadOnlySpan<byte> raw, FormatHeader header);

/// <summary>Parses an uncompressed payload straight from a stream, piece by piece (objects larger than an array).</summary>
internal delegate T StreamPayloadReadFunc<T>(Stream stream, FormatHeader header);

/// <summary>
/// Reads a header and payload from a span or a stream and checks the framing before the payload is parsed:
/// kind, fingerprint, declared lengths against the input and against the largest object the parameters allow.
/// </summary>
internal static class ObjectLoader
{
    /// <summary>The first buffer used to read a payload from a stream; it then doubles as the data arrives.</summary>
    private const int InitialStreamBuffer = 1 << 16;

    public static T Load<T>(ReadOnlySpan<byte> data, ObjectKind kind, RlweContext? context, bool sensitive, PayloadReadFunc<T> parse)
    {
        FormatHeader header = ReadHeader(data, kind, context, streamed: false);
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

        return ParseCompressed(payload.ToArray(), header, sensitive, parse);
    }

    public static T Load<T>(Stream stream, ObjectKind kind, RlweContext? context, bool sensitive, PayloadReadFunc<T> parse, StreamPayloadReadFunc<T>? streamParse = null)
    {
        Span<byte> headerBytes = stackalloc byte[FormatHeader.Size];
        int got = ReadFully(stream, headerBytes);
        FormatHeader header = ReadHeader(headerBytes[..got], kind, context, streamed: streamParse is not null);
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
                : ParseCompressed(buffer, header, sensitive, parse);
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
    /// Reads the header and checks kind, fingerprint and raw length; with <paramref name="streamed"/> (an uncompressed
    /// payload parsed piece by piece) the raw length may exceed the largest array.
    /// </summary>
    private static FormatHeader ReadHeader(ReadOnlySpan<byte> data, ObjectKind kind, RlweContext? context, bool streamed)
    {
        FormatHeader header = FormatHeader.Read(data, kind);
        if (context is not null)
        {
            header.CheckFingerprint(Fingerprints.Of(context));
        }

        long max = ObjectDecoder.MaxRawLength(kind, context);
        if (!streamed || header.Compression != CkksCompression.None)
        {
            max = Math.Min(max, Array.MaxLength - FormatHeader.Size);
        }

        if (header.RawLength > max)
        {
            throw new CkksFormatException($"The header declares a {header.RawLength}-byte {kind} payload; the largest these parameters allow is {max} bytes.");
        }

        return header;
    }

    private static T ParseCompressed<T>(byte[] payload, FormatHeader header, bool sensitive, PayloadReadFunc<T> parse)
    {
        byte[] raw = PayloadCompression.Decompress(payload, (int)header.PayloadLength, header.Compression, (int)header.RawLength);
        try
        {
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
