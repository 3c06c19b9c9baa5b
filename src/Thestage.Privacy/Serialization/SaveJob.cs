using System.Buffers;
using System.Security.Cryptography;

namespace Thestage.Privacy.Serialization;

/// <summary>Writes the payload of one object into a span of exactly the declared raw length.</summary>
internal delegate void PayloadWriteAction(Span<byte> destination);

/// <summary>One object to save: its header fields, exact payload size and payload writer; compresses at most once.</summary>
internal sealed class SaveJob
{
    private readonly ObjectKind _kind;
    private readonly byte[] _fingerprint;
    private readonly bool _seeded;
    private readonly long _rawLength;
    private readonly PayloadWriteAction _write;
    private readonly CkksCompression _compression;
    private readonly bool _sensitive;
    private byte[]? _compressed;
    private bool _compressionTried;

    public SaveJob(ObjectKind kind, byte[] fingerprint, bool seeded, long rawLength, PayloadWriteAction write, CkksCompression compression, bool sensitive = false)
    {
        if (!Enum.IsDefined(compression))
        {
            throw new ArgumentOutOfRangeException(nameof(compression), compression, "Unknown compression mode.");
        }

        _kind = kind;
        _fingerprint = fingerprint;
        _seeded = seeded;
        _rawLength = rawLength;
        _write = write;
        _compression = compression;
        _sensitive = sensitive;
    }

    /// <summary>The exact serialized size, header included (compresses first when compression was asked for).</summary>
    public long Size
    {
        get
        {
            if (_compression == CkksCompression.None)
            {
                return FormatHeader.Size + _rawLength;
            }

            CheckFits(FormatHeader.Size + _rawLength);
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
            _write(destination.Slice(FormatHeader.Size, (int)_rawLength));
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

    public void WriteTo(Stream stream)
    {
        long size = Size;
        CheckFits(size);
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)size);
        try
        {
            TryWrite(buffer, out int written);
            stream.Write(buffer, 0, written);
        }
        finally
        {
            if (_sensitive)
            {
                CryptographicOperations.ZeroMemory(buffer);
            }

            ArrayPool<byte>.Shared.Return(buffer);
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

        byte[] raw = ArrayPool<byte>.Shared.Rent((int)_rawLength);
        try
        {
            _write(raw.AsSpan(0, (int)_rawLength));
            _compressed = PayloadCompression.Compress(raw.AsSpan(0, (int)_rawLength), _compression);
        }
        finally
        {
            if (_sensitive)
            {
                CryptographicOperations.ZeroMemory(raw);
            }

            ArrayPool<byte>.Shared.Return(raw);
        }

        _compressionTried = true;
    }

    private void CheckFits(long size)
    {
        if (size > Array.MaxLength)
        {
            throw new NotSupportedException($"The serialized {_kind} would take {size} bytes; objects of more than {Array.MaxLength} bytes are not supported.");
        }
    }
}
