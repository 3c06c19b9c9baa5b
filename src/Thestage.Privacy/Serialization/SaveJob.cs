using Thestage.Privacy.Rings;

namespace Thestage.Privacy.Serialization;

/// <summary>Writes one segment of a payload into a span of exactly the segment's length.</summary>
internal delegate void PayloadWriteAction(Span<byte> destination);

/// <summary>A consecutive piece of a payload: its exact length and its writer.</summary>
internal readonly record struct PayloadSegment(long Length, PayloadWriteAction Write);

/// <summary>
/// One object to save: its header fields and its payload as consecutive segments of known length; compresses at
/// most once. Uncompressed, a stream receives one segment at a time, so an object (Galois keys) may exceed the
/// largest array as long as each segment (one key) does not. A sensitive payload (a secret key, a plaintext) is never
/// compressed, and its pooled buffers are wiped.
/// </summary>
internal sealed class SaveJob
{
    private readonly ObjectKind _kind;
    private readonly byte[] _fingerprint;
    private readonly bool _seeded;
    private readonly long _rawLength;
    private readonly PayloadSegment[] _segments;
    private readonly CkksCompression _compression;
    private readonly bool _sensitive;
    private byte[]? _compressed;
    private bool _compressionTried;

    public SaveJob(ObjectKind kind, byte[] fingerprint, bool seeded, long rawLength, PayloadWriteAction write, CkksCompression compression, bool sensitive = false)
        : this(kind, fingerprint, seeded, [new PayloadSegment(rawLength, write)], compression, sensitive)
    {
    }

    public SaveJob(ObjectKind kind, byte[] fingerprint, bool seeded, PayloadSegment[] segments, CkksCompression compression, bool sensitive = false)
    {
        if (!Enum.IsDefined(compression))
        {
            throw new ArgumentOutOfRangeException(nameof(compression), compression, "Unknown compression mode.");
        }

        _kind = kind;
        _fingerprint = fingerprint;
        _seeded = seeded;
        _segments = segments;
        _rawLength = segments.Sum(s => s.Length);
        _compression = compression;
        _sensitive = sensitive;
    }

    /// <summary>The exact serialized size, header included (compresses first when compression was asked for).</summary>
    public long Size
    {
        get
        {
            // Beyond the loaders' default limit compression is not tried; nor for secret-dependent payloads, whose
            // compressed form is as secret and which zlib would leave in its own pooled buffer, out of reach of a wipe.
            if (_compression == CkksCompression.None || _sensitive || _rawLength > CkksLoadOptions.DefaultMaxDecompressedBytes)
            {
                return FormatHeader.Size + _rawLength;
            }

            TryCompress();
            return FormatHeader.Size + (_compressed?.LongLength ?? _rawLength);
        }
    }

    public bool TryWrite(Span<byte> destination, out int bytesWritten)
    {
        long size = Size;
        CheckFits(size);
        if (destination.Length < size)
        {
            bytesWritten = 0;
            return false;
        }

        bytesWritten = (int)size;
        Header().Write(destination);
        if (_compressed is not null)
        {
            _compressed.CopyTo(destination[FormatHeader.Size..]);
        }
        else
        {
            WriteRaw(destination.Slice(FormatHeader.Size, (int)_rawLength));
        }

        return true;
    }

    public byte[] ToArray()
    {
        long size = Size;
        CheckFits(size);
        byte[] result = GC.AllocateUninitializedArray<byte>((int)size);
        TryWrite(result, out _);
        return result;
    }

    public void WriteTo(Stream stream) => WriteCoreAsync(stream, useAsync: false, CancellationToken.None).GetAwaiter().GetResult();

    public Task WriteToAsync(Stream stream, CancellationToken cancellationToken) => WriteCoreAsync(stream, useAsync: true, cancellationToken).AsTask();

    /// <summary>
    /// Writes the header, then the compressed payload or one segment at a time from a pooled buffer (wiped when
    /// sensitive); one implementation for synchronous and asynchronous writes (<paramref name="useAsync"/>).
    /// </summary>
    private async ValueTask WriteCoreAsync(Stream stream, bool useAsync, CancellationToken cancellationToken)
    {
        long size = Size;
        byte[] header = new byte[FormatHeader.Size];
        Header().Write(header);
        await Write(header).ConfigureAwait(false);
        if (_compressed is not null)
        {
            await Write(_compressed).ConfigureAwait(false);
            return;
        }

        foreach (PayloadSegment segment in _segments)
        {
            CheckFits(segment.Length);
            using var buffer = PooledArray<byte>.Rent((int)segment.Length, _sensitive);
            segment.Write(buffer.Span);
            await Write(buffer.Memory).ConfigureAwait(false);
        }

        System.Diagnostics.Debug.Assert(size == FormatHeader.Size + _rawLength);

        ValueTask Write(ReadOnlyMemory<byte> bytes)
        {
            if (useAsync)
            {
                return stream.WriteAsync(bytes, cancellationToken);
            }

            stream.Write(bytes.Span);
            return ValueTask.CompletedTask;
        }
    }

    private void WriteRaw(Span<byte> destination)
    {
        int position = 0;
        foreach (PayloadSegment segment in _segments)
        {
            segment.Write(destination.Slice(position, (int)segment.Length));
            position += (int)segment.Length;
        }
    }

    private FormatHeader Header()
    {
        bool compressed = _compressed is not null;
        long payload = compressed ? _compressed!.LongLength : _rawLength;
        return new FormatHeader(_kind, compressed ? _compression : CkksCompression.None, _seeded, _fingerprint, payload, _rawLength);
    }

    private void TryCompress()
    {
        if (_compressionTried)
        {
            return;
        }

        using (var raw = PooledArray<byte>.Rent((int)_rawLength, _sensitive))
        {
            WriteRaw(raw.Span);
            _compressed = PayloadCompression.Compress(raw.Span, _compression);
        }

        _compressionTried = true;
    }

    private void CheckFits(long size)
    {
        if (size > Array.MaxLength)
        {
            throw new NotSupportedException($"The serialized {_kind} takes {size} bytes, more than an array holds; save it to a stream.");
        }
    }
}
