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
/// What a loader expects of one object: its kind, the context whose fingerprint it must carry (none for parameters),
/// whether its payload is secret-dependent (buffers wiped), its span parser and, for kinds that may exceed an array,
/// its stream parser.
/// </summary>
internal sealed record ObjectFormat<T>(ObjectKind Kind, RlweContext? Context, bool Sensitive, PayloadReadFunc<T> Parse, StreamPayloadReadFunc<T>? StreamParse = null);

/// <summary>
/// Reads a header and payload from a span or a stream and checks the framing before the payload is parsed:
/// kind, fingerprint, declared lengths against the input, against the largest object the parameters allow and, for a
/// compressed payload, against <see cref="CkksLoadOptions"/> (its raw-length limit and compression ratio).
/// </summary>
internal static class ObjectLoader
{
    /// <summary>The first buffer used to read a payload from a stream; it then doubles as the data arrives.</summary>
    private const int InitialStreamBuffer = 1 << 16;

    public static T Load<T>(ReadOnlySpan<byte> data, ObjectFormat<T> format, CkksLoadOptions? options)
    {
        (ObjectKind kind, RlweContext? context, bool sensitive, PayloadReadFunc<T> parse, StreamPayloadReadFunc<T>? streamParse) = format;
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

    public static T Load<T>(Stream stream, ObjectFormat<T> format, CkksLoadOptions? options)
    {
        (ObjectKind kind, RlweContext? context, bool sensitive, PayloadReadFunc<T> parse, StreamPayloadReadFunc<T>? streamParse) = format;
        Span<byte> headerBytes = stackalloc byte[FormatHeader.Size];
        int got = stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false);
        FormatHeader header = ReadHeader(headerBytes[..got], kind, context, streamed: streamParse is not null, options);
        if (streamParse is not null && header.Compression == CkksCompression.None)
        {
            return streamParse(stream, header);
        }

        var payload = new GrowingBuffer(sensitive);
        try
        {
            payload.FillAsync(stream, (int)header.PayloadLength, $"the {kind} payload", useAsync: false, CancellationToken.None).GetAwaiter().GetResult();
            return header.Compression == CkksCompression.None
                ? parse(payload.Array, header)
                : ParseCompressed(payload.Array, header, sensitive, parse, streamParse);
        }
        finally
        {
            payload.Wipe();
        }
    }

    /// <summary>
    /// Loads one object from <paramref name="stream"/> with asynchronous reads: the header first, validated as
    /// <see cref="Load{T}(Stream, ObjectFormat{T}, CkksLoadOptions?)"/>
    /// does before anything is allocated, then the payload into a buffer that grows only as the data arrives, then the
    /// span parser. The payload is held whole, so an object must fit in an array.
    /// </summary>
    public static async Task<T> LoadAsync<T>(Stream stream, ObjectFormat<T> format, CkksLoadOptions? options, CancellationToken cancellationToken)
    {
        (ObjectKind kind, RlweContext? context, bool sensitive, PayloadReadFunc<T> parse, StreamPayloadReadFunc<T>? streamParse) = format;
        byte[] headerBytes = new byte[FormatHeader.Size];
        int got = await stream.ReadAtLeastAsync(headerBytes, headerBytes.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        FormatHeader header = ReadHeader(headerBytes.AsSpan(0, got), kind, context, streamed: false, options);
        var payload = new GrowingBuffer(sensitive);
        try
        {
            await payload.FillAsync(stream, (int)header.PayloadLength, $"the {kind} payload", useAsync: true, cancellationToken).ConfigureAwait(false);
            return header.Compression == CkksCompression.None
                ? parse(payload.Array, header)
                : ParseCompressed(payload.Array, header, sensitive, parse, streamParse);
        }
        finally
        {
            payload.Wipe();
        }
    }

    /// <summary>
    /// Reads exactly <paramref name="length"/> bytes into the start of <paramref name="buffer"/>, which grows (from
    /// 64 KiB, doubling) only as the data arrives, so that a hostile length cannot make it allocate up front.
    /// With <paramref name="sensitive"/>, each outgrown buffer is wiped.
    /// </summary>
    public static void ReadGrowing(Stream stream, int length, ref byte[] buffer, string what, bool sensitive = false)
    {
        var growing = new GrowingBuffer(sensitive) { Array = buffer };
        try
        {
            growing.FillAsync(stream, length, what, useAsync: false, CancellationToken.None).GetAwaiter().GetResult();
        }
        finally
        {
            buffer = growing.Array;
        }
    }

    /// <summary>
    /// A buffer filled from a stream that grows (from 64 KiB, doubling, never beyond the length asked for) only as the
    /// data arrives; outgrown arrays are wiped when it holds sensitive data. One implementation for synchronous and
    /// asynchronous reads (<c>useAsync</c>), as the runtime's own streams do.
    /// </summary>
    private sealed class GrowingBuffer(bool sensitive)
    {
        public byte[] Array { get; set; } = [];

        public async ValueTask FillAsync(Stream stream, int length, string what, bool useAsync, CancellationToken cancellationToken)
        {
            if (Array.Length < length)
            {
                Grow(Math.Min(length, Math.Max(Array.Length, InitialStreamBuffer)), 0);
            }

            int filled = 0;
            while (filled < length)
            {
                if (filled == Array.Length)
                {
                    Grow((int)Math.Min(length, 2L * Array.Length), filled);
                }

                // Never more than the length asked for: the bytes after it belong to the next element of the stream.
                int wanted = Math.Min(Array.Length, length) - filled;
                int read = useAsync
                    ? await stream.ReadAsync(Array.AsMemory(filled, wanted), cancellationToken).ConfigureAwait(false)
                    : stream.Read(Array, filled, wanted);
                if (read == 0)
                {
                    throw new CkksFormatException($"Truncated input: {what} needs {length} bytes, the stream ended after {filled}.");
                }

                filled += read;
            }
        }

        public void Wipe()
        {
            if (sensitive)
            {
                CryptographicOperations.ZeroMemory(Array);
            }
        }

        private void Grow(int length, int keep)
        {
            byte[] grown = new byte[length];
            Array.AsSpan(0, keep).CopyTo(grown);
            Wipe();
            Array = grown;
        }
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

        var raw = new GrowingBuffer(sensitive);
        try
        {
            raw.FillAsync(decompressed, (int)header.RawLength, $"the decompressed {header.Kind} payload", useAsync: false, CancellationToken.None).GetAwaiter().GetResult();
            decompressed.ExpectEnd();
            return parse(raw.Array, header);
        }
        finally
        {
            raw.Wipe();
        }
    }
}
