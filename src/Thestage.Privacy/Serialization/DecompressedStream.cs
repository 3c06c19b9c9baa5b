namespace Thestage.Privacy.Serialization;

/// <summary>
/// A decompressing stream limited to the declared raw length: reads stop there, decoder errors become
/// <see cref="CkksFormatException"/>, and <see cref="ExpectEnd"/> refuses data shorter or longer than declared.
/// </summary>
internal sealed class DecompressedStream : Stream
{
    private readonly Stream _decoder;
    private readonly CkksCompression _mode;
    private readonly long _rawLength;
    private long _produced;

    public DecompressedStream(Stream decoder, CkksCompression mode, long rawLength)
    {
        _decoder = decoder;
        _mode = mode;
        _rawLength = rawLength;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _produced;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        long remaining = _rawLength - _produced;
        if (remaining == 0 || buffer.IsEmpty)
        {
            return 0;
        }

        int read = Decode(buffer[..(int)Math.Min(buffer.Length, remaining)]);
        _produced += read;
        return read;
    }

    /// <summary>Checks that the data decompressed to exactly the declared length.</summary>
    public void ExpectEnd()
    {
        if (_produced != _rawLength)
        {
            throw new CkksFormatException($"The compressed payload was read to {_produced} bytes of the declared {_rawLength}.");
        }

        Span<byte> probe = stackalloc byte[1];
        if (Decode(probe) != 0)
        {
            throw new CkksFormatException($"The compressed payload decompresses to more than the declared {_rawLength} bytes.");
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _decoder.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Decode(Span<byte> destination)
    {
        try
        {
            return _decoder.Read(destination);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or IOException)
        {
            // zlib reports corrupt data with InvalidDataException, or with ZLibException (an IOException) for some invalid
            // streams (found by the fuzz campaign: an 86-byte parameters object); Brotli with InvalidOperationException.
            // The source is an array, so no other IOException can arise here.
            throw new CkksFormatException($"The {_mode}-compressed payload is corrupt: {e.Message}", e);
        }
    }
}
