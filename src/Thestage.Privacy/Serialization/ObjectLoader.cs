using System.Security.Cryptography;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Serialization;

/// <summary>Parses a validated raw payload into an object.</summary>
internal delegate T PayloadReadFunc<T>(ReadOnlySpan<byte> raw, FormatHeader header);

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
        FormatHeader header = ReadHeader(data, kind, context);
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

    public static T Load<T>(Stream stream, ObjectKind kind, RlweContext? context, bool sensitive, PayloadReadFunc<T> parse)
    {
        Span<byte> headerBytes = stackalloc byte[FormatHeader.Size];
        int got = ReadFully(stream, headerBytes);
        FormatHeader header = ReadHeader(headerBytes[..got], kind, context);
        int length = (int)header.PayloadLength;
        byte[] buffer = new byte[Math.Min(length, InitialStreamBuffer)];
        int filled = 0;
        try
        {
            while (filled < length)
            {
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
                }

                int read = stream.Read(buffer, filled, buffer.Length - filled);
                if (read == 0)
                {
                    throw new CkksFormatException($"Truncated {kind}: the header declares a {length}-byte payload, the stream ended after {filled}.");
                }

                filled += read;
            }

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

    private static FormatHeader ReadHeader(ReadOnlySpan<byte> data, ObjectKind kind, RlweContext? context)
    {
        FormatHeader header = FormatHeader.Read(data, kind);
        if (context is not null)
        {
            header.CheckFingerprint(Fingerprints.Of(context));
        }

        long max = Math.Min(ObjectDecoder.MaxRawLength(kind, context), Array.MaxLength - FormatHeader.Size);
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
